import { z } from "zod";
import { DRAFT_ADJUSTMENTS } from "@/models/tasks/draft";

/**
 * Every background job: its name and payload schema. Handlers live with their domain and are
 * registered by the worker process (server/cli/worker-tasks.ts); jobs are enqueued with server/jobs/enqueue.ts. This module
 * imports no domain, so every domain may enqueue.
 */
export const jobPayloads = {
  /** Triage one inbound customer message (and its ticket). Job key: the message id. */
  triage: z.object({ ticketId: z.uuid(), messageId: z.uuid(), reason: z.enum(["new", "retry", "taxonomy"]).default("new") }),
  /** Rewrite a triage result's draft in another tone (an agent asked). Job key: `redraft:<triageResultId>`. */
  redraft: z.object({ triageResultId: z.uuid(), adjust: z.enum(DRAFT_ADJUSTMENTS) }),
  /** Parse one stored inbound item (raw_inbound row, the queue file) into a ticket message. Job key: `inbound:<rawId>`. */
  "process-inbound": z.object({ rawId: z.uuid() }),
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
  /** LoRA fine-tune of the chat model (a child process running `npm run finetune:slm`). Job key: `slm-finetune:<runId>`. */
  "slm-finetune": z.object({ runId: z.uuid(), logFile: z.string() }),
  /** Shadow mode: a candidate adapter triages and drafts one live ticket, unseen. Job key: `slm-shadow:<runId>:<messageId>`. */
  "slm-shadow": z.object({ runId: z.uuid(), ticketId: z.uuid(), messageId: z.uuid(), liveResultId: z.uuid() }),
  /** Distillation: the teacher model drafts replies for unanswered tickets. Job key: `slm-distill`. */
  "slm-distill": z.object({ limit: z.number().int().min(1).max(10_000).default(50) }),
} as const;

/**
 * graphile-worker runs lower numbers first (then older run_at). On CPU the queue drains a few tickets a minute, so the
 * order is the product: a customer writing now must not wait behind a backlog nobody is waiting for.
 */
export const JOB_PRIORITY = {
  /** An agent pressed "Triage now": to the front. */
  now: -10,
  /** Mail, webhooks, API and agent-created tickets as they arrive. */
  live: 0,
  /** Replayed inbound items, re-triage, history imports and fine-tunes (minutes of CPU each). */
  background: 10,
  /** The demo seed: run when nothing else waits. */
  backfill: 20,
} as const;

export type PriorityClass = keyof typeof JOB_PRIORITY;

/** The class a stored priority falls in, for the admin's queue view. */
export function priorityClass(p: number): PriorityClass {
  if (p <= JOB_PRIORITY.now) return "now";
  if (p <= JOB_PRIORITY.live) return "live";
  if (p <= JOB_PRIORITY.background) return "background";
  return "backfill";
}

export type JobName = keyof typeof jobPayloads;
export type JobPayload<N extends JobName> = z.input<(typeof jobPayloads)[N]>;
