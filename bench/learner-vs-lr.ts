/**
 * Deskling's learner against the textbook reference, on the same rows and the same vectors.
 *
 *   bash bench/data/fetch-intents.sh              # once: public datasets into bench/.data/ (see that script)
 *   npm run bench:learner                          # all datasets, K = 5, 10 and all, 3 seeds
 *   npm run bench:learner -- --datasets=hwu64 --k=10 --seeds=1 --options='{"k":10}' --embed-model=<gguf>
 *   npm run bench:learner -- --variants='{"knn30":{"linearWeight":0.7}}'   # also score other options, same rows
 *   npm run bench:learner -- --datasets=banking77 --finetune   # + the encoder fine-tune at K=10, seed 0
 *
 * Per dataset: the train and test texts are embedded with the repo's Embedder (MiniLM GGUF through node-llama-cpp,
 * the vectors production stores), cached by bench/eval/embedding-cache.ts. bench/lr_reference.py samples K rows
 * per label exactly as ../shared/tools/lr-reference does (Python random.Random(seed)), fits scikit-learn's
 * LogisticRegression(C=10) on those vectors and prints the row indices it used; Deskling's classifier
 * (models/learning/classifier.ts, the code the worker runs: int8 vector index, retrain, combine) is trained on the same indices.
 * Printed per dataset and K, side by side: accuracy and macro-F1 (mean of the seeds), expected calibration error of
 * the confidence, the needs-human rate and the accuracy of the tickets not sent to a human, and the gap to the
 * reference. banking77 is the held-out dataset: the defaults were never tuned on it.
 *
 * --finetune replays `npm run import --create-labels` + `npm run finetune` + `npm run eval` on the K=10 seed-0 rows
 * without a database: the same split (splitForFinetune), the category names as extra training examples (what
 * finetune-encoder.ts adds for the live scope), trainer (models/finetune) and promotion rule (FINETUNE_DEFAULTS.minGain
 * on the held-out fifth, scoreOnHoldout), then, when promoted, the learner on all K=10 rows with the new encoder and
 * the needs-human similarity threshold the fine-tune calibrated, scored on the test rows (also when not promoted:
 * what it would have given). Minutes of CPU per dataset; the GGUF is cached in models/.cache/finetuned/.
 * --finetune-options='{"epochs":3,"lr":5e-5,"names":true}' overrides FINETUNE_DEFAULTS (epochs, pairs, hardNegatives,
 * lr); names: false leaves the category names out of training and scoring (test rows too, both encoders).
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { DEFAULT_EMBEDDING_MODEL } from "@/models/catalog";
import { cachedEmbeddings, type EmbeddingMatrix } from "@/bench/eval/embedding-cache";
import { ensurePythonEnv } from "@/models/fetch";
import { ExampleClassifier, type ClassifierOptions, type Prediction } from "@/models/learning/classifier";
import { Embedder } from "@/models/learning/embedder";
import { VectorIndex } from "@/models/learning/vector-index";
import { trainEncoder } from "@/models/finetune/train-encoder";
import { FINETUNE_DEFAULTS, scoreOnHoldout, splitForFinetune } from "@/server/learning/finetune-encoder";
import { humanize, NAME_PRIOR_MAX_EXAMPLES, taxonomyExampleId } from "@/server/learning/labels";

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const DATA_DIR = path.join(BENCH_DIR, ".data");
/** Never used to choose a default; reported on its own. */
export const HELD_OUT = "banking77";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const datasets = (arg("datasets") ?? "hwu64,snips,atis,banking77").split(",");
const ks = arg("k") ?? "5,10,0";
const seeds = Number(arg("seeds") ?? 3);
const options = JSON.parse(arg("options") ?? "{}") as Partial<ClassifierOptions>;
const variants = JSON.parse(arg("variants") ?? "{}") as Record<string, Partial<ClassifierOptions>>;
const embedModel = arg("embed-model") ?? DEFAULT_EMBEDDING_MODEL;
const finetune = process.argv.includes("--finetune");
const finetuneOptions = { names: true, ...JSON.parse(arg("finetune-options") ?? "{}") } as { epochs?: number; pairs?: number; hardNegatives?: boolean; lr?: number; names?: boolean };
// Only fill the embedding cache (a slow, separate step on a busy machine).
const embedOnly = process.argv.includes("--embed-only");
const threads = Number(process.env.SLM_THREADS ?? 1);
const log = (line: string) => console.error(`[bench:learner] ${line}`);

let embedder: Embedder | undefined;
const getEmbedder = async () => (embedder ??= await Embedder.create({ model: embedModel, threads }));

interface Split {
  texts: string[];
  labels: string[];
  emb: EmbeddingMatrix;
}

async function loadSplit(dataset: string, split: "train" | "test"): Promise<Split> {
  const rows = parse(await readFile(path.join(DATA_DIR, dataset, `${split}.csv`)), { columns: true }) as { text: string; label: string }[];
  const texts = rows.map((r) => r.text);
  return { texts, labels: rows.map((r) => r.label), emb: await cachedEmbeddings(`bench-${dataset}-${split}`, texts, getEmbedder, log) };
}

interface ReferenceRun {
  k: number;
  seed: number;
  indices: number[];
  accuracy: number;
  macroF1: number;
  ece: number;
  objective: number;
  nIter: number;
  fitSeconds: number;
}

/** scikit-learn's runs, cached beside the data: the same vectors, labels, K and seeds always give the same fits. */
async function reference(name: string, train: Split, test: Split): Promise<ReferenceRun[]> {
  const key = createHash("sha256")
    .update(Buffer.from(train.emb.data.buffer, train.emb.data.byteOffset, train.emb.data.byteLength))
    .update(Buffer.from(test.emb.data.buffer, test.emb.data.byteOffset, test.emb.data.byteLength))
    .update(JSON.stringify([train.labels, test.labels, ks, seeds, await readFile(path.join(BENCH_DIR, "lr_reference.py"), "utf8")]))
    .digest("hex")
    .slice(0, 16);
  const cache = path.join(DATA_DIR, name, `reference-${key}.json`);
  if (existsSync(cache)) return JSON.parse(await readFile(cache, "utf8")) as ReferenceRun[];
  const runs = await fitReference(train, test);
  await writeFile(cache, JSON.stringify(runs));
  return runs;
}

async function fitReference(train: Split, test: Split): Promise<ReferenceRun[]> {
  const python = await ensurePythonEnv("bench-lr-venv", path.join(BENCH_DIR, "requirements-lr.txt"), { log });
  const dir = await mkdtemp(path.join(os.tmpdir(), "deskling-bench-lr-"));
  try {
    await writeFile(path.join(dir, "train.f32"), Buffer.from(train.emb.data.buffer, train.emb.data.byteOffset, train.emb.data.byteLength));
    await writeFile(path.join(dir, "test.f32"), Buffer.from(test.emb.data.buffer, test.emb.data.byteOffset, test.emb.data.byteLength));
    await writeFile(path.join(dir, "meta.json"), JSON.stringify({ dims: train.emb.dims, trainLabels: train.labels, testLabels: test.labels }));
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(python, [path.join(BENCH_DIR, "lr_reference.py"), dir, "--k", ks, "--seeds", String(seeds)], {
        stdio: ["ignore", "pipe", "inherit"],
        env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" },
      });
      let stdout = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`lr_reference.py exited with ${code}`))));
    });
    return (JSON.parse(out) as { runs: ReferenceRun[] }).runs;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const vec = (emb: EmbeddingMatrix, i: number) => emb.data.subarray(i * emb.dims, (i + 1) * emb.dims);

/** Expected calibration error of the top probability: 15 equal-width bins, as lr_reference.py computes it. */
export function expectedCalibrationError(confidence: readonly number[], correct: readonly boolean[], bins = 15): number {
  let total = 0;
  for (let b = 0; b < bins; b++) {
    const lo = b / bins;
    const hi = (b + 1) / bins;
    const members = confidence.map((_, i) => i).filter((i) => confidence[i]! > lo && confidence[i]! <= hi);
    if (members.length === 0) continue;
    const acc = members.filter((i) => correct[i]).length / members.length;
    const conf = members.reduce((s, i) => s + confidence[i]!, 0) / members.length;
    total += (members.length / confidence.length) * Math.abs(acc - conf);
  }
  return total;
}

/**
 * Each label's category name as one example, while the label has at most NAME_PRIOR_MAX_EXAMPLES rows: what
 * production's learner does after `npm run import --create-labels`.
 */
interface Names {
  labels: string[];
  emb: EmbeddingMatrix;
}

async function categoryNames(dataset: string, labels: readonly string[]): Promise<Names> {
  const keys = [...new Set(labels)].sort();
  const texts = keys.map(humanize);
  return { labels: keys, emb: await cachedEmbeddings(`bench-${dataset}-names`, texts, getEmbedder, log) };
}

function deskling(train: Split, test: Split, indices: readonly number[], options: Partial<ClassifierOptions>, names?: Names) {
  const index = new VectorIndex(train.emb.dims, indices.length + (names?.labels.length ?? 0) + 16);
  for (const i of indices) index.add(`t${i}`, train.labels[i]!, vec(train.emb, i));
  const counts = new Map<string, number>();
  for (const i of indices) counts.set(train.labels[i]!, (counts.get(train.labels[i]!) ?? 0) + 1);
  names?.labels.forEach((label, j) => {
    if ((counts.get(label) ?? 0) <= NAME_PRIOR_MAX_EXAMPLES) index.add(taxonomyExampleId(label), label, vec(names.emb, j));
  });
  const started = performance.now();
  const classifier = ExampleClassifier.fromIndex(index, options);
  const trainMs = performance.now() - started;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const preds: Prediction[] = test.labels.map((_, i) => classifier.classify(vec(test.emb, i)));
  const classifyMs = (performance.now() - t0) / preds.length;
  // CPU time too: on a shared machine the wall clock mostly measures the neighbours' load.
  const classifyCpuMs = process.cpuUsage(cpu0).user / 1000 / preds.length;
  const correct = preds.map((p, i) => p.label === test.labels[i]);
  const labels = [...new Set(test.labels)];
  const f1 = labels.map((l) => {
    const tp = preds.filter((p, i) => p.label === l && test.labels[i] === l).length;
    const predicted = preds.filter((p) => p.label === l).length;
    const actual = test.labels.filter((g) => g === l).length;
    return tp === 0 ? 0 : (2 * tp) / (predicted + actual);
  });
  const automated = preds.map((_, i) => i).filter((i) => !preds[i]!.needsHuman);
  return {
    accuracy: correct.filter(Boolean).length / preds.length,
    macroF1: f1.reduce((a, b) => a + b, 0) / f1.length,
    ece: expectedCalibrationError(
      preds.map((p) => p.confidence),
      correct,
    ),
    needsHumanRate: 1 - automated.length / preds.length,
    automatedAccuracy: automated.length ? automated.filter((i) => correct[i]).length / automated.length : null,
    trainMs,
    classifyMs,
    classifyCpuMs,
    iterations: classifier.linearModel?.fit?.iterations ?? 0,
    objective: classifier.linearModel?.fit?.objective ?? NaN,
  };
}

/**
 * The fine-tune as a user gets it, on the K=10 seed-0 rows: train on 80% of each label, promote on a held-out gain,
 * then the learner on all the rows with the tuned encoder and its calibrated needs-human threshold.
 */
async function finetuned(name: string, train: Split, test: Split, indices: readonly number[], names: Names) {
  const { names: withNames, ...overrides } = finetuneOptions;
  const params = { ...FINETUNE_DEFAULTS, ...overrides };
  const rows = indices.map((i) => ({ text: train.texts[i]!, label: train.labels[i]! }));
  const split = splitForFinetune(rows, params.holdout, params.seed);
  // As finetune-encoder.ts does for the live scope: every category name is one more training example.
  const fitRows = [...split.train, ...(withNames ? names.labels.map((label) => ({ text: humanize(label), label })) : [])];
  // One file per set of options (the defaults are in the code, not in the name: change them, delete the cache).
  const variant = createHash("sha256").update(JSON.stringify(finetuneOptions)).digest("hex").slice(0, 8);
  const out = path.join(BENCH_DIR, "../models/.cache/finetuned", `bench-${name}-k10-s0-${variant}.gguf`);
  const started = Date.now();
  let training: Record<string, unknown> | undefined;
  if (!existsSync(out)) {
    await mkdir(path.dirname(out), { recursive: true });
    training = (await trainEncoder({ base: DEFAULT_EMBEDDING_MODEL, examples: fitRows, out, ...params, threads, log })).stats;
  }
  const trainSeconds = Math.round((Date.now() - started) / 1000);
  const base = await getEmbedder();
  const tuned = await Embedder.create({ model: out, base: DEFAULT_EMBEDDING_MODEL, threads });
  try {
    const before = await scoreOnHoldout((texts) => base.embedMany(texts), base.dimensions, fitRows, split.holdout);
    const after = await scoreOnHoldout((texts) => tuned.embedMany(texts), tuned.dimensions, fitRows, split.holdout);
    const promoted = after.accuracy - before.accuracy >= params.minGain;
    const getTuned = async () => tuned;
    const tunedTrain: Split = { ...train, emb: await cachedEmbeddings(`bench-${name}-k10s0-ft`, rows.map((r) => r.text), getTuned, log) };
    const tunedTest: Split = { ...test, emb: await cachedEmbeddings(`bench-${name}-test-ft`, test.texts, getTuned, log) };
    const tunedNames: Names = { labels: names.labels, emb: await cachedEmbeddings(`bench-${name}-names-ft`, names.labels.map(humanize), getTuned, log) };
    // tunedTrain holds only the sampled rows, in order. Scored whether promoted or not: what the gate kept or refused.
    const scored = deskling(
      { ...tunedTrain, texts: rows.map((r) => r.text), labels: rows.map((r) => r.label) },
      tunedTest,
      rows.map((_, i) => i),
      { ...options, minSimilarity: after.minSimilarity },
      withNames ? tunedNames : undefined,
    );
    return {
      options: finetuneOptions,
      trainSeconds,
      ...(training ? { training } : {}),
      holdout: { before: pct(before.accuracy), after: pct(after.accuracy), rows: split.holdout.length },
      promoted,
      // The base encoder's learner on the same rows (with the names when they were trained on), for the side-by-side.
      baseEncoder: roundScores(deskling(train, test, indices, options, withNames ? names : undefined)),
      minSimilarity: Number(after.minSimilarity.toFixed(3)),
      ...roundScores(scored),
    };
  } finally {
    await tuned.dispose();
  }
}

/**
 * The needs-human threshold a fine-tune calibrates (scoreOnHoldout on its held-out fifth), computed for the encoder
 * in use, and what it does on the test rows: the check that it sends at most a fifth of tickets to a human.
 */
async function calibratedNeedsHuman(train: Split, test: Split, indices: readonly number[]) {
  const rows = indices.map((i) => ({ text: train.texts[i]!, label: train.labels[i]! }));
  const vectorOf = new Map(indices.map((i) => [train.texts[i]!, vec(train.emb, i)]));
  const split = splitForFinetune(rows, FINETUNE_DEFAULTS.holdout, FINETUNE_DEFAULTS.seed);
  const held = await scoreOnHoldout(async (texts) => texts.map((t) => vectorOf.get(t)!), train.emb.dims, split.train, split.holdout);
  return { minSimilarity: Number(held.minSimilarity.toFixed(3)), ...roundScores(deskling(train, test, indices, { ...options, minSimilarity: held.minSimilarity })) };
}

function roundScores(o: ReturnType<typeof deskling>) {
  return {
    accuracy: pct(o.accuracy),
    macroF1: pct(o.macroF1),
    ece: pct(o.ece),
    needsHumanRate: pct(o.needsHumanRate),
    automatedAccuracy: pct(o.automatedAccuracy ?? 0),
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (x: number) => Number((100 * x).toFixed(2));

async function main() {
  const report: Record<string, unknown> = { embeddingModel: embedModel, options, variants, heldOut: HELD_OUT, datasets: {} };
  for (const name of datasets) {
    const train = await loadSplit(name, "train");
    const test = await loadSplit(name, "test");
    log(`${name}: ${train.texts.length} train, ${test.texts.length} test rows, ${new Set(train.labels).size} labels`);
    if (embedOnly) continue;
    const runs = await reference(name, train, test);
    const names = await categoryNames(name, train.labels);
    const byK: Record<string, unknown> = {};
    for (const k of [...new Set(runs.map((r) => r.k))]) {
      const rs = runs.filter((r) => r.k === k);
      const ours = rs.map((r) => deskling(train, test, r.indices, options));
      const named = rs.map((r) => deskling(train, test, r.indices, options, names));
      const others = Object.fromEntries(
        Object.entries(variants).map(([v, o]) => {
          const scored = rs.map((r) => deskling(train, test, r.indices, { ...options, ...o }));
          return [v, { accuracy: pct(mean(scored.map((s) => s.accuracy))), ece: pct(mean(scored.map((s) => s.ece))), needsHumanRate: pct(mean(scored.map((s) => s.needsHumanRate))), automatedAccuracy: pct(mean(scored.map((s) => s.automatedAccuracy ?? 0))), trainMs: Math.round(mean(scored.map((s) => s.trainMs))) }];
        }),
      );
      const row = {
        trainRows: rs[0]!.indices.length,
        seeds: rs.map((r) => r.seed),
        reference: {
          accuracy: pct(mean(rs.map((r) => r.accuracy))),
          perSeed: rs.map((r) => pct(r.accuracy)),
          macroF1: pct(mean(rs.map((r) => r.macroF1))),
          ece: pct(mean(rs.map((r) => r.ece))),
          nIter: rs.map((r) => r.nIter),
          fitSeconds: mean(rs.map((r) => r.fitSeconds)),
        },
        deskling: {
          accuracy: pct(mean(ours.map((o) => o.accuracy))),
          perSeed: ours.map((o) => pct(o.accuracy)),
          macroF1: pct(mean(ours.map((o) => o.macroF1))),
          ece: pct(mean(ours.map((o) => o.ece))),
          needsHumanRate: pct(mean(ours.map((o) => o.needsHumanRate))),
          automatedAccuracy: pct(mean(ours.map((o) => o.automatedAccuracy ?? 0))),
          trainMs: Math.round(mean(ours.map((o) => o.trainMs))),
          classifyMs: Number(mean(ours.map((o) => o.classifyMs)).toFixed(3)),
          classifyCpuMs: Number(mean(ours.map((o) => o.classifyCpuMs)).toFixed(3)),
          iterations: ours.map((o) => o.iterations),
          // Against scikit-learn's on the same rows: <= 0 means our fit reached at least as low a point.
          objectiveVsReference: ours.map((o, i) => Number((o.objective - rs[i]!.objective).toFixed(4))),
        },
        gap: pct(mean(ours.map((o) => o.accuracy)) - mean(rs.map((r) => r.accuracy))),
        // As a user gets it: `npm run import --create-labels` makes a category per label, and the worker's learner
        // adds each category's name as one example (server/learning/labels.ts taxonomyExamples).
        withCategoryNames: {
          accuracy: pct(mean(named.map((o) => o.accuracy))),
          perSeed: named.map((o) => pct(o.accuracy)),
          ece: pct(mean(named.map((o) => o.ece))),
          needsHumanRate: pct(mean(named.map((o) => o.needsHumanRate))),
          automatedAccuracy: pct(mean(named.map((o) => o.automatedAccuracy ?? 0))),
          gap: pct(mean(named.map((o) => o.accuracy)) - mean(rs.map((r) => r.accuracy))),
        },
        ...(Object.keys(others).length ? { variants: others } : {}),
      };
      byK[k === 0 ? "all" : `K${k}`] = row;
      log(`${name} ${k === 0 ? "all" : `K=${k}`}: deskling ${row.deskling.accuracy} (with category names ${row.withCategoryNames.accuracy}) vs reference ${row.reference.accuracy} (gap ${row.gap} / ${row.withCategoryNames.gap})`);
    }
    const k10 = runs.find((r) => r.k === 10 && r.seed === 0);
    const tuned = finetune && k10 ? { finetunedK10Seed0: await finetuned(name, train, test, k10.indices, names) } : {};
    const calibrated = k10 ? { calibratedThresholdK10Seed0: await calibratedNeedsHuman(train, test, k10.indices) } : {};
    (report.datasets as Record<string, unknown>)[name] = { heldOut: name === HELD_OUT, labels: new Set(train.labels).size, testRows: test.texts.length, ...byK, ...calibrated, ...tuned };
  }
  console.log(JSON.stringify(report, null, 2));
}

main()
  .then(() => embedder?.dispose())
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
