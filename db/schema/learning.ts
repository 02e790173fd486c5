import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { bytea } from "./messages";
import { tickets } from "./tickets";
import { triageResults } from "./triage";
import { users } from "./users";

export const correctionSource = pgEnum("correction_source", ["agent", "api", "helpdesk", "import", "eval"]);
export type CorrectionSource = (typeof correctionSource.enumValues)[number];

/**
 * Examples live in a scope: "live" is what production triage learns from; an evaluation run writes into a scope of
 * its own ("eval:<run id>") through the same recordCorrection path and deletes it afterwards, so it never teaches
 * production anything.
 */
export const LIVE_SCOPE = "live";

/**
 * Every verified label, as it happened: an agent's edit or acceptance, an API or helpdesk update, an imported row.
 * Never updated. `aiValue` is what triage proposed (null when triage had not run or the row is history).
 */
export const corrections = pgTable(
  "corrections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    scope: text("scope").notNull().default(LIVE_SCOPE),
    ticketId: uuid("ticket_id").references(() => tickets.id, { onDelete: "set null" }),
    field: text("field").notNull(),
    aiValue: text("ai_value"),
    finalValue: text("final_value").notNull(),
    // The triage model version that proposed aiValue. Text, not a foreign key: history imports name versions that
    // never ran here, and a version row may be pruned while its corrections stay evidence.
    modelVersion: text("model_version"),
    triageResultId: uuid("triage_result_id").references(() => triageResults.id, { onDelete: "set null" }),
    source: correctionSource("source").notNull(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("corrections_ticket_idx").on(t.ticketId, t.field, t.createdAt),
    index("corrections_scope_field_idx").on(t.scope, t.field, t.createdAt),
  ],
);

/**
 * The training set: one label per (scope, field, text). A text corrected again keeps its row and takes the newest
 * label, because two verified labels for the same words contradict each other and the later one is the fix.
 */
export const examples = pgTable(
  "examples",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    scope: text("scope").notNull().default(LIVE_SCOPE),
    field: text("field").notNull(),
    text: text("text").notNull(),
    textHash: text("text_hash").notNull(),
    label: text("label").notNull(),
    source: correctionSource("source").notNull(),
    correctionId: uuid("correction_id").references(() => corrections.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("examples_scope_field_text_key").on(t.scope, t.field, t.textHash)],
);

/**
 * Sentence vectors, once per text and embedding model: little-endian float32 in a bytea (embedded Postgres has no
 * pgvector, and a worker searches its own in-memory index anyway).
 */
export const embeddings = pgTable(
  "embeddings",
  {
    textHash: text("text_hash").notNull(),
    model: text("model").notNull(),
    dims: integer("dims").notNull(),
    vector: bytea("vector").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "embeddings_pkey", columns: [t.textHash, t.model] })],
);

export const learningJobStatus = pgEnum("learning_job_status", ["running", "succeeded", "failed"]);

/** An import or evaluation started from the admin page or the CLI; progress is polled from here. */
export const importJobs = pgTable("import_jobs", {
  id: uuid("id").primaryKey().defaultRandom(),
  fileName: text("file_name").notNull(),
  field: text("field").notNull(),
  status: learningJobStatus("status").notNull().default("running"),
  phase: text("phase").notNull().default("reading"),
  total: integer("total").notNull().default(0),
  done: integer("done").notNull().default(0),
  imported: integer("imported").notNull().default(0),
  // Bad rows ({ line, reason }) and refusals, capped so a broken file cannot bloat the row.
  problems: jsonb("problems").$type<{ line?: number; reason: string }[]>().notNull().default([]),
  error: text("error"),
  userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
});

export const evalRuns = pgTable(
  "eval_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    params: jsonb("params").$type<Record<string, unknown>>().notNull(),
    metrics: jsonb("metrics").$type<Record<string, unknown>>(),
    status: learningJobStatus("status").notNull().default("running"),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("eval_runs_created_idx").on(sql`${t.createdAt} desc`)],
);

export type Correction = typeof corrections.$inferSelect;
export type Example = typeof examples.$inferSelect;
export type EvalRun = typeof evalRuns.$inferSelect;
export type ImportJob = typeof importJobs.$inferSelect;

export const encoderStatus = pgEnum("encoder_status", ["training", "promoted", "rejected", "retired", "failed"]);

/**
 * Fine-tunes of the embedding model on the verified examples of one field (models/finetune/train_encoder.py). A run
 * trains on most of the examples and is compared with the encoder in use on the rest; it is promoted only when it
 * classifies those held-out examples better. The newest promoted run of the configured base model is the one every
 * worker embeds with (per scope); promoting another retires it. Rejected runs keep their figures, not their file.
 */
export const encoderRuns = pgTable(
  "encoder_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // The examples it learned from, and where it applies: the live encoder never changes by an evaluation's run.
    scope: text("scope").notNull().default(LIVE_SCOPE),
    field: text("field").notNull(),
    baseModel: text("base_model").notNull(),
    // The id vectors are stored under (embeddings.model): "<base>+ft-<first 12 hex of the GGUF's sha256>".
    modelId: text("model_id"),
    path: text("path"),
    sha256: text("sha256"),
    status: encoderStatus("status").notNull().default("training"),
    params: jsonb("params").$type<Record<string, unknown>>().notNull(),
    metrics: jsonb("metrics").$type<Record<string, unknown>>(),
    error: text("error"),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("encoder_runs_active_idx").on(t.scope, t.baseModel, t.status, t.finishedAt)],
);

export type EncoderRun = typeof encoderRuns.$inferSelect;
