import type { Task } from "graphile-worker";
import { env } from "@/server/env";
import { createDeliverEmailTask } from "@/server/ingestion/email/deliver";
import type { JobName } from "./jobs";

/** Every job's handler, by job name; the worker process runs this list. */
export const taskList: Partial<Record<JobName, Task>> = {
  "deliver-email": createDeliverEmailTask({ relayUrl: env.SMTP_RELAY_URL, from: env.MAIL_FROM }),
};
