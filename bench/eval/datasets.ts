/**
 * Loaders and fixed splits for the shared evaluation data (../shared/data, see its README for licenses).
 * Splits are seeded so every run and every model compares on the same rows.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { samplePerLabel, seededRandom, shuffled, stratifiedSplit } from "@/models/learning/sampling";

export { samplePerLabel, seededRandom, shuffled, stratifiedSplit };

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
