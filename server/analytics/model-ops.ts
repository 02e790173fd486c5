import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { filtersTickets, inRange, num, ticketScope, versionScope, type AnalyticsParams } from "./params";

/**
 * Triage run timings, failures and retries per model version and worker (and per model version over all workers).
 * Percentiles are exact, each metric's from one sort; the tickets are joined only when a ticket filter asks for them.
 */
export async function getModelOps(db: Db, p: AnalyticsParams) {
  const rows = await db.execute<Record<string, string | null>>(sql`
    with grouped as (
      select r.model_version, case when grouping(r.worker_id) = 1 then 'all workers' else coalesce(r.worker_id, 'unknown') end as worker,
             grouping(r.worker_id) as all_workers,
             count(*) as runs,
             count(*) filter (where r.status = 'failed') as failed,
             coalesce(sum(greatest(r.attempts - 1, 0)), 0) as retries,
             percentile_cont(array[0.5, 0.95]) within group (order by r.total_ms) as total,
             percentile_cont(array[0.5, 0.95]) within group (order by r.queue_wait_ms) as wait,
             percentile_cont(0.5) within group (order by r.ttft_ms) as ttft_p50,
             percentile_cont(0.5) within group (order by r.tokens_per_second) as tps_p50
      from triage_results r ${filtersTickets(p) ? sql`join tickets t on t.id = r.ticket_id and ${ticketScope(p)}` : sql``}
      where ${versionScope(p)} and ${inRange(sql`r.created_at`, p)}
      group by grouping sets ((r.model_version), (r.model_version, r.worker_id))
    )
    select model_version, worker, runs, failed, retries, total[1] as total_p50, total[2] as total_p95, wait[1] as wait_p50, wait[2] as wait_p95,
           ttft_p50, tps_p50
    from grouped order by 1, all_workers desc, 2`);
  return rows.map((r) => ({
    modelVersion: r.model_version!,
    worker: r.worker!,
    runs: num(r.runs)!,
    failed: num(r.failed)!,
    retries: num(r.retries)!,
    totalP50Ms: num(r.total_p50),
    totalP95Ms: num(r.total_p95),
    queueWaitP50Ms: num(r.wait_p50),
    queueWaitP95Ms: num(r.wait_p95),
    ttftP50Ms: num(r.ttft_p50),
    tokensPerSecondP50: num(r.tps_p50),
  }));
}
