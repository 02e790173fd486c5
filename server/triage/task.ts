import type { Task } from "graphile-worker";
import { jobPayloads } from "@/server/jobs/jobs";
import { runTriage, type TriageDeps } from "./run-triage";

/** The graphile-worker task for `triage`. A bad payload throws (graphile retries it, then keeps it failed for a look). */
export function createTriageTask(deps: TriageDeps): Task {
  return async (payload, helpers) => {
    const p = jobPayloads.triage.parse(payload);
    await runTriage(deps, p, {
      runnableAt: new Date(helpers.job.run_at),
      attempts: helpers.job.attempts,
      maxAttempts: helpers.job.max_attempts,
      signal: helpers.abortSignal,
    });
  };
}
