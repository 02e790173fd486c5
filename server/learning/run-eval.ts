/**
 * Measures the learning loop the way production runs it. The training rows are replayed as verified labels through
 * recordCorrections (source "eval") into the real database, a Learner picks them up through LISTEN/NOTIFY, and each
 * test row goes through the same classification path a ticket takes (embed, classify). Isolation: everything is
 * written in a scope of its own, "eval:<run id>", that no production learner loads and that is deleted afterwards;
 * only the vectors stay, as a cache (they are keyed by text and model, so they cannot teach anything).
 */
import { eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { corrections, evalRuns, examples } from "@/db/schema";
import { samplePerLabel, stratifiedSplit } from "@/models/learning/sampling";
import { DEFAULT_CLASSIFIER_OPTIONS, type ClassifierOptions } from "@/models/learning/classifier";
import type { Embedder } from "@/models/learning/embedder";
import { embedWithCache } from "./embed-cached";
import { Learner } from "./learner";
import { computeMetrics, percentile, type EvalMetrics, type ScoredRow } from "./metrics";
import { readLabeledFile, type LabeledRow } from "./read-rows";
import { recordCorrections } from "./record-correction";

export interface EvalParams {
  train: string;
  /** Or testFraction: a seeded stratified split of the train file (models/learning/sampling.ts, as the baselines). */
  test?: string;
  testFraction?: number;
  /** K verified examples per label (seeded sample); all training rows when absent. */
  perLabel?: number;
  seed?: number;
  textCol?: string;
  labelCol?: string;
  /** Test rows with this gold label are out of scope: the right answer is "needs human". Never trained on. */
  oosLabel?: string;
  field?: string;
  classifierOptions?: Partial<ClassifierOptions>;
}

/**
 * Optional second timing: the full triage on the first rows. runEval classifies (as the worker's hints do) and hands
 * the candidates and nearest examples to this function, which runs the SLM; both count in the time.
 */
export type TriageTimer = (input: {
  text: string;
  labels: string[];
  candidates: string[] | undefined;
  examples: { text: string; category: string }[];
}) => Promise<unknown>;

export interface EvalResult {
  runId: string;
  metrics: EvalMetrics & {
    trainExamples: number;
    labels: number;
    embeddingModel: string;
    classifier: ClassifierOptions;
    trainMs: number;
    learnerApplyMs: number;
    retrainMs: number;
    fullTriageLatencyMs?: { rows: number; p50: number; p95: number };
  };
  rows: (ScoredRow & { text: string })[];
}

export async function runEval(
  db: Db,
  embedder: Embedder,
  params: EvalParams,
  opts: { log?: (line: string) => void; triage?: TriageTimer; triageRows?: number } = {},
): Promise<EvalResult> {
  const log = opts.log ?? (() => {});
  const field = params.field ?? "category";
  const [run] = await db.insert(evalRuns).values({ params: { ...params } }).returning({ id: evalRuns.id });
  const runId = run!.id;
  const scope = `eval:${runId}`;
  let learner: Learner | undefined;
  try {
    const cols = { text: params.textCol ?? "text", label: params.labelCol ?? "label" };
    const trainFile = await readLabeledFile(params.train, cols);
    let testRows: LabeledRow[];
    let trainRows = trainFile.rows;
    if (params.test) testRows = (await readLabeledFile(params.test, cols)).rows;
    else if (params.testFraction) {
      const split = stratifiedSplit(trainFile.rows, (r) => r.label, params.testFraction, params.seed ?? 0);
      testRows = split.test.map((i) => trainFile.rows[i]!);
      trainRows = split.train.map((i) => trainFile.rows[i]!);
    } else throw new Error("Give a test file, or a test fraction to split the training file.");
    if (trainFile.problems.length) {
      log(`train: skipped ${trainFile.problems.length} bad rows (first: line ${trainFile.problems[0]!.line}: ${trainFile.problems[0]!.reason})`);
    }
    let train: LabeledRow[] = trainRows.filter((r) => r.label !== params.oosLabel);
    if (params.perLabel !== undefined) {
      const indices = samplePerLabel(train, train.map((_, i) => i), (r) => r.label, params.perLabel, params.seed ?? 0);
      train = indices.map((i) => train[i]!);
    }
    const test = testRows;
    if (train.length === 0 || test.length === 0) throw new Error("Nothing to train on or nothing to test.");

    learner = await Learner.start({ db, embedder, scope, classifierOptions: params.classifierOptions, log });
    const trainStarted = Date.now();
    const { vectors, isNew } = await embedWithCache(
      db,
      embedder,
      train.map((r) => r.text),
      (done, total) => {
        if (done % 2000 === 0 || done === total) log(`train embeddings ${done}/${total}`);
      },
    );
    await recordCorrections(
      db,
      train.map((r, i) => ({
        label: { scope, field, text: r.text, finalValue: r.label, source: "eval" as const },
        embedding: isNew[i] ? { model: embedder.modelId, vector: vectors[i]! } : undefined,
      })),
      { labelsChecked: true },
    );
    const applyStarted = Date.now();
    await learner.barrier();
    const learnerApplyMs = Date.now() - applyStarted;
    const retrainStarted = Date.now();
    await learner.flushRetrain();
    const retrainMs = Date.now() - retrainStarted;
    const trainMs = Date.now() - trainStarted;
    log(`trained on ${learner.size(field)} examples, ${learner.labels(field).length} labels, in ${trainMs} ms (retrain ${retrainMs} ms)`);

    const rows: EvalResult["rows"] = [];
    for (const [i, r] of test.entries()) {
      const t0 = performance.now();
      const p = await learner.classify(field, r.text);
      const latencyMs = performance.now() - t0;
      rows.push({ text: r.text, gold: r.label, predicted: p.label, confidence: p.confidence, needsHuman: p.needsHuman, latencyMs });
      if ((i + 1) % 1000 === 0) log(`classified ${i + 1}/${test.length}`);
    }

    let fullTriageLatencyMs: EvalResult["metrics"]["fullTriageLatencyMs"];
    if (opts.triage) {
      const n = Math.min(opts.triageRows ?? 20, test.length);
      const times: number[] = [];
      const labels = learner.labels(field);
      for (const r of test.slice(0, n)) {
        const t0 = performance.now();
        const p = await learner.classify(field, r.text);
        const texts = await db
          .select({ id: examples.id, text: examples.text })
          .from(examples)
          .where(inArray(examples.id, p.neighbours.map((h) => h.exampleId)));
        await opts.triage({
          text: r.text,
          labels,
          // The worker's rule (server/cli/worker.ts): narrow the grammar only on a confident classifier.
          candidates: p.needsHuman ? undefined : p.candidates.slice(0, 3).map((c) => c.label),
          examples: p.neighbours.flatMap((h) => {
            const t = texts.find((x) => x.id === h.exampleId);
            return t ? [{ text: t.text, category: h.label }] : [];
          }),
        });
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      fullTriageLatencyMs = { rows: n, p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
    }

    const metrics: EvalResult["metrics"] = {
      ...computeMetrics(rows, { oosLabel: params.oosLabel }),
      trainExamples: learner.size(field),
      labels: learner.labels(field).length,
      embeddingModel: embedder.modelId,
      classifier: { ...DEFAULT_CLASSIFIER_OPTIONS, ...params.classifierOptions },
      trainMs,
      learnerApplyMs,
      retrainMs,
      ...(fullTriageLatencyMs ? { fullTriageLatencyMs } : {}),
    };
    await db.update(evalRuns).set({ metrics: { ...metrics }, status: "succeeded", finishedAt: new Date() }).where(eq(evalRuns.id, runId));
    return { runId, metrics, rows };
  } catch (err) {
    await db
      .update(evalRuns)
      .set({ status: "failed", error: (err as Error).message, finishedAt: new Date() })
      .where(eq(evalRuns.id, runId));
    throw err;
  } finally {
    await learner?.stop();
    await db.delete(examples).where(eq(examples.scope, scope));
    await db.delete(corrections).where(eq(corrections.scope, scope));
  }
}
