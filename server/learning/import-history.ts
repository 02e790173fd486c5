/**
 * Cold start from history: labeled texts from another help desk (CSV/JSONL/JSON) become verified examples through
 * recordCorrections, all in one transaction. Embedding happens first and outside it (minutes for tens of thousands
 * of rows, batched across the embedder's contexts); the write is seconds and either lands whole or not at all.
 */
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { importJobs, LIVE_SCOPE, type CorrectionSource } from "@/db/schema";
import type { Embedder } from "@/models/learning/embedder";
import { embedWithCache } from "./embed-cached";
import { allowedLabels, createMissingLabels, isLearnedField, LEARNED_FIELDS } from "./labels";
import { readLabeledFile, type LabeledRow, type RowProblem } from "./read-rows";
import { recordCorrections } from "./record-correction";

export interface ImportOptions {
  file: string;
  field: string;
  textCol?: string;
  /** Defaults to the field's name. */
  labelCol?: string;
  createLabels?: boolean;
  scope?: string;
  source?: Extract<CorrectionSource, "import" | "eval">;
  userId?: string | null;
  /** An import_jobs row to keep up to date (the admin page polls it). */
  jobId?: string;
  log?: (line: string) => void;
}

export interface ImportReport {
  file: string;
  field: string;
  rows: number;
  imported: number;
  /** Distinct texts: a text given twice keeps its last label. */
  examples: number;
  bad: RowProblem[];
  createdLabels: string[];
  embedded: { new: number; cached: number; ms: number };
  ms: number;
}

/** The import wrote nothing: unknown labels without --create-labels, or a file that could not be read. */
export class ImportRefused extends Error {
  constructor(
    message: string,
    readonly unknownLabels: string[] = [],
    readonly bad: RowProblem[] = [],
  ) {
    super(message);
    this.name = "ImportRefused";
  }
}

const MAX_REPORTED_PROBLEMS = 200;

export async function importHistory(db: Db, embedder: Embedder, opts: ImportOptions): Promise<ImportReport> {
  const started = Date.now();
  const scope = opts.scope ?? LIVE_SCOPE;
  const log = opts.log ?? (() => {});
  const progress = createProgress(db, opts.jobId);
  try {
    if (scope === LIVE_SCOPE && !isLearnedField(opts.field)) {
      throw new ImportRefused(`Unknown field "${opts.field}"; use one of ${LEARNED_FIELDS.join(", ")}.`);
    }
    const read = await readLabeledFile(opts.file, { text: opts.textCol ?? "text", label: opts.labelCol ?? opts.field });
    const bad = read.problems;
    await progress.update({ phase: "checking", total: read.total, problems: bad.slice(0, MAX_REPORTED_PROBLEMS) });
    if (read.rows.length === 0) throw new ImportRefused(`No usable rows in ${opts.file}.`, [], bad);

    const labels = [...new Set(read.rows.map((r) => r.label))].sort();
    let unknown: string[] = [];
    if (scope === LIVE_SCOPE && isLearnedField(opts.field)) {
      const known = new Set(await allowedLabels(db, opts.field));
      unknown = labels.filter((l) => !known.has(l));
      if (unknown.length && !opts.createLabels) {
        throw new ImportRefused(
          `Unknown ${opts.field} labels (${unknown.length}): ${unknown.join(", ")}. Create them first, or rerun with --create-labels.`,
          unknown,
          bad,
        );
      }
    }

    const embedStarted = Date.now();
    await progress.update({ phase: "embedding" });
    const { vectors, isNew } = await embedWithCache(
      db,
      embedder,
      read.rows.map((r) => r.text),
      (done, total) => {
        progress.tick(done);
        if (done % 2000 === 0 || done === total) log(`embedded ${done}/${total}`);
      },
    );
    const embedMs = Date.now() - embedStarted;

    await progress.update({ phase: "writing", done: read.rows.length });
    const createdLabels = await db.transaction(async (tx) => {
      const created = opts.createLabels ? await createMissingLabels(tx, opts.field, unknown) : [];
      await recordCorrections(
        tx,
        read.rows.map((row: LabeledRow, i) => ({
          label: { scope, field: opts.field, text: row.text, finalValue: row.label, source: opts.source ?? "import", userId: opts.userId ?? null },
          embedding: isNew[i] ? { model: embedder.modelId, vector: vectors[i]! } : undefined,
        })),
        { labelsChecked: true },
      );
      return created;
    });
    const report: ImportReport = {
      file: opts.file,
      field: opts.field,
      rows: read.total,
      imported: read.rows.length,
      examples: new Set(read.rows.map((r) => r.text)).size,
      bad,
      createdLabels,
      embedded: { new: isNew.filter(Boolean).length, cached: read.rows.length - isNew.filter(Boolean).length, ms: embedMs },
      ms: Date.now() - started,
    };
    await progress.finish({ status: "succeeded", imported: report.imported });
    return report;
  } catch (err) {
    await progress.finish({
      status: "failed",
      error: (err as Error).message,
      problems: err instanceof ImportRefused ? err.bad.slice(0, MAX_REPORTED_PROBLEMS) : undefined,
    });
    throw err;
  }
}

/** Progress goes to the job row at most once a second: the admin page polls it, the CLI prints its own. */
function createProgress(db: Db, jobId: string | undefined) {
  let last = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const write = (set: Partial<typeof importJobs.$inferInsert>) => {
    if (!jobId) return Promise.resolve();
    pending = pending.then(() => db.update(importJobs).set(set).where(eq(importJobs.id, jobId))).catch(() => {});
    return pending;
  };
  return {
    update: (set: Partial<typeof importJobs.$inferInsert>) => write(set),
    tick(done: number) {
      if (Date.now() - last < 1000) return;
      last = Date.now();
      void write({ done });
    },
    finish: (set: Partial<typeof importJobs.$inferInsert>) => write({ ...set, phase: "done", finishedAt: new Date() }),
  };
}
