/**
 * `npm run dataset:export -- [--snapshot <id>] [--format jsonl|csv] [--split train|heldout] [--out file] [--seed 0] [--heldout 0.2]`
 * Takes a training snapshot of the verified data (server/training/build-snapshot.ts: redacted, deduplicated, split;
 * an identical one is reused) or reads the given one, and writes it as chat-format JSONL or CSV (stdout by default).
 * The snapshot's figures go to stderr.
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { closeDb, getDb } from "@/db/client";
import { connectDatabase } from "@/db/connect";
import { migrateDatabase } from "@/db/migrate";
import { buildSnapshot } from "@/server/training/build-snapshot";
import { exportSnapshot } from "@/server/training/export-snapshot";

const { values } = parseArgs({
  options: {
    snapshot: { type: "string" },
    format: { type: "string", default: "jsonl" },
    split: { type: "string" },
    out: { type: "string" },
    seed: { type: "string", default: "0" },
    heldout: { type: "string", default: "0.2" },
  },
});
const log = (line: string) => console.error(line);
if (values.format !== "jsonl" && values.format !== "csv") {
  log("[dataset] --format must be jsonl or csv");
  process.exit(2);
}
if (values.split && values.split !== "train" && values.split !== "heldout") {
  log("[dataset] --split must be train or heldout");
  process.exit(2);
}

const { url, embedded } = await connectDatabase({ log });
if (embedded?.owned) await migrateDatabase(url);
let exitCode = 0;
try {
  const db = getDb();
  const snapshotId = values.snapshot ?? (await buildSnapshot(db, { seed: Number(values.seed), heldoutShare: Number(values.heldout) })).id;
  const snapshot = await db.query.datasetSnapshots.findFirst({ where: (s, { eq }) => eq(s.id, snapshotId) });
  log(`[dataset] snapshot ${snapshotId}: ${JSON.stringify({ sha256: snapshot?.sha256, seed: snapshot?.seed, ...snapshot?.stats })}`);
  const text = await exportSnapshot(db, { snapshotId, format: values.format, split: values.split as "train" | "heldout" | undefined });
  if (values.out) await writeFile(values.out, text);
  else process.stdout.write(text);
} catch (err) {
  exitCode = 1;
  log(`[dataset] failed: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  await closeDb();
  await embedded?.stop();
}
process.exit(exitCode);
