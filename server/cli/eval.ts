/**
 * `npm run eval -- --train F --test F [--per-label K --seed S] [--text-col C --label-col C] [--oos-label L] [--field F]
 *   [--triage-rows N]` (N > 0 also times the full triage, classifier hints + SLM, on the first N test rows)
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
import { resolveModel } from "@/models/catalog";
import { ensureModelFile } from "@/models/fetch";
import { SlmEngine } from "@/models/runtime/engine";
import { disposeSharedLlama, getSharedLlama } from "@/models/runtime/llama";
import { triageTicket } from "@/models/tasks/triage";
import { env } from "@/config/env";
import { createActiveEmbedder } from "@/server/learning/active-embedder";
import { runEval } from "@/server/learning/run-eval";
import type { Embedder } from "@/models/learning/embedder";

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
    // Also time the full triage (classifier hints + the SLM) on the first N test rows.
    "triage-rows": { type: "string" },
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
let engine: SlmEngine | undefined;
try {
  const llama = await getSharedLlama({ gpu: env.SLM_GPU, log });
  ({ embedder } = await createActiveEmbedder(getDb(), { threads: env.SLM_THREADS, llama, log }));
  log(`embedding with ${embedder.modelId} on ${env.SLM_THREADS} contexts`);
  const triageRows = Number(values["triage-rows"] ?? 0);
  if (triageRows > 0) {
    engine = await SlmEngine.load({
      modelPath: await ensureModelFile(env.SLM_MODEL, { role: "chat", log }),
      modelId: resolveModel(env.SLM_MODEL, "chat").id,
      threads: env.SLM_THREADS,
      sequences: 1,
      contextSize: env.SLM_CONTEXT_SIZE,
      gpu: env.SLM_GPU,
      log,
    });
  }
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
    {
      log,
      triageRows,
      // The evaluation's labels stand in for the taxonomy: the SLM chooses among them, as it would among categories.
      triage: engine
        ? (t) =>
            triageTicket(
              engine!,
              { subject: "", text: t.text, categories: t.labels.map((key) => ({ key, label: key, description: "" })), candidates: t.candidates, examples: t.examples },
              { timeoutMs: env.SLM_TIMEOUT_MS },
            )
        : undefined,
    },
  );
  console.log(JSON.stringify({ runId: result.runId, ...result.metrics }, null, 2));
} catch (err) {
  exitCode = 1;
  console.error("[eval] failed:", err);
} finally {
  await engine?.dispose();
  await embedder?.dispose();
  await disposeSharedLlama();
  await closeDb();
  await embedded?.stop();
}
process.exit(exitCode);
