import { boolean, index, integer, jsonb, pgEnum, pgTable, real, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";
import { messages } from "./messages";
import { ticketPriority, tickets } from "./tickets";

/**
 * The model registry: what produced an output. A triage version is the chat model's file (sha256), the LoRA adapter
 * on it (or none), the encoder the learner embeds with, the classifier's settings and the prompts' version; any of
 * them changing is another version (server/training/model-registry.ts). The id is text
 * (`<model>@<sha256 prefix>[+lora:<prefix>]/<parts hash>`) so corrections, analytics and exports can name a version
 * without a join. Rows from before the registry named only the chat model and adapter (`slm_version` and the
 * parts null).
 */
export const modelVersions = pgTable("model_versions", {
  id: text("id").primaryKey(),
  modelId: text("model_id").notNull(),
  fileSha256: text("file_sha256").notNull(),
  // The LoRA adapter applied on top (a fine-tune of this base), when there is one.
  adapterSha256: text("adapter_sha256"),
  backend: text("backend").notNull(),
  // The engine's own version (model and adapter fingerprints), what an inference worker reports it runs.
  slmVersion: text("slm_version"),
  // The learner's embedding model (a catalog id or a promoted fine-tune's id), or "none" without the learner.
  encoder: text("encoder"),
  // The classifier and a fingerprint of its settings, or "none".
  classifier: text("classifier"),
  promptVersion: text("prompt_version"),
  firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * queued → running → done | needs_human (the model answered but a person must look: flagged, invalid or cut-off
 * output) | failed (the attempt broke; the job retries with backoff, and the last failure stays visible).
 */
export const triageStatus = pgEnum("triage_status", ["queued", "running", "done", "needs_human", "failed"]);
export type TriageStatus = (typeof triageStatus.enumValues)[number];

export interface TriageConfidence {
  category: number;
  priority: number;
  sentiment: number;
  language: number;
}

export interface TriageFlags {
  needsHuman: boolean;
  injection: boolean;
  injectionSignals: string[];
  reasons: string[];
  /** Text removed before the model read the ticket (hidden HTML, zero-width or tag characters, encoded blobs). */
  hiddenText?: string[];
}

/**
 * Whether the learner took part: "used"; "untrained" (no verified example yet: zero-shot); "unavailable" (it
 * failed: the result says why, and the SLM's guess is shown as unsure); "off" (SLM_TRIAGE_HINTS=false).
 */
export const LEARNER_STATUSES = ["used", "untrained", "unavailable", "off"] as const;
export type LearnerStatus = (typeof LEARNER_STATUSES)[number];

export const TRIAGE_FIELDS = ["category", "priority", "team", "sentiment", "language", "summary"] as const;
export type TriageField = (typeof TRIAGE_FIELDS)[number];

/**
 * Where each field's value came from and how sure it is. `confidence` is only ever a calibrated probability (the
 * learner's, measured by bench/triage-fields.ts); the SLM's self-reported numbers are never stored here. `unsure`
 * tells the UI to say so instead of showing the value as an answer.
 */
export interface TriageFieldInfo {
  source: "learner" | "library" | "rules" | "slm" | "extractive" | "none";
  confidence: number | null;
  /**
   * The learner's probability, always kept for thresholds (unsure below 0.5, auto-apply); `confidence` carries it
   * for the panel only when the field's held-out calibration meets the bar (server/triage/field-calibration.ts).
   */
  score?: number;
  unsure: boolean;
  reason?: string;
}
export type TriageFieldsInfo = Partial<Record<TriageField, TriageFieldInfo>>;

/** The draft shown: the model's (passed the checks), a retrieved sent reply (the model's was rejected), or none. */
export interface DraftCheckInfo {
  source: "slm" | "retrieval" | "none";
  passed: boolean;
  /** Why the model's draft was rejected. */
  reasons: string[];
  /** How many sent replies and macros grounded the prompt. */
  references: number;
  /** Set when an agent asked for a rewrite in another tone (friendlier, formal, shorter). */
  adjust?: string;
}

/**
 * One row per (message, model version): the job claims it, so a message is never triaged twice by the same model,
 * and a second worker or a retried job finds the finished row and stops.
 */
export const triageResults = pgTable(
  "triage_results",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    modelVersion: text("model_version")
      .notNull()
      .references(() => modelVersions.id),
    status: triageStatus("status").notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    workerId: text("worker_id"),

    category: text("category"),
    priority: ticketPriority("priority"),
    sentiment: text("sentiment"),
    language: text("language"),
    summary: text("summary"),
    evidence: text("evidence"),
    tags: text("tags").array(),
    confidence: jsonb("confidence").$type<TriageConfidence>(),
    needsHuman: boolean("needs_human").notNull().default(false),
    injection: boolean("injection").notNull().default(false),
    flags: jsonb("flags").$type<TriageFlags>(),
    // What the grammar allowed (the enabled taxonomy, or a classifier's candidates) and the raw model answer.
    allowedCategories: text("allowed_categories").array(),
    rawOutput: text("raw_output"),
    // Filled by the learning loop when a classifier proposes candidates: { candidates: [{ key, score }], model }.
    classifier: jsonb("classifier").$type<Record<string, unknown>>(),

    learnerStatus: text("learner_status").$type<LearnerStatus>(),
    fields: jsonb("fields").$type<TriageFieldsInfo>(),

    draft: text("draft"),
    draftError: text("draft_error"),
    draftCheck: jsonb("draft_check").$type<DraftCheckInfo>(),

    // Timings and usage, per call; milliseconds.
    enqueuedAt: timestamp("enqueued_at", { withTimezone: true }),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    queueWaitMs: integer("queue_wait_ms"),
    promptTokens: integer("prompt_tokens"),
    cachedPromptTokens: integer("cached_prompt_tokens"),
    completionTokens: integer("completion_tokens"),
    ttftMs: integer("ttft_ms"),
    tokensPerSecond: real("tokens_per_second"),
    totalMs: integer("total_ms"),
    draftPromptTokens: integer("draft_prompt_tokens"),
    draftCompletionTokens: integer("draft_completion_tokens"),
    draftTtftMs: integer("draft_ttft_ms"),
    draftTokensPerSecond: real("draft_tokens_per_second"),
    draftTotalMs: integer("draft_total_ms"),

    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("triage_results_message_version_key").on(t.messageId, t.modelVersion),
    index("triage_results_ticket_idx").on(t.ticketId, t.createdAt),
    index("triage_results_status_idx").on(t.status, t.updatedAt),
    // Analytics: model operations and cost select triage results by when they ran.
    index("triage_results_created_idx").on(t.createdAt),
  ],
);

/**
 * Inference workers alive now. A worker registers the graphile-worker ids it runs and the Postgres backend of a
 * connection it keeps open: when the process dies, that backend disappears, and any surviving worker hands the
 * dead one's locked jobs back to the queue instead of waiting graphile-worker's 4-hour lock timeout.
 */
export const inferenceWorkers = pgTable("inference_workers", {
  id: text("id").primaryKey(),
  queueWorkerIds: text("queue_worker_ids").array().notNull(),
  host: text("host").notNull(),
  pid: integer("pid").notNull(),
  backendPid: integer("backend_pid").notNull(),
  backendStart: timestamp("backend_start", { withTimezone: true }).notNull(),
  modelVersion: text("model_version"),
  sequences: integer("sequences").notNull(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }).notNull().defaultNow(),
});

export type TriageResultRow = typeof triageResults.$inferSelect;

/**
 * Per field, whether triage may write its value onto the ticket by itself. Off unless an admin turns it on: a
 * suggestion is shown to the agent either way, and only a value at or above `minConfidence` (a calibrated
 * probability) is applied.
 */
export const triageSettings = pgTable("triage_settings", {
  field: text("field").$type<TriageField>().primaryKey(),
  autoApply: boolean("auto_apply").notNull().default(false),
  minConfidence: real("min_confidence").notNull().default(0.9),
  updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
