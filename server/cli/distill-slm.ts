/**
 * `npm run distill:slm -- [--limit 50] [--max-tokens 200]`
 * The teacher model (SLM_TEACHER_MODEL) drafts replies for tickets no agent has answered yet; the drafts that pass
 * the checks become distilled training examples in the next snapshot (server/learning/distill-drafts.ts).
 */
import { parseArgs } from "node:util";
import { closeDb, getDb } from "@/db/client";
import { connectDatabase } from "@/db/connect";
import { migrateDatabase } from "@/db/migrate";
import { resolveModel } from "@/models/catalog";
import { ensureModelFile } from "@/models/fetch";
import { SlmEngine } from "@/models/runtime/engine";
import { env } from "@/config/env";
import { distillDrafts } from "@/server/learning/distill-drafts";

const { values } = parseArgs({ options: { limit: { type: "string", default: "50" }, "max-tokens": { type: "string", default: "200" } } });
const log = (line: string) => console.error(line);
if (!env.SLM_TEACHER_MODEL) {
  log("[distill] SLM_TEACHER_MODEL is not set: no teacher model to learn from.");
  process.exit(2);
}
const teacherModel = resolveModel(env.SLM_TEACHER_MODEL, "chat").id;
const { url, embedded } = await connectDatabase({ log });
if (embedded?.owned) await migrateDatabase(url);
let exitCode = 0;
const teacher = await SlmEngine.load({
  modelPath: await ensureModelFile(env.SLM_TEACHER_MODEL, { role: "chat", log }),
  modelId: teacherModel,
  threads: env.SLM_THREADS,
  sequences: 1,
  contextSize: env.SLM_CONTEXT_SIZE,
  gpu: env.SLM_GPU,
  log,
});
try {
  console.log(JSON.stringify(await distillDrafts(getDb(), { teacher, teacherModel, limit: Number(values.limit), maxTokens: Number(values["max-tokens"]), log })));
} catch (err) {
  exitCode = 1;
  log(`[distill] failed: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  await teacher.dispose();
  await closeDb();
  await embedded?.stop();
}
process.exit(exitCode);
