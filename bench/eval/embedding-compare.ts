/**
 * Which encoder classifies better: MiniLM, or the chat model's own embeddings? (issue #10)
 *
 *   npx tsx bench/eval/embedding-compare.ts [--n 1500] [--bitext-n 1000] [--seed 0]
 *
 * Same training samples as classifier-eval.ts: CLINC150 K=10 per intent (seed 0) and bitext intent K=5 from the
 * 80% side of its stratified split. Tested on a seeded stratified subsample of CLINC150 `test` (in scope, --n rows)
 * and of the bitext 20% side (--bitext-n rows; that side has only 902, so the default takes all of it), so the
 * 135M model embeds ~4k texts rather than ~28k. Both models go through the same Embedder (1 thread: the cores are
 * shared) and the default ExampleClassifier; vectors are cached in models/.cache/eval-embeddings. msPerText is
 * timed afresh every run on 100 CLINC150 + 100 bitext texts.
 *
 * node-llama-cpp 3.21.1 sets no pooling type, and the SmolLM2 GGUF declares none, so llama.cpp pools nothing and
 * the addon returns the hidden state of the last token (no BOS/EOS added for this vocabulary): last-token pooling.
 *
 * Result (defaults, 4 runs; 2 cores shared with other jobs; ~4 min cold, ~40 s cached): MiniLM classifies far better.
 *                          CLINC150 K=10 (1,500 rows)   bitext intent K=5 (902 rows)   dims   ms/text
 *   all-minilm-l6-v2       89.9%                        88.0%                          384    6-18
 *   smollm2-135m-instruct  58.1%                        51.3%                          576    37-56
 * Paired on the same rows: CLINC150 507 right only with MiniLM vs 31 only with SmolLM2 (+31.7 points); bitext
 * 355 vs 24 (+36.7 points). Measured with the int8 VectorIndex then uncommitted in the tree; the committed float
 * index gave 89.9 / 58.3 on CLINC150 and the same bitext figures.
 * Pooling is not the gap: a copy of the SmolLM2 GGUF with llama.pooling_type = 1 (mean) set by gguf's
 * copy_with_new_metadata, put in MODELS here as a .gguf path, scored 60.5% / 54.8% (MiniLM still +29 / +33).
 */
import { getLlama, LlamaLogLevel } from "node-llama-cpp";
import { ExampleClassifier } from "@/models/learning/classifier";
import { Embedder } from "@/models/learning/embedder";
import { VectorIndex } from "@/models/learning/vector-index";
import { DEFAULT_CHAT_MODEL, DEFAULT_EMBEDDING_MODEL } from "@/models/catalog";
import { loadBitext, loadClinc, samplePerLabel, stratifiedSplit, type Row } from "./datasets";
import { cachedEmbeddings } from "./embedding-cache";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg("n", 1500);
const BITEXT_N = arg("bitext-n", 1000);
const SEED = arg("seed", 0);
const TIMED_PER_DATASET = 100;
const MODELS = [DEFAULT_EMBEDDING_MODEL, DEFAULT_CHAT_MODEL] as const;
const log = (line: string) => console.error(`[embedding-compare] ${line}`);

interface Task {
  name: string;
  train: Row[];
  test: Row[];
}

/** A seeded stratified subsample of about n rows (per label, the same fraction). */
function subsample(rows: Row[], n: number): Row[] {
  if (n >= rows.length) return rows;
  return stratifiedSplit(rows, (r) => r.label, n / rows.length, SEED).test.map((i) => rows[i]!);
}

function tasks(): Task[] {
  const clinc = loadClinc();
  const k10 = samplePerLabel(clinc.train, clinc.train.map((_, i) => i), (r) => r.label, 10, 0);
  const bitext = loadBitext().map((r) => ({ text: r.text, label: r.intent }));
  const split = stratifiedSplit(bitext, (r) => r.label, 0.2, 0);
  const k5 = samplePerLabel(bitext, split.train, (r) => r.label, 5, 0);
  return [
    { name: "clincK10", train: k10.map((i) => clinc.train[i]!), test: subsample(clinc.test, N) },
    { name: "bitextIntentK5", train: k5.map((i) => bitext[i]!), test: subsample(split.test.map((i) => bitext[i]!), BITEXT_N) },
  ];
}

/** Predicted label per test row. */
async function predict(task: Task, embedder: Embedder): Promise<string[]> {
  const get = async () => embedder;
  const train = await cachedEmbeddings(`compare-${task.name}-train`, task.train.map((r) => r.text), get, log);
  const test = await cachedEmbeddings(`compare-${task.name}-test-${task.test.length}-s${SEED}`, task.test.map((r) => r.text), get, log);
  const vec = (data: Float32Array, i: number) => data.subarray(i * train.dims, (i + 1) * train.dims);
  const index = new VectorIndex(train.dims, task.train.length);
  task.train.forEach((r, i) => index.add(String(i), r.label, vec(train.data, i)));
  const classifier = ExampleClassifier.fromIndex(index);
  return task.test.map((_, i) => classifier.classify(vec(test.data, i)).label);
}

const pct = (x: number) => Math.round(10000 * x) / 100;

async function main() {
  const started = performance.now();
  const all = tasks();
  const timed = all.flatMap((t) => t.test.slice(0, TIMED_PER_DATASET).map((r) => r.text));
  const predictions: Record<string, Record<string, string[]>> = {};
  const models: Record<string, unknown> = {};
  // llama.cpp warns on every text for a causal model ("embeddings required but some input tokens were not marked as
  // outputs -> overriding": it computes every position, the last one is still what comes back). Errors only.
  const llama = await getLlama({ logLevel: LlamaLogLevel.error });

  for (const model of MODELS) {
    const loadStart = performance.now();
    const embedder = await Embedder.create({ model, threads: 1, llama });
    const loadMs = Math.round(performance.now() - loadStart);
    const timeStart = performance.now();
    await embedder.embedMany(timed);
    const msPerText = Math.round((10 * (performance.now() - timeStart)) / timed.length) / 10;
    const figures: Record<string, unknown> = { dims: embedder.dimensions, msPerText, loadMs };
    predictions[model] = {};
    for (const task of all) {
      const predicted = await predict(task, embedder);
      predictions[model][task.name] = predicted;
      const correct = predicted.filter((p, i) => p === task.test[i]!.label).length;
      figures[task.name] = { trainExamples: task.train.length, testRows: task.test.length, accuracy: pct(correct / task.test.length) };
    }
    await embedder.dispose();
    models[model] = figures;
    log(`${model}: ${JSON.stringify(figures)}`);
  }

  // Paired on the same rows: how many each model gets right that the other misses.
  const [a, b] = MODELS;
  const paired: Record<string, unknown> = {};
  for (const task of all) {
    const right = (m: string, i: number) => predictions[m]![task.name]![i] === task.test[i]!.label;
    const idx = task.test.map((_, i) => i);
    const onlyA = idx.filter((i) => right(a, i) && !right(b, i)).length;
    const onlyB = idx.filter((i) => right(b, i) && !right(a, i)).length;
    paired[task.name] = {
      [`${a} minus ${b} (points)`]: pct((onlyA - onlyB) / task.test.length),
      [`right only with ${a}`]: onlyA,
      [`right only with ${b}`]: onlyB,
    };
  }

  const report = { n: N, bitextN: BITEXT_N, seed: SEED, threads: 1, models, paired, wallSeconds: Math.round((performance.now() - started) / 1000) };
  console.log(JSON.stringify(report, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
