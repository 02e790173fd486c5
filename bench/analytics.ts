/**
 * `npm run bench:analytics`: every dashboard query on a year of support, 100,000 tickets with their messages, triage
 * results, corrections, sent replies (a share from AI drafts) and reopens, seeded with generate_series into a
 * throwaway database (a temporary embedded Postgres, or a new database on DATABASE_URL's server). Prints one JSON
 * object: p50/p95 of each query over the default 30-day view and over the whole year, and the whole page's data
 * (every query at once, as the page asks for it), and the CPU time each query cost its Postgres backend. Knobs: BENCH_TICKETS (100000), BENCH_RUNS (15), BENCH_KEEP=1 keeps
 * the database (on DATABASE_URL's server) to look at plans.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { createDb, type Db } from "@/db/client";
import { ensureDatabaseExists, withDatabase } from "@/db/connect";
import { startEmbeddedPostgres } from "@/db/embedded";
import { migrateDatabase } from "@/db/migrate";
import { getAiConfusions } from "@/server/analytics/ai-confusions";
import { getAiLearningCurve } from "@/server/analytics/ai-learning-curve";
import { getAiQuality } from "@/server/analytics/ai-quality";
import { getBacklog } from "@/server/analytics/backlog";
import { getDraftUse } from "@/server/analytics/draft-use";
import { getFilterOptions } from "@/server/analytics/filter-options";
import { listMetricTickets } from "@/server/analytics/metric-tickets";
import { getModelOps } from "@/server/analytics/model-ops";
import { getNeedsHumanQueue } from "@/server/analytics/needs-human-queue";
import type { AnalyticsParams } from "@/server/analytics/params";
import { getRequesterWait } from "@/server/analytics/requester-wait";
import { getResponseTimes } from "@/server/analytics/response-times";
import { getSlaAtRisk } from "@/server/analytics/sla-at-risk";
import { getSlaBreaches } from "@/server/analytics/sla-breaches";
import { getTokenUsage } from "@/server/analytics/token-usage";
import { getVolume } from "@/server/analytics/volume";

const KEEP = !!process.env.BENCH_KEEP;
const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const log = (l: string) => process.stderr.write(`[bench] ${l}\n`);

/** The page's queries, as app/(desk)/analytics asks for them on load. */
const QUERIES: Record<string, (db: Db, p: AnalyticsParams) => Promise<unknown>> = {
  options: (db) => getFilterOptions(db),
  volume: (db, p) => getVolume(db, { ...p, by: "channel" }),
  backlog: getBacklog,
  needsHumanQueue: getNeedsHumanQueue,
  responseTimes: getResponseTimes,
  requesterWait: getRequesterWait,
  slaBreaches: getSlaBreaches,
  slaAtRisk: getSlaAtRisk,
  aiQuality: getAiQuality,
  aiConfusions: getAiConfusions,
  learningCurve: getAiLearningCurve,
  draftUse: getDraftUse,
  modelOps: getModelOps,
  cost: getTokenUsage,
};

/** Seeds in SQL: one row of random draws per ticket, then every table derived from it. */
async function seed(db: Db, n: number) {
  const run = (q: string) => db.execute(sql.raw(q));
  await run(`select setseed(0.42)`);
  await run(`insert into teams (name) select 'Team ' || g from generate_series(1, 4) g`);
  await run(`insert into users (email, name, password_hash, role, team_id)
    select 'agent' || g || '@bench.local', 'Agent ' || g, 'x', 'agent', (select id from teams order by name offset (g % 4) limit 1)
    from generate_series(1, 20) g`);
  await run(`insert into categories (key, label) select 'cat_' || g, 'Category ' || g from generate_series(0, 9) g on conflict do nothing`);
  await run(`insert into model_versions (id, model_id, file_sha256, backend, first_seen_at)
    select 'smollm2-135m@v' || g, 'smollm2-135m', 'v' || g, 'cpu', now() - (interval '1 day' * (365 - 120 * (g - 1))) from generate_series(1, 3) g`);
  await run(`create table s as
    select g, gen_random_uuid() as id, gen_random_uuid() as msg_id, now() - interval '365 days' * random() as created_at,
           random() as a, random() as b, random() as c, random() as d, random() as e, random() as f, random() as h, random() as k,
           interval '1 minute' * (-ln(1 - random()) * 180) as reply_after,
           interval '1 minute' * (-ln(1 - random()) * 1440) as solve_after,
           interval '1 minute' * (-ln(1 - random()) * 120) as second_after
    from generate_series(1, ${n}) g`);
  await run(`alter table s add column first_reply_at timestamptz, add column resolved_at timestamptz, add column solved boolean`);
  await run(`update s set first_reply_at = case when a < 0.93 then created_at + reply_after end`);
  await run(`update s set resolved_at = coalesce(first_reply_at, created_at) + solve_after + case when f < 0.25 then second_after * 2 else interval '0' end`);
  await run(`update s set solved = resolved_at < now() and b < 0.97, first_reply_at = case when first_reply_at < now() then first_reply_at end`);
  await run(`create table agents as select row_number() over (order by email) as i, id, team_id from users where email like '%@bench.local'`);
  await run(`insert into tickets (id, subject, status, priority, category, channel, team_id, assignee_id, created_at, updated_at, last_message_at, first_response_at, resolved_at)
    select s.id, 'Bench ticket ' || g,
           (case when solved and k < 0.4 then 'closed' when solved then 'solved' when first_reply_at is not null then 'pending' else 'open' end)::ticket_status,
           (case when c < 0.05 then 'urgent' when c < 0.25 then 'high' when c < 0.85 then 'normal' else 'low' end)::ticket_priority,
           'cat_' || floor(d * 10)::int,
           (array['email','email','email','web','api','webhook'])[1 + floor(e * 6)::int]::ticket_channel,
           ag.team_id, ag.id, created_at, created_at, created_at, first_reply_at, case when solved then resolved_at end
    from s join agents ag on ag.i = 1 + (g % 20)`);
  // Messages: the opening one, the first reply, for a quarter a customer follow-up and a second reply, some notes.
  await run(`insert into messages (id, ticket_id, direction, customer_id, body_text, created_at)
    select msg_id, id, 'inbound', null, 'Customer message ' || g, created_at from s`);
  await run(`insert into triage_results (ticket_id, message_id, model_version, status, attempts, worker_id, category, priority, needs_human, draft,
      queue_wait_ms, prompt_tokens, completion_tokens, ttft_ms, tokens_per_second, total_ms, draft_prompt_tokens, draft_completion_tokens, draft_total_ms, created_at, updated_at)
    select s.id, msg_id, 'smollm2-135m@v' || (1 + least(2, floor(extract(epoch from (created_at - (now() - interval '365 days'))) / (120 * 86400))::int)),
           (case when h < 0.01 then 'failed' when h < 0.1 then 'needs_human' else 'done' end)::triage_status,
           case when h < 0.01 then 3 when h < 0.05 then 2 else 1 end, 'worker-' || (g % 3),
           case when k < 0.82 then 'cat_' || floor(d * 10)::int else 'cat_' || floor(k * 10)::int end,
           'normal', h < 0.1, case when e < 0.85 then 'Draft reply ' || g end,
           (f * 30000)::int, 300 + (a * 200)::int, 60 + (b * 40)::int, 150 + (c * 400)::int, 40 + d * 30, 2000 + (e * 3000)::int,
           400, 80 + (k * 60)::int, 1500 + (f * 2000)::int, created_at + interval '5 seconds', created_at + interval '10 seconds'
    from s`);
  await run(`insert into messages (ticket_id, direction, author_user_id, body_text, created_at, draft_triage_id, draft_text, draft_edit_distance, draft_chrf)
    select s.id, 'outbound', case when e < 0.9 then t.assignee_id end, 'Reply ' || g, first_reply_at,
           case when h > 0.4 and r.draft is not null then r.id end, case when h > 0.4 and r.draft is not null then r.draft end,
           case when h > 0.4 and r.draft is not null then case when k < 0.3 then 0 else (k * 300)::int end end,
           case when h > 0.4 and r.draft is not null then case when k < 0.3 then 100 else 100 - k * 70 end end
    from s join tickets t on t.id = s.id join triage_results r on r.message_id = s.msg_id
    where first_reply_at is not null`);
  await run(`insert into messages (ticket_id, direction, body_text, created_at)
    select id, 'inbound', 'Follow-up ' || g, first_reply_at + second_after from s where f < 0.25 and first_reply_at is not null and first_reply_at + second_after < now()`);
  await run(`insert into messages (ticket_id, direction, author_user_id, body_text, created_at)
    select s.id, 'outbound', t.assignee_id, 'Second reply ' || g, first_reply_at + second_after * 2
    from s join tickets t on t.id = s.id where f < 0.25 and first_reply_at is not null and first_reply_at + second_after * 2 < now()`);
  await run(`insert into messages (ticket_id, direction, author_user_id, body_text, created_at)
    select s.id, 'note', t.assignee_id, 'Note ' || g, s.created_at + interval '30 minutes' from s join tickets t on t.id = s.id where k > 0.9`);
  await run(`insert into corrections (ticket_id, field, ai_value, final_value, model_version, triage_result_id, source, created_at)
    select r.ticket_id, 'category', r.category, t.category, r.model_version, r.id, 'agent', r.created_at + interval '20 minutes'
    from triage_results r join tickets t on t.id = r.ticket_id join s on s.id = t.id where s.c > 0.4 and r.category is not null`);
  await run(`insert into corrections (ticket_id, field, ai_value, final_value, model_version, triage_result_id, source, created_at)
    select r.ticket_id, 'summary', 'summary', case when s.b < 0.8 then 'summary' else 'edited' end, r.model_version, r.id, 'agent', r.created_at + interval '21 minutes'
    from triage_results r join s on s.id = r.ticket_id where s.d > 0.7`);
  // Reopens: a customer wrote again after the first solve; the final solve is the ticket's resolved_at.
  await run(`insert into ticket_events (ticket_id, from_status, to_status, created_at)
    select s.id, v.from_status::ticket_status, v.to_status::ticket_status, s.resolved_at - v.before from s
    cross join (values ('pending', 'solved', interval '3 hours'), ('solved', 'open', interval '2 hours'), ('open', 'solved', interval '0')) v(from_status, to_status, before)
    where s.solved and s.f < 0.06`);
  // Plain tables (a pool may run each statement on another connection), dropped once everything is derived.
  await run(`drop table s, agents`);
  await run(`analyze`);
  // The triggers kept ticket_stats row by row while seeding; the migration's recomputation must agree with them.
  await run(`create table stats_kept as select * from ticket_stats`);
  await run(`select refresh_ticket_stats(array(select id from tickets))`);
  const [check] = await db.execute<{ differ: string }>(sql`select count(*) as differ from ticket_stats s
    full join stats_kept k on k.ticket_id = s.ticket_id
    where (s.replies, s.waited_seconds::numeric(14, 3), s.reopens, s.first_reply_at, s.wait_started_at, s.final_category, s.created_at, s.solved_at, s.team_id, s.channel, s.priority)
      is distinct from (k.replies, k.waited_seconds::numeric(14, 3), k.reopens, k.first_reply_at, k.wait_started_at, k.final_category, k.created_at, k.solved_at, k.team_id, k.channel, k.priority)
      and not (k.ticket_id is null and s.replies = 0 and s.wait_started_at is null and s.final_category is null)`);
  await run(`drop table stats_kept`);
  // The AI and reply rollups, kept by statement triggers while seeding, against their definitions: a refresh of every
  // ticket's judged rows must change nothing, and reply_daily refilled from every reply must equal what was kept.
  await run(`create table judged_kept as select * from ai_judged`);
  await run(`create table ai_daily_kept as select * from ai_daily where n <> 0`);
  await run(`select refresh_ai_judged(array(select id from tickets))`);
  await run(`create table reply_daily_kept as select * from reply_daily where n <> 0`);
  await run(`delete from reply_daily`);
  await run(`select reply_daily_add(1, array_agg(m.created_at), array_agg(t.team_id), array_agg(t.channel), array_agg(m.draft_model_version),
    array_agg(m.draft_triage_id is not null), array_agg(m.draft_edit_distance), array_agg(m.draft_chrf))
    from messages m join tickets t on t.id = m.ticket_id where m.direction = 'outbound'`);
  const differ = async (a: string, b: string) => {
    const [row] = await db.execute<{ n: string }>(sql.raw(`select count(*) as n from ((table ${a} except all table ${b}) union all (table ${b} except all table ${a})) x`));
    return Number(row!.n);
  };
  await run(`create table ai_daily_now as select * from ai_daily where n <> 0`);
  await run(`create table reply_daily_now as select day, team_id, channel, model_version, from_draft, edit_distance, n, round(chrf_sum::numeric, 3) as chrf, chrf_count from reply_daily where n <> 0`);
  await run(`create table reply_daily_was as select day, team_id, channel, model_version, from_draft, edit_distance, n, round(chrf_sum::numeric, 3) as chrf, chrf_count from reply_daily_kept`);
  // Each reply's draft model version against the definition the trigger applies as the reply is written.
  const [drafts] = await db.execute<{ n: string }>(sql`select count(*) as n from messages m
    where m.direction = 'outbound' and m.draft_model_version is distinct from coalesce(
      (select r.model_version from triage_results r where r.id = m.draft_triage_id),
      (select r.model_version from triage_results r where m.draft_triage_id is null and r.ticket_id = m.ticket_id and r.draft is not null
         and r.created_at < m.created_at order by r.created_at desc limit 1))`);
  const rollupsDiffering = {
    aiJudged: await differ("ai_judged", "judged_kept"),
    aiDaily: await differ("ai_daily_now", "ai_daily_kept"),
    replyDaily: await differ("reply_daily_now", "reply_daily_was"),
    replyDraftVersions: Number(drafts!.n),
  };
  await run(`drop table judged_kept, ai_daily_kept, reply_daily_kept, ai_daily_now, reply_daily_now, reply_daily_was`);
  const [counts] = await db.execute<Record<string, string>>(sql`select
    (select count(*) from tickets) as tickets, (select count(*) from messages) as messages,
    (select count(*) from triage_results) as triage_results, (select count(*) from corrections) as corrections,
    (select count(*) from messages where draft_triage_id is not null) as replies_from_drafts, (select count(*) from ticket_events) as ticket_events,
    (select count(*) from ai_daily) as ai_daily_rows, (select count(*) from reply_daily) as reply_daily_rows`);
  return { ...Object.fromEntries(Object.entries(counts!).map(([k, v]) => [k, Number(v)])), statsRowsDifferingFromRecomputation: Number(check!.differ), rollupRowsDifferingFromRecomputation: rollupsDiffering };
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!.toFixed(1));
};

async function time(fn: () => Promise<unknown>) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/**
 * CPU time the Postgres backend of `db` (one connection) has used, from /proc: wall-clock figures on a shared machine
 * mostly measure the neighbours, so each query also reports the CPU it cost (10 ms resolution, averaged over runs).
 */
async function backendCpuMs(db: Db): Promise<() => number | null> {
  const [{ pid } = { pid: 0 }] = await db.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
  const read = () => {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      return null; // another host, or no /proc
    }
  };
  return read;
}

async function measure(db: Db, one: Db, p: AnalyticsParams) {
  const cpu = await backendCpuMs(one);
  const perQuery: Record<string, { p50: number; p95: number; cpuMsPerRun: number | null }> = {};
  for (const [name, q] of Object.entries(QUERIES)) {
    await q(one, p); // warm: plans and buffers, as on a page that is used
    const xs: number[] = [];
    const before = cpu();
    for (let i = 0; i < RUNS; i++) xs.push(await time(() => q(one, p)));
    const after = cpu();
    perQuery[name] = {
      p50: percentile(xs, 0.5),
      p95: percentile(xs, 0.95),
      cpuMsPerRun: before === null || after === null ? null : Math.round((after - before) / RUNS),
    };
  }
  const drill: number[] = [];
  for (let i = 0; i < RUNS; i++) drill.push(await time(() => listMetricTickets(one, { ...p, metric: "breached" })));
  const page: number[] = [];
  for (let i = 0; i < RUNS; i++) page.push(await time(() => Promise.all(Object.values(QUERIES).map((q) => q(db, p)))));
  const slowest = Object.entries(perQuery).sort((a, b) => b[1].p95 - a[1].p95)[0]!;
  const cpus = Object.values(perQuery).map((q) => q.cpuMsPerRun);
  return {
    perQueryMs: perQuery,
    slowestQuery: { name: slowest[0], p95Ms: slowest[1].p95 },
    pageCpuMs: cpus.every((c) => c !== null) ? cpus.reduce((a, c) => a! + c!, 0) : null,
    drillDownBreachedMs: { p50: percentile(drill, 0.5), p95: percentile(drill, 0.95) },
    wholePageMs: { p50: percentile(page, 0.5), p95: percentile(page, 0.95) },
  };
}

function freePort() {
  return new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const day = (d: Date) => d.toISOString().slice(0, 10);

async function main() {
  const external = process.env.DATABASE_URL;
  const dataDir = external ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), "deskling-bench-analytics-"));
  if (dataDir) fs.chmodSync(dataDir, 0o755);
  const embedded = dataDir ? await startEmbeddedPostgres({ dataDir, port: await freePort() }) : undefined;
  const name = `deskling_bench_analytics_${Date.now()}`;
  const serverUrl = external ?? embedded!.serverUrl;
  await ensureDatabaseExists(serverUrl, name);
  const url = withDatabase(serverUrl, name);
  await migrateDatabase(url);
  // Two connections, like a web process answering one page's batched queries.
  const db = createDb(url, { max: 2 });
  // One connection for the per-query figures, so its backend's CPU time is that query's.
  const one = createDb(url, { max: 1 });
  try {
    const t0 = performance.now();
    const rows = await seed(db, TICKETS);
    const seedSeconds = Number(((performance.now() - t0) / 1000).toFixed(1));
    log(`seeded ${JSON.stringify(rows)} in ${seedSeconds} s`);
    const now = new Date();
    const last30 = { from: day(new Date(now.getTime() - 29 * 86_400_000)), to: day(now), tz: "UTC" };
    const year = { from: day(new Date(now.getTime() - 364 * 86_400_000)), to: day(now), tz: "UTC" };
    const [team] = await db.execute<{ id: string }>(sql`select id from teams order by name limit 1`);
    const result = {
      rows,
      seedSeconds,
      runsPerQuery: RUNS,
      cores: os.availableParallelism(),
      loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
      last30Days: await measure(db, one, last30),
      last30DaysOneTeam: await measure(db, one, { ...last30, teamId: team!.id }),
      wholeYear: await measure(db, one, year),
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await db.$sql.end({ timeout: 5 });
    await one.$sql.end({ timeout: 5 });
    if (external && !KEEP) {
      const admin = createDb(serverUrl, { max: 1 });
      await admin.execute(sql.raw(`drop database if exists "${name}"`));
      await admin.$sql.end({ timeout: 5 });
    } else if (external) log(`kept ${url}`);
    await embedded?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
