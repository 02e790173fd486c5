/**
 * Vector index at help-desk scale and beyond: build, exact top-k search, remove, memory.
 * `npx tsx server/learning/bench-index.ts [rows] [dims]` prints one JSON object.
 */
import { seededRandom } from "../../models/eval/datasets";
import { VectorIndex } from "./vector-index";

const rows = Number(process.argv[2] ?? 100_000);
const dims = Number(process.argv[3] ?? 384);
const random = seededRandom(1);
const vector = () => Float32Array.from({ length: dims }, () => random() * 2 - 1);

const heapBefore = process.memoryUsage();
let t = performance.now();
const index = new VectorIndex(dims);
for (let i = 0; i < rows; i++) index.add(`ex-${i}`, `label-${i % 150}`, vector());
const buildMs = performance.now() - t;
const heapAfter = process.memoryUsage();

const queries = Array.from({ length: 50 }, vector);
index.search(queries[0]!, 10); // warm the JIT before timing
t = performance.now();
for (const q of queries) index.search(q, 10);
const searchMs = (performance.now() - t) / queries.length;

t = performance.now();
for (let i = 0; i < 1000; i++) index.remove(`ex-${i * 7}`);
const removeUs = ((performance.now() - t) / 1000) * 1000;

console.log(
  JSON.stringify({
    rows,
    dims,
    buildMs: Math.round(buildMs),
    searchTop10Ms: Number(searchMs.toFixed(2)),
    removeUs: Number(removeUs.toFixed(1)),
    vectorBytes: index.capacity * dims * 4,
    arrayBuffersDeltaMB: Number(((heapAfter.arrayBuffers - heapBefore.arrayBuffers) / 2 ** 20).toFixed(1)),
    rssDeltaMB: Number(((heapAfter.rss - heapBefore.rss) / 2 ** 20).toFixed(1)),
  }),
);
