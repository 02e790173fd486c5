import type { Task } from "graphile-worker";
import { env } from "@/config/env";
import { reportError } from "@/server/errors";
import type { EngineSlot } from "@/models/runtime/engine-slot";
import { createDeliverEmailTask } from "@/server/ingestion/email/deliver";
import { createWritebackTask } from "@/server/ingestion/webhooks/writeback";
import { createLearningTasks } from "@/server/learning/learning-tasks";
import type { Db } from "@/db/client";
import { createRedraftTask, createTriageTask } from "@/server/triage/task";
import type { TriageDeps } from "@/server/triage/run-triage";
import type { JobName } from "@/server/jobs/jobs";

/**
 * The error boundary of every job: graphile-worker logs a failed task's message and stores it in `last_error`,
 * and a driver error's message quotes the query with its values (ticket text, tokens). So a failure is logged
 * here by kind and id, and rethrown (the queue still retries it) carrying only those.
 */
function guarded(name: JobName, task: Task): Task {
  return async (payload, helpers) => {
    try {
      await task(payload, helpers);
    } catch (err) {
      const r = reportError(`job ${name} ${helpers.job.id}`, err);
      throw new Error(`${r.code}: ${r.detail} (error id ${r.id})`);
    }
  };
}

/** Every job's handler, by job name; the worker process runs this list with the services it started. */
export function createTaskList(services: { triage: TriageDeps; engines?: EngineSlot; shadow?: Task }): Partial<Record<JobName, Task>> {
  return {
    triage: guarded("triage", createTriageTask(services.triage, services.engines)),
    redraft: guarded("redraft", createRedraftTask(services.triage, services.engines)),
    // Low priority (the queue orders by it): a shadow job runs only when no live triage waits.
    ...(services.shadow ? { "slm-shadow": guarded("slm-shadow", services.shadow) } : {}),
    "deliver-email": guarded("deliver-email", createDeliverEmailTask({ relayUrl: env.SMTP_RELAY_URL, from: env.MAIL_FROM })),
    "helpdesk-writeback": guarded("helpdesk-writeback", createWritebackTask()),
  };
}

/**
 * Jobs that take minutes of CPU in a child process (imports, fine-tunes): a runner of their own, one at a time, so
 * they never hold the slots live triage needs.
 */
export function createBackgroundTaskList(db: Db): Partial<Record<JobName, Task>> {
  return Object.fromEntries(Object.entries(createLearningTasks(db)).map(([name, task]) => [name, guarded(name as JobName, task as Task)]));
}
