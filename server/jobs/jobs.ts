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
  /** Import one uploaded history file (a child process running `npm run import`). Job key: `import:<importJobId>`. */
  "learning-import": z.object({
    importJobId: z.uuid(),
    file: z.string(),
    field: z.string(),
    textCol: z.string(),
    labelCol: z.string().optional(),
    createLabels: z.boolean(),
  }),
  /** Fine-tune the live encoder (a child process running `npm run finetune`). Job key: `finetune:<runId>`. */
  "encoder-finetune": z.object({ runId: z.uuid(), field: z.string(), logFile: z.string() }),
} as const;

/**
 * graphile-worker runs lower numbers first. Live mail outranks everything; imports and fine-tunes, which take
 * minutes of CPU, wait behind it.
 */
export const JOB_PRIORITY = { live: 0, background: 10 } as const;

export type JobName = keyof typeof jobPayloads;
export type JobPayload<N extends JobName> = z.input<(typeof jobPayloads)[N]>;
