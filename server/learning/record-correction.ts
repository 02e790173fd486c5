import { sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { corrections, embeddings, examples, LIVE_SCOPE, type CorrectionSource } from "@/db/schema";
import { assertKnownLabels, makesExample } from "./labels";
import { textHash, vectorToBytes } from "./vectors";

/** Every worker's learner listens here; the payload names the scope and the examples to (re)load. */
export const EXAMPLES_CHANNEL = "deskling_examples";

export interface ExamplesNotice {
  scope: string;
  ids: string[];
  /** Set by Learner.barrier(): answered once every earlier notice has been applied. */
  barrier?: string;
  /** An admin changed the categories: re-read their name-and-description examples (labels.ts, taxonomyExamples). */
  taxonomy?: boolean;
}

export interface VerifiedLabel {
  /** "live" (default) or an evaluation scope. */
  scope?: string;
  field: string;
  /** The text the label is about: ticketLearningText() for a ticket, the row's text for history. */
  text: string;
  finalValue: string;
  /** What triage proposed; equal to finalValue when an agent accepted it unchanged. */
  aiValue?: string | null;
  modelVersion?: string | null;
  triageResultId?: string | null;
  ticketId?: string | null;
  source: CorrectionSource;
  userId?: string | null;
}

export interface RecordOptions {
  /**
   * A vector the caller already computed (bulk imports embed in batches). Without it, the first learner that
   * loads the example embeds the text and stores the vector for everyone else.
   */
  embedding?: { model: string; vector: Float32Array };
  /** Skips the label check when the caller already validated the whole batch. */
  labelsChecked?: boolean;
}

export interface RecordedLabel {
  correctionId: string;
  /** Null for a free-text field (summary, tags), which is kept as a correction but is no learner example. */
  exampleId: string | null;
}

// Postgres caps a statement at 65,535 parameters; examples take 7 per row.
const CHUNK = 1000;
// NOTIFY payloads must stay under 8,000 bytes: 100 uuids and the scope fit easily.
const IDS_PER_NOTICE = 100;

/**
 * The one path for a verified label, whoever verified it: stores the correction (the audit of what the AI said and
 * what a human or system decided), upserts the training example, and notifies every learner in the same
 * transaction, so a worker never sees an example that was rolled back and never misses one that committed.
 */
export async function recordCorrection(db: DbOrTx, label: VerifiedLabel, opts: RecordOptions = {}): Promise<RecordedLabel> {
  const [one] = await recordCorrections(db, [{ label, embedding: opts.embedding }], { labelsChecked: opts.labelsChecked });
  return one!;
}

/** Batch form for imports and evaluations: same rows, same notice, a few statements per thousand labels. */
export async function recordCorrections(
  db: DbOrTx,
  items: readonly { label: VerifiedLabel; embedding?: { model: string; vector: Float32Array } }[],
  opts: { labelsChecked?: boolean } = {},
): Promise<RecordedLabel[]> {
  if (items.length === 0) return [];
  const run = async (tx: DbOrTx) => {
    if (!opts.labelsChecked) {
      const byScopeField = new Map<string, { scope: string; field: string; labels: string[] }>();
      for (const { label } of items) {
        const scope = label.scope ?? LIVE_SCOPE;
        const key = `${scope}\0${label.field}`;
        const entry = byScopeField.get(key) ?? { scope, field: label.field, labels: [] };
        entry.labels.push(label.finalValue);
        byScopeField.set(key, entry);
      }
      for (const { scope, field, labels } of byScopeField.values()) await assertKnownLabels(tx, scope, field, labels);
    }
    const out: RecordedLabel[] = [];
    for (let start = 0; start < items.length; start += CHUNK) {
      const chunk = items.slice(start, start + CHUNK);
      const vectors = chunk.filter((i) => i.embedding);
      if (vectors.length) {
        await tx
          .insert(embeddings)
          .values(
            vectors.map(({ label, embedding }) => ({
              textHash: textHash(label.text),
              model: embedding!.model,
              dims: embedding!.vector.length,
              vector: vectorToBytes(embedding!.vector),
            })),
          )
          .onConflictDoNothing();
      }
      const inserted = await tx
        .insert(corrections)
        .values(
          chunk.map(({ label: l }) => ({
            scope: l.scope ?? LIVE_SCOPE,
            ticketId: l.ticketId ?? null,
            field: l.field,
            aiValue: l.aiValue ?? null,
            finalValue: l.finalValue,
            modelVersion: l.modelVersion ?? null,
            triageResultId: l.triageResultId ?? null,
            source: l.source,
            userId: l.userId ?? null,
          })),
        )
        .returning({ id: corrections.id });
      // The same text twice in one statement would make ON CONFLICT touch a row twice: the last label wins, as it
      // would have in two separate corrections.
      const latest = new Map<string, number>();
      chunk.forEach(({ label: l }, i) => {
        if (makesExample(l.scope ?? LIVE_SCOPE, l.field)) latest.set(`${l.scope ?? LIVE_SCOPE}\0${l.field}\0${textHash(l.text)}`, i);
      });
      const rows = [...latest.values()].map((i) => {
        const l = chunk[i]!.label;
        return {
          scope: l.scope ?? LIVE_SCOPE,
          field: l.field,
          text: l.text.trim(),
          textHash: textHash(l.text),
          label: l.finalValue,
          source: l.source,
          correctionId: inserted[i]!.id,
        };
      });
      const upserted = rows.length === 0 ? [] : await tx
        .insert(examples)
        .values(rows)
        .onConflictDoUpdate({
          target: [examples.scope, examples.field, examples.textHash],
          set: {
            label: sql`excluded.label`,
            source: sql`excluded.source`,
            correctionId: sql`excluded.correction_id`,
            updatedAt: sql`now()`,
          },
        })
        .returning({ id: examples.id, scope: examples.scope, field: examples.field, textHash: examples.textHash });
      const exampleIdOf = new Map(upserted.map((r) => [`${r.scope}\0${r.field}\0${r.textHash}`, r.id]));
      chunk.forEach(({ label: l }, i) =>
        out.push({
          correctionId: inserted[i]!.id,
          exampleId: exampleIdOf.get(`${l.scope ?? LIVE_SCOPE}\0${l.field}\0${textHash(l.text)}`) ?? null,
        }),
      );
      const byScope = new Map<string, string[]>();
      for (const r of upserted) byScope.set(r.scope, [...(byScope.get(r.scope) ?? []), r.id]);
      for (const [scope, ids] of byScope) {
        for (let i = 0; i < ids.length; i += IDS_PER_NOTICE) {
          await notifyExamples(tx, { scope, ids: ids.slice(i, i + IDS_PER_NOTICE) });
        }
      }
    }
    return out;
  };
  // A Db opens its own transaction; a transaction handle is already one (the caller commits or rolls back).
  return "$sql" in db ? (db as Db).transaction(run) : run(db);
}

export async function notifyExamples(db: DbOrTx, notice: ExamplesNotice): Promise<void> {
  await db.execute(sql`select pg_notify(${EXAMPLES_CHANNEL}, ${JSON.stringify(notice)})`);
}
