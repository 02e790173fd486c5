/**
 * `npm run eval -- --train F --test F [--per-label K --seed S] [--text-col C --label-col C] [--oos-label L] [--field F]`
 * Replays the training rows as verified labels into the database (an isolated "eval:<run id>" scope, deleted after
 * the run), classifies the test rows through the production path and prints the metrics as JSON. The run and its
 * metrics are kept in eval_runs (the admin learning page lists them). Files: CSV, JSONL, or JSON with an optional
 * `#key,key` selector, e.g. `--test data_full.json#test,oos_test --oos-label oos` for CLINC150. `--test-fraction 0.2`
 * instead of --test splits the training file (stratified, seeded), as the bitext baselines did.
 */
import { parseArgs } from "node:util";
import { closeDb, getDb } from "@/db/client";
import { connectDatabase } from "@/db/connect";
import { migrateDatabase } from "@/db/migrate";
import { disposeSharedLlama, getSharedLlama } from "@/models/runtime/llama";
import { env } from "@/server/env";
import { runEval } from "@/server/feedback/run-eval";
import { Embedder } from "@/server/learning/embedder";

const { values } = parseArgs({
  options: {
    train: { type: "string" },
    test: { type: "string" },
    "test-fraction": { type: "string" },
    "per-label": { type: "string" },
    seed: { type: "string", default: "0" },
    "text-col": { type: "string" },
    "label-col": { type: "string" },
    "oos-label": { type: "string" },
    field: { type: "string" },
  },
});

const log = (line: string) => console.error(`[eval] ${line}`);

if (!values.train || !(values.test || values["test-fraction"])) {
  console.error(
    "Usage: npm run eval -- --train F (--test F | --test-fraction 0.2) [--per-label K --seed S] [--text-col C --label-col C] [--oos-label L]",
  );
  process.exit(2);
}

const { url, embedded } = await connectDatabase({ log });
if (embedded?.owned) await migrateDatabase(url);
let exitCode = 0;
let embedder: Embedder | undefined;
try {
  const llama = await getSharedLlama({ gpu: env.SLM_GPU, log });
  embedder = await Embedder.create({ model: env.EMBED_MODEL, threads: env.SLM_THREADS, llama });
  log(`embedding with ${embedder.modelId} on ${env.SLM_THREADS} contexts`);
  const result = await runEval(
    getDb(),
    embedder,
    {
      train: values.train,
      test: values.test,
      testFraction: values["test-fraction"] === undefined ? undefined : Number(values["test-fraction"]),
      perLabel: values["per-label"] === undefined ? undefined : Number(values["per-label"]),
      seed: Number(values.seed),
      textCol: values["text-col"],
      labelCol: values["label-col"],
      oosLabel: values["oos-label"],
      field: values.field,
    },
    { log },
  );
  console.log(JSON.stringify({ runId: result.runId, ...result.metrics }, null, 2));
} catch (err) {
  exitCode = 1;
  console.error("[eval] failed:", err);
} finally {
  await embedder?.dispose();
  await disposeSharedLlama();
  await closeDb();
  await embedded?.stop();
}
process.exit(exitCode);
