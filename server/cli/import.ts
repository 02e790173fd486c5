/**
 * `npm run import -- --file F [--text-col text] [--label-col <field>] [--field category] [--create-labels]`
 * Imports labeled history as verified examples (see server/learning/import-history.ts). Prints one JSON report;
 * exits 1 when nothing was imported. Running workers pick the examples up through NOTIFY, without a restart.
 * `--job <id>` reports progress to an import_jobs row (the admin page starts the CLI that way).
 */
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { closeDb, getDb } from "@/db/client";
import { connectDatabase } from "@/db/connect";
import { migrateDatabase } from "@/db/migrate";
import { importJobs } from "@/db/schema";
import { getSharedLlama, disposeSharedLlama } from "@/models/runtime/llama";
import { env } from "@/config/env";
import { createActiveEmbedder } from "@/server/learning/active-embedder";
import { importHistory, ImportRefused } from "@/server/learning/import-history";
import { ReadError } from "@/server/learning/read-rows";
import type { Embedder } from "@/models/learning/embedder";

const { values } = parseArgs({
  options: {
    file: { type: "string" },
    field: { type: "string", default: "category" },
    "text-col": { type: "string", default: "text" },
    "label-col": { type: "string" },
    "create-labels": { type: "boolean", default: false },
    job: { type: "string" },
  },
});

const log = (line: string) => console.error(`[import] ${line}`);

if (!values.file) {
  console.error("Usage: npm run import -- --file F [--text-col C] [--label-col C] [--field category|priority|team] [--create-labels]");
  process.exit(2);
}

const { url, embedded } = await connectDatabase({ log });
// A Postgres this command had to start itself may be brand new: give it the schema first.
if (embedded?.owned) await migrateDatabase(url);
const db = getDb();
let exitCode = 0;
let embedder: Embedder | undefined;
try {
  const llama = await getSharedLlama({ gpu: env.SLM_GPU, log });
  ({ embedder } = await createActiveEmbedder(db, { threads: env.SLM_THREADS, llama, log }));
  log(`embedding with ${embedder.modelId} on ${env.SLM_THREADS} contexts`);
  const jobId = values.job;
  const report = await importHistory(db, embedder, {
    file: values.file,
    field: values.field!,
    textCol: values["text-col"],
    labelCol: values["label-col"],
    createLabels: values["create-labels"],
    jobId,
    userId: jobId ? ((await db.select({ u: importJobs.userId }).from(importJobs).where(eq(importJobs.id, jobId)))[0]?.u ?? null) : null,
    log,
  });
  console.log(JSON.stringify(report, null, 2));
  for (const p of report.bad) log(`skipped line ${p.line}: ${p.reason}`);
} catch (err) {
  exitCode = 1;
  if (err instanceof ImportRefused || err instanceof ReadError) {
    console.error(`[import] refused, nothing was written: ${err.message}`);
    if (err instanceof ImportRefused) for (const p of err.bad) console.error(`[import] line ${p.line}: ${p.reason}`);
  } else {
    console.error(`[import] failed, nothing was written:`, err);
  }
} finally {
  await embedder?.dispose();
  await disposeSharedLlama();
  await closeDb();
  await embedded?.stop();
}
process.exit(exitCode);
