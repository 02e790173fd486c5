/**
 * Maintainer tool, not run at start: derives the committed demo sample (server/seed/data/bitext-demo.json) from the
 * Bitext dataset in ../shared/data. Usage: npx tsx server/seed/derive-sample.ts [path/to/bitext-customer-support.csv]
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";

const src = process.argv[2] ?? "../shared/data/bitext/bitext-customer-support.csv";
const rows = parse(fs.readFileSync(src), { columns: true }) as Record<string, string>[];

// Deterministic shuffle (mulberry32, seed 7) so re-deriving gives the same sample.
let s = 7;
const rand = () => {
  s = (s + 0x6d2b79f5) | 0;
  let t = Math.imul(s ^ (s >>> 15), 1 | s);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const byIntent = new Map<string, Record<string, string>[]>();
for (const r of rows) byIntent.set(r.intent!, [...(byIntent.get(r.intent!) ?? []), r]);
const sample = [...byIntent.keys()].sort().flatMap((intent) =>
  byIntent
    .get(intent)!
    .map((r) => ({ r, k: rand() }))
    .sort((a, b) => a.k - b.k)
    .slice(0, 8)
    .map(({ r }) => ({ text: r.instruction, category: r.category, intent: r.intent, entityType: r.entity_type || null, entityValue: r.entity_value || null })),
);
const out = path.join(import.meta.dirname, "data", "bitext-demo.json");
fs.writeFileSync(out, JSON.stringify(sample, null, 1) + "\n");
console.log(`wrote ${sample.length} rows to ${out}`);
