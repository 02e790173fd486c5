import type { Task } from "graphile-worker";
import { env } from "@/config/env";
import { createDeliverEmailTask } from "@/server/ingestion/email/deliver";
import { createWritebackTask } from "@/server/ingestion/webhooks/writeback";
import { createLearningTasks } from "@/server/learning/learning-tasks";
import type { Db } from "@/db/client";
import { createTriageTask } from "@/server/triage/task";
import type { TriageDeps } from "@/server/triage/run-triage";
import type { JobName } from "@/server/jobs/jobs";

/** Every job's handler, by job name; the worker process runs this list with the services it started. */
export function createTaskList(services: { triage: TriageDeps }): Partial<Record<JobName, Task>> {
  return {
    triage: createTriageTask(services.triage),
    "deliver-email": createDeliverEmailTask({ relayUrl: env.SMTP_RELAY_URL, from: env.MAIL_FROM }),
    "helpdesk-writeback": createWritebackTask(),
  };
}

/**
 * Jobs that take minutes of CPU in a child process (imports, fine-tunes): a runner of their own, one at a time, so
 * they never hold the slots live triage needs.
 */
export function createBackgroundTaskList(db: Db): Partial<Record<JobName, Task>> {
  return createLearningTasks(db);
}
