import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { priorityClass } from "./jobs";

/** Where a ticket's triage stands in the queue; `position` 1 = the next job a free worker takes. */
export interface QueuePlace {
  ticketId: string;
  state: "queued" | "running" | "retrying";
  position: number | null;
  priority: number;
  /** Seconds until a worker should reach it, from the measured throughput; null before anything was measured. */
  expectedWaitSeconds: number | null;
}

/**
 * Triages finished per second over the last 15 minutes (every worker together). Before any finished in that window,
 * the average duration of the last 50 triages and the sequences of the live workers stand in for it.
 */
export async function triageThroughput(db: DbOrTx): Promise<{ perSecond: number | null; basis: "recent" | "estimate" | "none" }> {
  const [recent] = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from triage_results where finished_at > now() - interval '15 minutes'`);
  if (recent && recent.n >= 3) return { perSecond: recent.n / 900, basis: "recent" };
  const [est] = await db.execute<{ avg_s: number | null; sequences: number | null }>(sql`
    select (select avg(extract(epoch from finished_at - started_at))::float8 from (
              select finished_at, started_at from triage_results where finished_at is not null and started_at is not null
              order by finished_at desc limit 50) r) as avg_s,
           (select sum(sequences)::int from inference_workers) as sequences`);
  if (est?.avg_s && est.avg_s > 0) return { perSecond: Math.max(1, est.sequences ?? 1) / est.avg_s, basis: "estimate" };
  return { perSecond: null, basis: "none" };
}

/**
 * The queue place of each given ticket's pending triage job (graphile-worker order: priority, then run_at, then id),
 * or no entry when none waits. One pass over the runnable triage jobs.
 */
export async function triageQueuePlaces(db: DbOrTx, ticketIds: string[]): Promise<Map<string, QueuePlace>> {
  const places = new Map<string, QueuePlace>();
  if (ticketIds.length === 0) return places;
  const rows = await db.execute<{ ticket_id: string; locked: boolean; waiting: boolean; priority: number; position: number | null }>(sql`
    with triage_jobs as (
      -- The public view has no payload: the job key (triage:<message id>) names the message, and so the ticket.
      select m.ticket_id::text as ticket_id, j.priority, j.run_at, j.id, j.locked_at is not null as locked,
             j.run_at > now() and j.attempts > 0 as waiting
      from graphile_worker.jobs j
      left join messages m on m.id = case when j.key ~ '^triage:[0-9a-f-]{36}$' then substring(j.key from 8)::uuid end
      where j.task_identifier = 'triage' and j.attempts < j.max_attempts
    ), ranked as (
      select *, case when not locked and not waiting
                  then row_number() over (partition by (not locked and not waiting) order by priority, run_at, id) end as position
      from triage_jobs
    )
    select ticket_id, locked, waiting, priority, position::int from ranked
    where ticket_id in (${sql.join(ticketIds.map((id) => sql`${id}`), sql`, `)})
    order by locked desc, position nulls last`);
  const throughput = rows.length ? await triageThroughput(db) : { perSecond: null };
  for (const r of rows) {
    if (places.has(r.ticket_id)) continue;
    const state = r.locked ? "running" : r.waiting ? "retrying" : "queued";
    places.set(r.ticket_id, {
      ticketId: r.ticket_id,
      state,
      position: r.position,
      priority: r.priority,
      expectedWaitSeconds: state === "queued" && r.position && throughput.perSecond ? Math.round(r.position / throughput.perSecond) : null,
    });
  }
  return places;
}

/** The admin's view of the queue: depth by task and priority class, oldest wait, throughput per worker and model, failures. */
export async function queueOverview(db: DbOrTx) {
  const [depth, oldest, perWorker, failedJobs, failedTriage, workers, throughput] = await Promise.all([
    db.execute<{ task: string; priority: number; queued: number; running: number; retrying: number }>(sql`
      select task_identifier as task, priority,
             count(*) filter (where locked_at is null and run_at <= now())::int as queued,
             count(*) filter (where locked_at is not null)::int as running,
             count(*) filter (where locked_at is null and run_at > now())::int as retrying
      from graphile_worker.jobs where attempts < max_attempts
      group by 1, 2 order by 1, 2`),
    db.execute<{ task: string; oldest_seconds: number }>(sql`
      select task_identifier as task, extract(epoch from now() - min(run_at))::int as oldest_seconds
      from graphile_worker.jobs where locked_at is null and run_at <= now() and attempts < max_attempts group by 1`),
    db.execute<{ worker_id: string | null; model_version: string; done: number; failed: number; avg_seconds: number | null; avg_wait_seconds: number | null; last_at: string | null }>(sql`
      select worker_id, model_version,
             count(*) filter (where status in ('done', 'needs_human'))::int as done,
             count(*) filter (where status = 'failed')::int as failed,
             avg(extract(epoch from finished_at - started_at))::float8 as avg_seconds,
             avg(queue_wait_ms / 1000.0)::float8 as avg_wait_seconds,
             max(finished_at)::text as last_at
      from triage_results where updated_at > now() - interval '1 hour'
      group by 1, 2 order by max(finished_at) desc nulls last`),
    db.execute<{ id: string; task: string; attempts: number; max_attempts: number; last_error: string | null; updated_at: string; key: string | null }>(sql`
      select id::text, task_identifier as task, attempts, max_attempts, left(last_error, 500) as last_error, updated_at::text, key
      from graphile_worker.jobs where last_error is not null order by updated_at desc limit 20`),
    db.execute<{ ticket_id: string; number: number; error: string | null; updated_at: string }>(sql`
      select r.ticket_id, t.number, left(r.error, 300) as error, r.updated_at::text
      from triage_results r join tickets t on t.id = r.ticket_id
      where r.status = 'failed' order by r.updated_at desc limit 20`),
    db.execute<{ id: string; host: string; model_version: string | null; sequences: number; heartbeat_at: string }>(sql`
      select id, host, model_version, sequences, heartbeat_at::text from inference_workers order by started_at`),
    triageThroughput(db),
  ]);
  return {
    depth: depth.map((d) => ({ task: d.task, priority: d.priority, class: priorityClass(d.priority), queued: d.queued, running: d.running, retrying: d.retrying })),
    oldestWaitSeconds: Object.fromEntries(oldest.map((o) => [o.task, o.oldest_seconds])) as Record<string, number>,
    throughput: { perMinute: throughput.perSecond === null ? null : throughput.perSecond * 60, basis: throughput.basis },
    perWorker: perWorker.map((w) => ({
      workerId: w.worker_id,
      modelVersion: w.model_version,
      done: w.done,
      failed: w.failed,
      avgSeconds: w.avg_seconds,
      avgWaitSeconds: w.avg_wait_seconds,
      lastAt: w.last_at,
    })),
    workers: workers.map((w) => ({ id: w.id, host: w.host, modelVersion: w.model_version, sequences: w.sequences, heartbeatAt: w.heartbeat_at })),
    failedJobs: failedJobs.map((j) => ({ id: j.id, task: j.task, attempts: j.attempts, maxAttempts: j.max_attempts, lastError: j.last_error, updatedAt: j.updated_at, key: j.key, dead: j.attempts >= j.max_attempts })),
    failedTriage: failedTriage.map((f) => ({ ticketId: f.ticket_id, number: f.number, error: f.error, updatedAt: f.updated_at })),
  };
}
