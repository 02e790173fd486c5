import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { jobPayloads, type JobName, type JobPayload } from "./jobs";

/**
 * Adds a job through graphile-worker's SQL API, so it commits or rolls back with the caller's
 * transaction: a job can never point at data that was not saved, nor be lost after a commit.
 */
export async function enqueue<N extends JobName>(
  tx: DbOrTx,
  name: N,
  payload: JobPayload<N>,
  opts: { jobKey?: string; maxAttempts?: number; runAt?: Date; priority?: number } = {},
) {
  const parsed = jobPayloads[name].parse(payload);
  await tx.execute(sql`select graphile_worker.add_job(
    ${name}::text,
    ${JSON.stringify(parsed)}::json,
    job_key => ${opts.jobKey ?? null}::text,
    max_attempts => ${opts.maxAttempts ?? 8}::int,
    run_at => ${opts.runAt?.toISOString() ?? null}::timestamptz,
    priority => ${opts.priority ?? 0}::int
  )`);
}
