/**
 * Reads labeled history: CSV (header row), JSONL (one object per line), or JSON (an array of objects or of
 * [text, label] pairs; `file.json#train,oos_train` picks arrays out of an object, as in CLINC150's data_full.json).
 * Every row keeps the line it came from, so a bad row can be reported where the operator will look for it.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";

export interface LabeledRow {
  line: number;
  text: string;
  label: string;
}

export interface RowProblem {
  line?: number;
  reason: string;
}

export interface ReadResult {
  rows: LabeledRow[];
  problems: RowProblem[];
  /** Data rows seen, good and bad. */
  total: number;
}

export const MAX_TEXT_CHARS = 20_000;
const MAX_LABEL_CHARS = 100;

export class ReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReadError";
  }
}

export async function readLabeledFile(spec: string, cols: { text: string; label: string }): Promise<ReadResult> {
  const [file, selector] = splitSelector(spec);
  let content: string;
  try {
    content = await readFile(file, "utf8");
  } catch (err) {
    throw new ReadError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  return parseLabeled(content, formatOf(file), cols, selector);
}

function splitSelector(spec: string): [string, string[] | undefined] {
  const hash = spec.lastIndexOf("#");
  if (hash > 0 && !spec.slice(hash).includes("/")) return [spec.slice(0, hash), spec.slice(hash + 1).split(",").filter(Boolean)];
  return [spec, undefined];
}

export type FileFormat = "csv" | "jsonl" | "json";

export function formatOf(file: string): FileFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".csv" || ext === ".tsv") return "csv";
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  if (ext === ".json") return "json";
  throw new ReadError(`Unsupported file type "${ext || file}": use .csv, .jsonl or .json.`);
}

export function parseLabeled(content: string, format: FileFormat, cols: { text: string; label: string }, selector?: string[]): ReadResult {
  const out: ReadResult = { rows: [], problems: [], total: 0 };
  const take = (line: number, record: unknown) => {
    out.total++;
    let text: unknown;
    let label: unknown;
    if (Array.isArray(record)) [text, label] = record;
    else if (record && typeof record === "object") {
      const r = record as Record<string, unknown>;
      if (!(cols.text in r)) return out.problems.push({ line, reason: `no "${cols.text}" column` });
      if (!(cols.label in r)) return out.problems.push({ line, reason: `no "${cols.label}" column` });
      text = r[cols.text];
      label = r[cols.label];
    } else return out.problems.push({ line, reason: "not an object" });
    // Postgres text cannot hold NUL, and it carries no meaning in a ticket: drop it rather than fail the whole import.
    if (typeof text === "string") text = text.replace(/\u0000/g, "");
    if (typeof text !== "string" || text.trim() === "") return out.problems.push({ line, reason: "empty text" });
    if (typeof label !== "string" && typeof label !== "number") return out.problems.push({ line, reason: "empty label" });
    const l = String(label).trim();
    if (l === "") return out.problems.push({ line, reason: "empty label" });
    if (l.length > MAX_LABEL_CHARS) return out.problems.push({ line, reason: `label longer than ${MAX_LABEL_CHARS} characters` });
    if (text.length > MAX_TEXT_CHARS) return out.problems.push({ line, reason: `text longer than ${MAX_TEXT_CHARS} characters` });
    out.rows.push({ line, text: text.trim(), label: l });
  };

  if (format === "csv") {
    let records: { record: Record<string, string>; info: { lines: number } }[];
    try {
      records = parse(content, {
        columns: true,
        bom: true,
        info: true,
        skip_empty_lines: true,
        relax_column_count: true,
        delimiter: content.slice(0, content.indexOf("\n")).includes("\t") ? "\t" : ",",
      });
    } catch (err) {
      const e = err as Error & { lines?: number };
      throw new ReadError(`CSV is malformed${e.lines ? ` at line ${e.lines}` : ""}: ${e.message}`);
    }
    const header = records[0] ? Object.keys(records[0].record) : [];
    for (const col of [cols.text, cols.label]) {
      if (records.length && !header.includes(col)) throw new ReadError(`No column "${col}"; the header has: ${header.join(", ")}`);
    }
    // info.lines is the line a record ends on: a quoted multi-line text is reported where it ends.
    for (const { record, info } of records) take(info.lines, record);
  } else if (format === "jsonl") {
    content.split(/\r?\n/).forEach((raw, i) => {
      if (raw.trim() === "") return;
      let record: unknown;
      try {
        record = JSON.parse(raw);
      } catch {
        out.total++;
        out.problems.push({ line: i + 1, reason: "invalid JSON" });
        return;
      }
      take(i + 1, record);
    });
  } else {
    let data: unknown;
    try {
      data = JSON.parse(content);
    } catch (err) {
      throw new ReadError(`Invalid JSON: ${(err as Error).message}`);
    }
    let items: unknown[];
    if (selector) {
      if (!data || typeof data !== "object" || Array.isArray(data)) throw new ReadError("A #key selector needs a JSON object of arrays.");
      items = selector.flatMap((k) => {
        const v = (data as Record<string, unknown>)[k];
        if (!Array.isArray(v)) throw new ReadError(`No array "${k}" in the file; it has: ${Object.keys(data as object).join(", ")}`);
        return v;
      });
    } else if (Array.isArray(data)) items = data;
    else throw new ReadError("Expected a JSON array of rows (or name arrays with file.json#key).");
    // A JSON document has no useful line numbers per row: report the row's position (1-based) instead.
    items.forEach((item, i) => take(i + 1, item));
  }
  return out;
}
