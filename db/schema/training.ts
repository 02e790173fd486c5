import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgEnum, pgTable, real, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { messages } from "./messages";
import { tickets } from "./tickets";
import { triageResults } from "./triage";
import { users } from "./users";

export interface ChatMessageJson {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface SnapshotStats {
  examples: number;
  train: number;
  heldout: number;
  byKind: Record<string, number>;
  byLabel: Record<string, number>;
  duplicatesDropped: number;
  /** Placeholders written by redaction, per kind. */
  redactions: Record<string, number>;
  /** Draft examples whose reply a bigger model wrote (distillation), not an agent; counted in byKind too. */
  distilled?: number;
  from: string | null;
  to: string | null;
}

/**
 * An immutable training set: the verified AI outputs (sent replies, accepted or edited summaries, corrected triage
 * fields) at one moment, redacted, deduplicated and split into train / held-out with a written seed. Identified by
 * the sha256 of its examples, so the same data gives the same snapshot and a fine-tune names exactly what it saw.
 */
export const datasetSnapshots = pgTable(
  "dataset_snapshots",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    sha256: text("sha256").notNull(),
    seed: integer("seed").notNull(),
    heldoutShare: real("heldout_share").notNull(),
    stats: jsonb("stats").$type<SnapshotStats>().notNull(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("dataset_snapshots_sha256_key").on(t.sha256, t.seed, t.heldoutShare), index("dataset_snapshots_created_idx").on(sql`${t.createdAt} desc`)],
);

export const datasetSplit = pgEnum("dataset_split", ["train", "heldout"]);

/** One chat-format example of a snapshot; never updated (a new snapshot is taken instead). */
export const datasetExamples = pgTable(
  "dataset_examples",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    snapshotId: uuid("snapshot_id")
      .notNull()
      .references(() => datasetSnapshots.id, { onDelete: "cascade" }),
    split: datasetSplit("split").notNull(),
    // "draft" (ticket → the reply an agent sent), "summary" (ticket → accepted/edited summary), "triage" (ticket → final field values).
    kind: text("kind").notNull(),
    // What the split is stratified by: the ticket's category (or "none").
    label: text("label").notNull(),
    messages: jsonb("messages").$type<ChatMessageJson[]>().notNull(),
    // The AI's value beside the final one, and the model version that produced it (null when the agent wrote from scratch).
    aiValue: text("ai_value"),
    finalValue: text("final_value").notNull(),
    modelVersion: text("model_version"),
    // The reply was written by a bigger "teacher" model for a ticket no agent has answered yet (distilled_drafts).
    distilled: boolean("distilled").notNull().default(false),
    sourceId: text("source_id").notNull(),
    sourceAt: timestamp("source_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("dataset_examples_snapshot_idx").on(t.snapshotId, t.split, t.kind)],
);

export const slmRunStatus = pgEnum("slm_run_status", ["training", "scoring", "promoted", "rejected", "retired", "failed", "shadow"]);

/**
 * LoRA fine-tunes of the chat model on a snapshot's train part, scored against the model in use on its held-out
 * part. The newest promoted run is the adapter every worker applies; promoting another retires it, and a rollback
 * retires the promoted one (the previous promoted run, or the bare base model, is then in use again). A run that
 * passed the gate while shadow mode is on waits as "shadow": it runs unseen on a sample of live tickets
 * (shadow_results) until an admin promotes or stops it.
 */
export const slmRuns = pgTable(
  "slm_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    snapshotId: uuid("snapshot_id").references(() => datasetSnapshots.id, { onDelete: "set null" }),
    baseModel: text("base_model").notNull(),
    baseSha256: text("base_sha256"),
    adapterPath: text("adapter_path"),
    adapterSha256: text("adapter_sha256"),
    status: slmRunStatus("status").notNull().default("training"),
    params: jsonb("params").$type<Record<string, unknown>>().notNull(),
    // { step, total, loss, phase } while it runs, for the admin page.
    progress: jsonb("progress").$type<Record<string, unknown>>(),
    metrics: jsonb("metrics").$type<Record<string, unknown>>(),
    error: text("error"),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("slm_runs_active_idx").on(t.baseModel, t.status, t.finishedAt)],
);

/**
 * What a shadow candidate made of a live ticket, stored where no agent sees it, beside the live triage it is
 * compared with (server/triage/run-shadow.ts). One row per (run, message).
 */
export const shadowResults = pgTable(
  "shadow_results",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    runId: uuid("run_id")
      .notNull()
      .references(() => slmRuns.id, { onDelete: "cascade" }),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    liveResultId: uuid("live_result_id").references(() => triageResults.id, { onDelete: "set null" }),
    // The candidate engine's version (base and adapter fingerprints).
    modelVersion: text("model_version").notNull(),
    category: text("category"),
    priority: text("priority"),
    sentiment: text("sentiment"),
    language: text("language"),
    summary: text("summary"),
    draft: text("draft"),
    error: text("error"),
    totalMs: integer("total_ms"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("shadow_results_run_message_key").on(t.runId, t.messageId), index("shadow_results_ticket_idx").on(t.ticketId)],
);

/**
 * Distillation: a reply a bigger "teacher" model wrote for a ticket no agent has answered yet. Snapshots take it as
 * a draft example marked `distilled`, so the small model learns from the big one where no sent reply exists.
 */
export const distilledDrafts = pgTable(
  "distilled_drafts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    // The newest customer message when it was drafted: a later one makes a new draft.
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    teacherModel: text("teacher_model").notNull(),
    // The teacher engine's version (model file fingerprint).
    teacherVersion: text("teacher_version").notNull(),
    draft: text("draft").notNull(),
    // The draft checks (models/tasks/draft-check.ts): only drafts that pass become training examples.
    passed: boolean("passed").notNull(),
    reasons: text("reasons").array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("distilled_drafts_message_teacher_key").on(t.messageId, t.teacherModel)],
);

export type DatasetSnapshot = typeof datasetSnapshots.$inferSelect;
export type DatasetExample = typeof datasetExamples.$inferSelect;
export type SlmRun = typeof slmRuns.$inferSelect;
