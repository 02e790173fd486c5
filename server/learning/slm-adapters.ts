/**
 * Which LoRA adapter the chat model runs with: SLM_LORA when the operator pins one, else the newest promoted
 * fine-tune of SLM_MODEL (slm_runs, written by finetune-slm.ts), else none. A promotion or a rollback is announced
 * on SLM_CHANNEL and every worker swaps its engine between jobs (models/runtime/engine-slot.ts), no restart.
 */
import { existsSync } from "node:fs";
import { and, desc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { slmRuns } from "@/db/schema";
import { resolveModel } from "@/models/catalog";
import { env } from "@/config/env";

export const SLM_CHANNEL = "deskling_slm";

export interface ActiveAdapter {
  /** Adapter files (.gguf) to apply; empty for the bare base model. */
  lora: string[];
  runId: string | null;
  sha256: string | null;
}

export async function activeSlmAdapter(db: DbOrTx, opts: { log?: (line: string) => void } = {}): Promise<ActiveAdapter> {
  const pinned = env.SLM_LORA?.split(",").map((p) => p.trim()).filter(Boolean);
  if (pinned?.length) return { lora: pinned, runId: null, sha256: null };
  const [run] = await db
    .select({ id: slmRuns.id, path: slmRuns.adapterPath, sha256: slmRuns.adapterSha256 })
    .from(slmRuns)
    .where(and(eq(slmRuns.baseModel, resolveModel(env.SLM_MODEL, "chat").id), eq(slmRuns.status, "promoted")))
    .orderBy(desc(slmRuns.finishedAt))
    .limit(1);
  if (!run?.path) return { lora: [], runId: null, sha256: null };
  if (!existsSync(run.path)) {
    // Triage keeps working on the base model; the log says why, and a rollback or a new run fixes it.
    opts.log?.(`[slm] promoted adapter of run ${run.id} is missing its file ${run.path}; running the base model`);
    return { lora: [], runId: null, sha256: null };
  }
  return { lora: [run.path], runId: run.id, sha256: run.sha256 };
}
