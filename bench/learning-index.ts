/**
 * Vector index at help-desk scale and beyond: build, top-k search (p50/p95), remove, memory, and how often the
 * int8 rows change the answer against float32 search over the same vectors.
 * `npx tsx bench/learning-index.ts [rows] [dims]` prints one JSON object.
 */
import { seededRandom } from "@/bench/eval/datasets";
import { percentile } from "@/server/learning/metrics";
import { VectorIndex } from "@/models/learning/vector-index";

const rows = Number(process.argv[2] ?? 100_000);
const dims = Number(process.argv[3] ?? 384);
const random = seededRandom(1);
// Clustered like real embeddings (labels are directions plus noise), so neighbours are close and ties are hard.
const centers = Array.from({ length: 150 }, () => Float32Array.from({ length: dims }, () => random() * 2 - 1));
const vector = (i: number) => Float32Array.from(centers[i % centers.length]!, (x) => x + (random() * 2 - 1) * 1.5);
const normalized = (v: Float32Array) => {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};

const memBefore = process.memoryUsage();
let t = performance.now();
const index = new VectorIndex(dims);
const exact = new Float32Array(rows * dims);
for (let i = 0; i < rows; i++) {
  const v = vector(i);
  index.add(`ex-${i}`, `label-${i % 150}`, v);
  exact.set(normalized(v), i * dims);
}
const buildMs = performance.now() - t;
const memAfter = process.memoryUsage();

const queries = Array.from({ length: 50 }, (_, i) => vector(i * 7));
index.search(queries[0]!, 10); // warm the JIT before timing
const times: number[] = [];
let sameTop1 = 0;
let overlap10 = 0;
let maxScoreError = 0;
for (const q of queries) {
  const t0 = performance.now();
  const hits = index.search(q, 10);
  times.push(performance.now() - t0);
  const nq = normalized(q);
  const scores = Array.from({ length: rows }, (_, r) => {
    let s = 0;
    for (let d = 0; d < dims; d++) s += exact[r * dims + d]! * nq[d]!;
    return s;
  });
  const top = scores.map((s, r) => [s, r] as const).sort((a, b) => b[0] - a[0]).slice(0, 10);
  if (hits[0]!.id === `ex-${top[0]![1]}`) sameTop1++;
  const ids = new Set(top.map(([, r]) => `ex-${r}`));
  overlap10 += hits.filter((h) => ids.has(h.id)).length / 10;
  for (const h of hits) maxScoreError = Math.max(maxScoreError, Math.abs(h.score - scores[Number(h.id.slice(3))]!));
}
times.sort((a, b) => a - b);

t = performance.now();
for (let i = 0; i < 1000; i++) index.remove(`ex-${i * 7}`);
const removeUs = ((performance.now() - t) / 1000) * 1000;

console.log(
  JSON.stringify({
    rows,
    dims,
    buildMs: Math.round(buildMs),
    searchTop10Ms: { p50: Number(percentile(times, 0.5).toFixed(2)), p95: Number(percentile(times, 0.95).toFixed(2)) },
    versusFloat32: { sameTop1: sameTop1 / queries.length, top10Overlap: overlap10 / queries.length, maxScoreError: Number(maxScoreError.toFixed(5)) },
    removeUs: Number(removeUs.toFixed(1)),
    vectorBytes: index.vectorBytes,
    // Includes the float32 copy kept above for the comparison (rows x dims x 4 bytes).
    arrayBuffersDeltaMB: Number(((memAfter.arrayBuffers - memBefore.arrayBuffers) / 2 ** 20).toFixed(1)),
  }),
);
