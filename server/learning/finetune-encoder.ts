/**
 * Fine-tunes the embedding model on a field's verified examples and promotes the result only when it classifies
 * better. Protocol (one run):
 * 1. Split the examples per label with a seeded shuffle: `holdout` of each label with 3+ examples is held out.
 * 2. Train a contrastive fine-tune of the base encoder on the rest (models/finetune/train-encoder.ts).
 * 3. Score both the encoder in use and the candidate the same way production classifies: the example classifier
 *    (server/learning) trained on the training part, accuracy on the held-out part.
 * 4. Promote when the candidate gains at least `minGain`: its vectors for every example are stored first, then the
 *    run is marked promoted (the previous one retired) and ENCODER_CHANNEL tells every worker to swap, no restart.
 *    Otherwise the run is rejected and its file deleted; the figures stay in encoder_runs either way.
 * 5. The held-out examples also set the candidate's needs-human similarity threshold (calibrateMinSimilarity), which
 *    workers apply with it.
 */
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { and, eq, ne, sql } from "drizzle-orm";
import type { Llama } from "node-llama-cpp";
import type { Db } from "@/db/client";
import { embeddings, encoderRuns, examples, LIVE_SCOPE, type EncoderRun } from "@/db/schema";
import { trainEncoder } from "@/models/finetune/train-encoder";
import { env } from "@/config/env";
import { AppError } from "@/server/errors";
import { calibrateMinSimilarity, ExampleClassifier } from "@/models/learning/classifier";
import { Embedder } from "@/models/learning/embedder";
import { seededRandom } from "@/models/learning/random";
import { VectorIndex } from "@/models/learning/vector-index";
import { embedWithCache } from "./embed-cached";
import { activeEncoder, ENCODER_CHANNEL } from "./encoders";
import { taxonomyExamples } from "./labels";
import { textHash, vectorToBytes } from "./vectors";

export interface FinetuneOptions {
  db: Db;
  field?: string;
  scope?: string;
  epochs?: number;
  pairs?: number;
  seed?: number;
  hardNegatives?: boolean;
  /** Share of each label's examples held out for the comparison. */
  holdout?: number;
  /** Accuracy the candidate must gain on the held-out examples to be promoted (0.005 = half a point). */
  minGain?: number;
  /** false: train and score, never promote (a dry run). */
  promote?: boolean;
  /** Where fine-tuned GGUFs are kept (default DESKLING_DATA_DIR/encoders). */
  dir?: string;
  threads?: number;
  llama?: Llama;
  userId?: string | null;
  /** An encoder_runs row created beforehand (status "training"), e.g. by the admin page; its params are ignored. */
  runId?: string;
  log?: (line: string) => void;
}

/** What `npm run finetune` does unless told otherwise (bench/learner-vs-lr.ts replays it). */
export const FINETUNE_DEFAULTS = { epochs: 1, pairs: 4, seed: 0, hardNegatives: true, holdout: 0.2, minGain: 0.005 } as const;

const MIN_HOLDOUT = 10;
/** Share of right answers the needs-human check may send to a human: the 2 points the CLINC150 target allows. */
const NEEDS_HUMAN_BUDGET = 0.02;

interface Row {
  text: string;
  label: string;
}

/** Per label, a seeded shuffle; labels with fewer than 3 examples stay whole in training. */
export function splitForFinetune(rows: readonly Row[], share: number, seed: number): { train: Row[]; holdout: Row[] } {
  const byLabel = new Map<string, Row[]>();
  for (const r of rows) byLabel.set(r.label, [...(byLabel.get(r.label) ?? []), r]);
  const random = seededRandom(seed);
  const train: Row[] = [];
  const holdout: Row[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const group = byLabel.get(label)!;
    for (let i = group.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [group[i], group[j]] = [group[j]!, group[i]!];
    }
    const n = group.length >= 3 ? Math.max(1, Math.round(group.length * share)) : 0;
    holdout.push(...group.slice(0, n));
    train.push(...group.slice(n));
  }
  return { train, holdout };
}

/**
 * Accuracy on the held-out rows of the example classifier trained on `train`, with this encoder's vectors, and the
 * needs-human similarity threshold those rows calibrate. (bench/learner-vs-lr.ts scores a fine-tune the same way.)
 */
export async function scoreOnHoldout(embed: (texts: string[]) => Promise<Float32Array[]>, dims: number, train: readonly Row[], holdout: readonly Row[]) {
  const [trainVectors, holdoutVectors] = [await embed(train.map((r) => r.text)), await embed(holdout.map((r) => r.text))];
  const index = new VectorIndex(dims, train.length);
  train.forEach((r, i) => index.add(`t${i}`, r.label, trainVectors[i]!));
  const classifier = ExampleClassifier.fromIndex(index);
  const predictions = holdoutVectors.map((v) => classifier.classify(v));
  const correct = predictions.filter((p, i) => p.label === holdout[i]!.label).length;
  // A fine-tune moves similarities (same-label texts end up much closer), so its needs-human threshold is its own.
  const minSimilarity = calibrateMinSimilarity(predictions, holdout.map((r) => r.label), { budget: NEEDS_HUMAN_BUDGET });
  return { accuracy: correct / holdout.length, correct, total: holdout.length, minSimilarity };
}

export async function finetuneEncoder(opts: FinetuneOptions): Promise<EncoderRun> {
  const { db } = opts;
  const log = opts.log ?? (() => {});
  const field = opts.field ?? "category";
  const scope = opts.scope ?? LIVE_SCOPE;
  const threads = opts.threads ?? env.SLM_THREADS;
  const params = {
    field,
    scope,
    epochs: opts.epochs ?? FINETUNE_DEFAULTS.epochs,
    pairs: opts.pairs ?? FINETUNE_DEFAULTS.pairs,
    seed: opts.seed ?? FINETUNE_DEFAULTS.seed,
    hardNegatives: opts.hardNegatives ?? FINETUNE_DEFAULTS.hardNegatives,
    holdout: opts.holdout ?? FINETUNE_DEFAULTS.holdout,
    minGain: opts.minGain ?? FINETUNE_DEFAULTS.minGain,
    promote: opts.promote ?? true,
  };
  const base = env.EMBED_MODEL;
  const fail = async (runId: string, err: unknown) =>
    db
      .update(encoderRuns)
      .set({ status: "failed", error: err instanceof Error ? err.message : String(err), finishedAt: new Date() })
      .where(eq(encoderRuns.id, runId));
  const rows = await db.select({ text: examples.text, label: examples.label }).from(examples).where(and(eq(examples.scope, scope), eq(examples.field, field)));
  const { train, holdout } = splitForFinetune(rows, params.holdout, params.seed);
  if (holdout.length < MIN_HOLDOUT || new Set(train.map((r) => r.label)).size < 2) {
    const err = new AppError(
      "INVALID_INPUT",
      `Fine-tuning needs verified ${field} examples for at least 2 labels and ${MIN_HOLDOUT} to hold out (labels with 3+ examples give ${holdout.length}); ${rows.length} examples so far.`,
    );
    if (opts.runId) await fail(opts.runId, err);
    throw err;
  }

  // Production's learner also knows each category by its name and description (labels.ts): train and score with them.
  if (field === "category" && scope === LIVE_SCOPE) train.push(...(await taxonomyExamples(db)).map(({ text, label }) => ({ text, label })));
  const current = await activeEncoder(db, { scope, log });
  const [run] = opts.runId
    ? await db.update(encoderRuns).set({ params }).where(eq(encoderRuns.id, opts.runId)).returning()
    : await db.insert(encoderRuns).values({ scope, field, baseModel: base, params, userId: opts.userId ?? null }).returning();
  if (!run) throw new AppError("NOT_FOUND", `No encoder run ${opts.runId}`);
  const dir = opts.dir ?? path.resolve(env.DESKLING_DATA_DIR, "encoders");
  const file = path.join(dir, `${run.id}.gguf`);
  let candidate: Embedder | undefined;
  let baseline: Embedder | undefined;
  try {
    await mkdir(dir, { recursive: true });
    log(`[finetune] ${field}: ${train.length} examples to train on, ${holdout.length} held out; comparing with ${current.id}`);
    const trained = await trainEncoder({ base, examples: train, out: file, ...params, threads, log });
    const modelId = `${base}+ft-${trained.sha256.slice(0, 12)}`;

    baseline = await Embedder.create({ model: current.model, id: current.id, base: current.base, threads, llama: opts.llama });
    const before = await scoreOnHoldout(async (texts) => (await embedWithCache(db, baseline!, texts)).vectors, baseline.dimensions, train, holdout);
    await baseline.dispose();
    baseline = undefined;
    candidate = await Embedder.create({ model: file, id: modelId, base, threads, llama: opts.llama });
    // Scoring embeds the examples once; a promotion stores those same vectors rather than computing them again.
    const candidateVectors = new Map<string, Float32Array>();
    const embedCandidate = async (texts: string[]) => {
      const todo = [...new Set(texts.filter((t) => !candidateVectors.has(t)))];
      (await candidate!.embedMany(todo)).forEach((v, i) => candidateVectors.set(todo[i]!, v));
      return texts.map((t) => candidateVectors.get(t)!);
    };
    const after = await scoreOnHoldout(embedCandidate, candidate.dimensions, train, holdout);
    const gain = after.accuracy - before.accuracy;
    const promote = params.promote && gain >= params.minGain;
    const metrics = { trainExamples: train.length, holdout: holdout.length, baseline: { model: current.id, ...before }, candidate: after, gain, training: trained.stats };
    log(`[finetune] held-out accuracy ${pct(before.accuracy)} -> ${pct(after.accuracy)} (${promote ? "promoted" : "not promoted"})`);

    if (promote) {
      // Vectors first, so a worker that swaps on the notice finds every example already embedded.
      const all = await db.selectDistinct({ text: examples.text }).from(examples).where(eq(examples.scope, scope));
      const vectors = await embedCandidate(all.map((r) => r.text));
      for (let i = 0; i < all.length; i += 1000) {
        await db
          .insert(embeddings)
          .values(all.slice(i, i + 1000).map((r, j) => ({ textHash: textHash(r.text), model: modelId, dims: candidate!.dimensions, vector: vectorToBytes(vectors[i + j]!) })))
          .onConflictDoNothing();
      }
    }
    const finished = await db.transaction(async (tx) => {
      if (promote) {
        await tx
          .update(encoderRuns)
          .set({ status: "retired" })
          .where(and(eq(encoderRuns.scope, scope), eq(encoderRuns.baseModel, base), eq(encoderRuns.status, "promoted"), ne(encoderRuns.id, run.id)));
        await tx.execute(sql`select pg_notify(${ENCODER_CHANNEL}, ${JSON.stringify({ scope, modelId })})`);
      }
      const [row] = await tx
        .update(encoderRuns)
        .set({ status: promote ? "promoted" : "rejected", modelId, path: promote ? file : null, sha256: trained.sha256, metrics, finishedAt: new Date() })
        .where(eq(encoderRuns.id, run.id))
        .returning();
      return row!;
    });
    if (!promote) await rm(file, { force: true });
    return finished;
  } catch (err) {
    await rm(file, { force: true });
    await fail(run.id, err);
    throw err;
  } finally {
    await baseline?.dispose();
    await candidate?.dispose();
  }
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
