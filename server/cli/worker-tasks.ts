import type { Task } from "graphile-worker";
import { env } from "@/config/env";
import { createDeliverEmailTask } from "@/server/ingestion/email/deliver";
import { createWritebackTask } from "@/server/ingestion/webhooks/writeback";
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
