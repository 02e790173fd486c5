import type { Task } from "graphile-worker";
import type { EngineSlot } from "@/models/runtime/engine-slot";
import { jobPayloads } from "@/server/jobs/jobs";
import { runRedraft } from "./redraft";
import { runTriage, type TriageDeps } from "./run-triage";

/**
 * The graphile-worker task for `triage`. A bad payload throws (graphile retries it, then keeps it failed for a look).
 * With `engines`, each job leases the worker's current engine for its whole run, so a promoted fine-tune swapped in
 * meanwhile takes the next job and this one finishes on the model version it started with.
 */
export function createTriageTask(deps: TriageDeps, engines?: EngineSlot): Task {
  return async (payload, helpers) => {
    const p = jobPayloads.triage.parse(payload);
    const lease = engines?.acquire();
    try {
      const engine = lease?.engine ?? deps.engine;
      const modelVersion = deps.versionOf ? await deps.versionOf(engine) : lease ? engine.modelVersion : deps.modelVersion;
      await runTriage({ ...deps, engine, modelVersion }, p, {
        runnableAt: new Date(helpers.job.run_at),
        attempts: helpers.job.attempts,
        maxAttempts: helpers.job.max_attempts,
        signal: helpers.abortSignal,
      });
    } finally {
      lease?.release();
    }
  };
}

/** The task for `redraft`: like triage, on the worker's current engine, leased for the whole rewrite. */
export function createRedraftTask(deps: TriageDeps, engines?: EngineSlot): Task {
  return async (payload, helpers) => {
    const p = jobPayloads.redraft.parse(payload);
    const lease = engines?.acquire();
    try {
      await runRedraft(lease ? { ...deps, engine: lease.engine, modelVersion: lease.engine.modelVersion } : deps, p, helpers.abortSignal);
    } finally {
      lease?.release();
    }
  };
}
