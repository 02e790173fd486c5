/**
 * The learner at scale: N examples of one field in a throwaway database, recorded through recordCorrections, then
 * loaded by a Learner the way a worker starts. Prints one JSON object: load and retrain time, memory (current and
 * peak RSS, from /proc), how long a new correction takes to reach the learner, and classification time.
 *
 * `DATABASE_URL=postgres://…/postgres npx tsx --expose-gc bench/learner-memory.ts [examples] [labels]`
 * (DATABASE_URL names the server; the benchmark creates and drops its own database there.) For a clean memory
 * figure, populate in one process and measure in a fresh one: `… 100000 20 --keep` prints the database name,
 * `… 100000 20 --reuse <name>` loads it (and drops it afterwards).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { closeDb, createDb, setDatabaseUrl, getDb } from "@/db/client";
import { ensureDatabaseExists, withDatabase } from "@/db/connect";
import { migrateDatabase } from "@/db/migrate";
import { seededRandom } from "@/bench/eval/datasets";
import { env } from "@/config/env";
import { Embedder } from "@/models/learning/embedder";
import { Learner } from "@/server/learning/learner";
import { percentile } from "@/server/learning/metrics";
import { recordCorrection, recordCorrections } from "@/server/learning/record-correction";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { keep: { type: "boolean" }, reuse: { type: "string" } } });
const n = Number(positionals[0] ?? 100_000);
const labelCount = Number(positionals[1] ?? 20);
if (!env.DATABASE_URL) throw new Error("Set DATABASE_URL to a Postgres server the benchmark may create a database on.");
const name = values.reuse ?? `deskling_bench_${Date.now()}`;
const url = withDatabase(env.DATABASE_URL, name);
if (!values.reuse) {
  await ensureDatabaseExists(env.DATABASE_URL, name);
  await migrateDatabase(url);
}
setDatabaseUrl(url);
const db = getDb();

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
const procStatus = (key: "VmRSS" | "VmHWM") => Number(/\d+/.exec(readFileSync("/proc/self/status", "utf8").split("\n").find((l) => l.startsWith(key))!)![0]) * 1024;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

try {
  const embedder = await Embedder.create({ model: env.EMBED_MODEL, threads: 1 });
  const dims = embedder.dimensions;
  const random = seededRandom(7);
  // Clustered random vectors: each label a direction plus noise, so the classifier has something to learn.
  const centers = Array.from({ length: labelCount }, () => Float32Array.from({ length: dims }, () => random() * 2 - 1));
  let t = Date.now();
  const BATCH = 10_000;
  for (let start = 0; start < (values.reuse ? 0 : n); start += BATCH) {
    const items = Array.from({ length: Math.min(BATCH, n - start) }, (_, j) => {
      const i = start + j;
      const label = `label_${i % labelCount}`;
      const c = centers[i % labelCount]!;
      return {
        label: { field: "category", text: `synthetic ticket ${i}`, finalValue: label, source: "import" as const },
        embedding: { model: embedder.modelId, vector: Float32Array.from(c, (x) => x + (random() * 2 - 1) * 1.5) },
      };
    });
    await recordCorrections(db, items, { labelsChecked: true });
  }
  const recordMs = Date.now() - t;
  if (values.keep) {
    console.log(JSON.stringify({ database: name, examples: n, recordCorrectionsMs: recordMs }));
    await embedder.dispose();
    await closeDb();
    process.exit(0);
  }

  gc();
  // Resets the peak-RSS counter (Linux): what follows measures the learner, not the data generation above.
  writeFileSync("/proc/self/clear_refs", "5");
  const before = { rss: procStatus("VmRSS"), peak: procStatus("VmHWM") };
  t = Date.now();
  const learner = await Learner.start({ db, embedder, log: (l) => console.error(l) });
  const loadMs = Date.now() - t;
  // The first fit (from zero weights) runs in the background after the load; wait for it, so that retrainMs below
  // is the retrain a correction triggers (warm-started from the serving model).
  t = Date.now();
  await learner.flushRetrain();
  const firstFitMs = Date.now() - t;
  gc();
  const after = process.memoryUsage();
  const rssAfterLoad = procStatus("VmRSS");
  const peakAfterLoad = procStatus("VmHWM");

  // A correction committed by another connection, until this worker's index has it.
  const reach: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = await recordCorrection(db, { field: "category", text: `a new correction ${i}`, finalValue: "label_0", source: "agent" }, {
      embedding: { model: embedder.modelId, vector: centers[0]! },
      labelsChecked: true,
    });
    while (!learner.has("category", r.exampleId!)) await new Promise((res) => setTimeout(res, 2));
    reach.push(performance.now() - t0);
  }
  // The retrain runs on a worker thread: the event loop (LISTEN, heartbeats, token streams) must stay responsive.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  t = Date.now();
  await learner.flushRetrain();
  const retrainMs = Date.now() - t;
  loopDelay.disable();
  const peakAfterRetrain = procStatus("VmHWM");

  const times: number[] = [];
  for (let i = 0; i < 50; i++) {
    const q = Float32Array.from(centers[i % labelCount]!, (x) => x + (random() * 2 - 1) * 1.5);
    const t0 = performance.now();
    learner.classifyVector("category", q);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  await learner.stop();
  await embedder.dispose();
  console.log(
    JSON.stringify({
      examples: n,
      labels: labelCount,
      dims,
      recordCorrectionsMs: values.reuse ? undefined : recordMs,
      learnerLoadAndTrainMs: loadMs,
      firstFitMs,
      retrainMs,
      eventLoopDelayDuringRetrainMs: { p99: Math.round(loopDelay.percentile(99) / 1e6), max: Math.round(loopDelay.max / 1e6) },
      correctionToLearnerMs: { p50: percentile([...reach].sort((a, b) => a - b), 0.5), max: Math.round(Math.max(...reach)) },
      classifyVectorMs: { p50: percentile(times, 0.5), p95: percentile(times, 0.95) },
      memoryMB: {
        rssBeforeLearner: mb(before.rss),
        rssAfterLoad: mb(rssAfterLoad),
        learnerRssDelta: mb(rssAfterLoad - before.rss),
        peakRssDuringLoad: mb(peakAfterLoad),
        peakRssThroughRetrain: mb(peakAfterRetrain),
        learnerPeakDelta: mb(peakAfterRetrain - before.rss),
        peakRssBeforeLearner: mb(before.peak),
        arrayBuffersAfterLoad: mb(after.arrayBuffers),
        heapUsedAfterLoad: mb(after.heapUsed),
      },
    }),
  );
} finally {
  await closeDb();
  const admin = createDb(env.DATABASE_URL, { max: 1 });
  await admin.$sql.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.$sql.end();
}
