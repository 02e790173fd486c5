import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { datasetExamples, datasetSnapshots } from "@/db/schema";
import { AppError } from "@/server/errors";

export type ExportFormat = "jsonl" | "csv";

/**
 * A snapshot as chat-format JSONL (`{"messages": [...]}` per line: what TRL, Unsloth, axolotl and OpenAI fine-tuning
 * read; our extra fields ride along under `metadata`) or as CSV (one row per example, the turns as columns).
 */
export async function exportSnapshot(db: Db, opts: { snapshotId: string; format: ExportFormat; split?: "train" | "heldout" }): Promise<string> {
  const snapshot = await db.query.datasetSnapshots.findFirst({ where: eq(datasetSnapshots.id, opts.snapshotId) });
  if (!snapshot) throw new AppError("NOT_FOUND", "No such dataset snapshot.");
  const rows = await db
    .select()
    .from(datasetExamples)
    .where(and(eq(datasetExamples.snapshotId, snapshot.id), ...(opts.split ? [eq(datasetExamples.split, opts.split)] : [])))
    .orderBy(asc(datasetExamples.sourceAt), asc(datasetExamples.id));
  if (opts.format === "jsonl") {
    return rows
      .map((r) =>
        JSON.stringify({
          messages: r.messages,
          metadata: { snapshot: snapshot.sha256, split: r.split, kind: r.kind, label: r.label, aiValue: r.aiValue, modelVersion: r.modelVersion, distilled: r.distilled, sourceAt: r.sourceAt },
        }),
      )
      .map((l) => `${l}\n`)
      .join("");
  }
  const header = ["split", "kind", "label", "system", "user", "assistant", "ai_value", "final_value", "model_version", "distilled", "source_at"];
  const turn = (r: (typeof rows)[number], role: string) => r.messages.filter((m) => m.role === role).map((m) => m.content).join("\n\n");
  const lines = rows.map((r) =>
    [r.split, r.kind, r.label, turn(r, "system"), turn(r, "user"), turn(r, "assistant"), r.aiValue ?? "", r.finalValue, r.modelVersion ?? "", String(r.distilled), r.sourceAt.toISOString()]
      .map(csvField)
      .join(","),
  );
  return [header.join(","), ...lines].map((l) => `${l}\r\n`).join("");
}

/** RFC 4180: quoted when needed, quotes doubled. A leading =,+,-,@ is defused so a spreadsheet does not run it. */
function csvField(value: string) {
  const v = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
