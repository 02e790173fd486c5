import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { inRange, num, ticketScope, versionScope, type AnalyticsParams } from "./params";

/** Triage run timings, failures and retries per model version and worker (and per model version over all workers). */
export async function getModelOps(db: Db, p: AnalyticsParams) {
  const rows = await db.execute<Record<string, string | null>>(sql`
    select r.model_version, case when grouping(r.worker_id) = 1 then 'all workers' else coalesce(r.worker_id, 'unknown') end as worker,
           count(*) as runs,
           count(*) filter (where r.status = 'failed') as failed,
           coalesce(sum(greatest(r.attempts - 1, 0)), 0) as retries,
           percentile_cont(0.5) within group (order by r.total_ms) as total_p50,
           percentile_cont(0.95) within group (order by r.total_ms) as total_p95,
           percentile_cont(0.5) within group (order by r.queue_wait_ms) as wait_p50,
           percentile_cont(0.95) within group (order by r.queue_wait_ms) as wait_p95,
           percentile_cont(0.5) within group (order by r.ttft_ms) as ttft_p50,
           percentile_cont(0.5) within group (order by r.tokens_per_second) as tps_p50
    from triage_results r join tickets t on t.id = r.ticket_id
    where ${ticketScope(p)} and ${versionScope(p)} and ${inRange(sql`r.created_at`, p)}
    group by grouping sets ((r.model_version), (r.model_version, r.worker_id))
    order by 1, grouping(r.worker_id) desc, 2`);
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
