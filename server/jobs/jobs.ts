import { z } from "zod";

/**
 * Every background job: its name and payload schema. Handlers live with their domain and are
 * registered by the worker process (server/cli/worker-tasks.ts); jobs are enqueued with server/jobs/enqueue.ts. This module
 * imports no domain, so every domain may enqueue.
 */
export const jobPayloads = {
  /** Triage one inbound customer message (and its ticket). Job key: the message id. */
  triage: z.object({ ticketId: z.uuid(), messageId: z.uuid(), reason: z.enum(["new", "retry", "taxonomy"]).default("new") }),
  /** Send one outbound agent reply by email. Job key: the message id. */
  "deliver-email": z.object({ messageId: z.uuid() }),
  /** Write one triage result back to the helpdesk its ticket came from. Job key: `writeback:<triageResultId>`. */
  "helpdesk-writeback": z.object({ triageResultId: z.uuid() }),
} as const;

export type JobName = keyof typeof jobPayloads;
export type JobPayload<N extends JobName> = z.input<(typeof jobPayloads)[N]>;
