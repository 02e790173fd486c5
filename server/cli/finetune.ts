/**
 * `npm run finetune -- [--field category] [--epochs 1] [--pairs 4] [--seed 0] [--no-hard-negatives]
 *   [--holdout 0.2] [--min-gain 0.005] [--dry-run] [--run <encoder_runs id>]`
 * Fine-tunes the embedding model on the live verified examples of a field and promotes it only when it classifies
 * the held-out examples better (server/learning/finetune-encoder.ts). Running workers switch to a promoted encoder
 * without a restart. The first run builds a Python environment with torch (CPU build) under models/.cache.
 */
import { parseArgs } from "node:util";
import { closeDb, getDb } from "@/db/client";
import { connectDatabase } from "@/db/connect";
import { migrateDatabase } from "@/db/migrate";
import { disposeSharedLlama, getSharedLlama } from "@/models/runtime/llama";
import { env } from "@/config/env";
import { finetuneEncoder } from "@/server/learning/finetune-encoder";

const { values } = parseArgs({
  options: {
    field: { type: "string", default: "category" },
    epochs: { type: "string", default: "1" },
    pairs: { type: "string", default: "4" },
    seed: { type: "string", default: "0" },
    "no-hard-negatives": { type: "boolean", default: false },
    holdout: { type: "string", default: "0.2" },
    "min-gain": { type: "string", default: "0.005" },
    "dry-run": { type: "boolean", default: false },
    // An encoder_runs row the admin page created; this process fills it in.
    run: { type: "string" },
  },
});

const log = (line: string) => console.error(line.startsWith("[") ? line : `[finetune] ${line}`);
const num = (name: keyof typeof values) => {
  const n = Number(values[name]);
  if (!Number.isFinite(n)) {
    console.error(`[finetune] --${name} must be a number`);
    process.exit(2);
  }
  return n;
};

const { url, embedded } = await connectDatabase({ log });
if (embedded?.owned) await migrateDatabase(url);
let exitCode = 0;
try {
  const run = await finetuneEncoder({
    db: getDb(),
    field: values.field,
    epochs: num("epochs"),
    pairs: num("pairs"),
    seed: num("seed"),
    hardNegatives: !values["no-hard-negatives"],
    holdout: num("holdout"),
    minGain: num("min-gain"),
    promote: !values["dry-run"],
    runId: values.run,
    llama: await getSharedLlama({ gpu: env.SLM_GPU, log }),
    log,
  });
  console.log(JSON.stringify({ runId: run.id, status: run.status, modelId: run.modelId, ...run.metrics }, null, 2));
} catch (err) {
  exitCode = 1;
  console.error(`[finetune] failed: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  await disposeSharedLlama();
  await closeDb();
  await embedded?.stop();
}
process.exit(exitCode);
