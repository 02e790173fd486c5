/**
 * Loaders and fixed splits for the shared evaluation data (../shared/data, see its README for licenses).
 * Splits are seeded so every run and every model compares on the same rows.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { seededRandom } from "../../server/learning/random";

export { seededRandom };

export const SHARED_DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../shared/data");

export interface Row {
  text: string;
  label: string;
}

export interface Clinc {
  train: Row[];
  val: Row[];
  test: Row[];
  oosTrain: Row[];
  oosVal: Row[];
  oosTest: Row[];
}

export function loadClinc(dir = SHARED_DATA_DIR): Clinc {
  const raw = JSON.parse(readFileSync(path.join(dir, "clinc150/data_full.json"), "utf8")) as Record<
    string,
    [string, string][]
  >;
  const rows = (key: string) => (raw[key] ?? []).map(([text, label]) => ({ text, label }));
  return {
    train: rows("train"),
    val: rows("val"),
    test: rows("test"),
    oosTrain: rows("oos_train"),
    oosVal: rows("oos_val"),
    oosTest: rows("oos_test"),
  };
}

export interface BitextRow {
  text: string;
  intent: string;
  category: string;
}

export function loadBitext(dir = SHARED_DATA_DIR): BitextRow[] {
  const records = parse(readFileSync(path.join(dir, "bitext/bitext-customer-support.csv")), {
    columns: true,
    skip_empty_lines: true,
  }) as Record<string, string>[];
  return records.map((r) => ({ text: r.instruction ?? "", intent: r.intent ?? "", category: r.category ?? "" }));
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function groupIndices<T>(items: readonly T[], key: (item: T) => string): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(i);
    else groups.set(k, [i]);
  });
  return groups;
}

/** Stratified split: per label, a seeded shuffle, the first `testFraction` (rounded) to test. Returns indices. */
export function stratifiedSplit<T>(
  items: readonly T[],
  key: (item: T) => string,
  testFraction: number,
  seed: number,
): { train: number[]; test: number[] } {
  const random = seededRandom(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const indices of [...groupIndices(items, key).entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v)) {
    const order = shuffled(indices, random);
    const nTest = Math.round(order.length * testFraction);
    test.push(...order.slice(0, nTest));
    train.push(...order.slice(nTest));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/** K examples per label, seeded: the "an agent corrected K tickets per category" scenario. */
export function samplePerLabel<T>(items: readonly T[], indices: readonly number[], key: (item: T) => string, k: number, seed: number): number[] {
  const random = seededRandom(seed);
  const groups = groupIndices(indices.map((i) => items[i]!), key);
  const out: number[] = [];
  for (const [, local] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(...shuffled(local, random).slice(0, k).map((j) => indices[j]!));
  }
  return out.sort((a, b) => a - b);
}
