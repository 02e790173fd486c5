/**
 * `npm run finetune:slm -- [--snapshot <id>] [--epochs 1] [--max-steps N] [--lr 5e-4] [--rank 16] [--seed 0]
 *   [--min-gain 1] [--speed-tolerance 0.1] [--max-heldout 40] [--dry-run] [--run <slm_runs id>] [--rollback]`
 * LoRA fine-tune of the chat model on a training snapshot (a new one of the verified data unless --snapshot),
 * promoted only when its drafts beat the model in use on the held-out replies and no guard regresses
 * (server/learning/finetune-slm.ts). Running workers switch to a promoted adapter between jobs, no restart.
 * `--rollback` puts back the adapter the last promotion replaced (or the bare base model).
 */
import { parseArgs } from "node:util";
import { closeDb, getDb } from "@/db/client";
import { connectDatabase } from "@/db/connect";
import { migrateDatabase } from "@/db/migrate";
import { finetuneSlm } from "@/server/learning/finetune-slm";
import { rollbackSlm } from "@/server/learning/rollback-slm";

const { values } = parseArgs({
  options: {
    snapshot: { type: "string" },
    epochs: { type: "string", default: "1" },
    "max-steps": { type: "string", default: "-1" },
    lr: { type: "string", default: "5e-4" },
    rank: { type: "string", default: "16" },
    seed: { type: "string", default: "0" },
    "min-gain": { type: "string", default: "1" },
    "speed-tolerance": { type: "string", default: "0.1" },
    "max-heldout": { type: "string", default: "40" },
    "dry-run": { type: "boolean", default: false },
    rollback: { type: "boolean", default: false },
    // An slm_runs row the admin page created; this process fills it in.
    run: { type: "string" },
  },
});
const log = (line: string) => console.error(line.startsWith("[") ? line : `[finetune-slm] ${line}`);
const num = (name: keyof typeof values) => {
  const n = Number(values[name]);
  if (!Number.isFinite(n)) {
    log(`--${name} must be a number`);
    process.exit(2);
  }
  return n;
};

const { url, embedded } = await connectDatabase({ log });
if (embedded?.owned) await migrateDatabase(url);
let exitCode = 0;
try {
  if (values.rollback) {
    console.log(JSON.stringify(await rollbackSlm(getDb())));
  } else {
    const run = await finetuneSlm({
      db: getDb(),
      snapshotId: values.snapshot,
      runId: values.run,
      epochs: num("epochs"),
      maxSteps: num("max-steps"),
      lr: num("lr"),
      rank: num("rank"),
      seed: num("seed"),
      minGain: num("min-gain"),
      speedTolerance: num("speed-tolerance"),
      maxHeldout: num("max-heldout"),
      promote: !values["dry-run"],
      log,
    });
    console.log(JSON.stringify({ runId: run.id, status: run.status, adapterSha256: run.adapterSha256, ...run.metrics }, null, 2));
  }
} catch (err) {
  exitCode = 1;
  log(`failed: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  await closeDb();
  await embedded?.stop();
}
process.exit(exitCode);
