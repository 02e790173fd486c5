/**
 * Which embedding model a process embeds with: the configured EMBED_MODEL, or the newest promoted fine-tune of it
 * (encoder_runs, written by finetune-encoder.ts). Every process that stores or compares vectors (worker, import,
 * eval) asks here, so their vectors always share one model id. A promotion is announced on ENCODER_CHANNEL and
 * workers swap their learner without a restart.
 */
import { existsSync } from "node:fs";
import { and, desc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { encoderRuns, LIVE_SCOPE } from "@/db/schema";
import { env } from "@/config/env";

export const ENCODER_CHANNEL = "deskling_encoder";

export interface ActiveEncoder {
  /** What Embedder.create loads: a catalog id or the fine-tune's .gguf path. */
  model: string;
  /** The id its vectors are stored under. */
  id: string;
  /** The catalog model it was tuned from, when it is a fine-tune. */
  base?: string;
  runId?: string;
  /** Classifier settings calibrated for this encoder on held-out examples (finetune-encoder.ts). */
  classifierOptions?: { minSimilarity: number };
}

export async function activeEncoder(db: DbOrTx, opts: { scope?: string; log?: (line: string) => void } = {}): Promise<ActiveEncoder> {
  const base = env.EMBED_MODEL;
  const [run] = await db
    .select({ id: encoderRuns.id, modelId: encoderRuns.modelId, path: encoderRuns.path, metrics: encoderRuns.metrics })
    .from(encoderRuns)
    .where(and(eq(encoderRuns.scope, opts.scope ?? LIVE_SCOPE), eq(encoderRuns.baseModel, base), eq(encoderRuns.status, "promoted")))
    .orderBy(desc(encoderRuns.finishedAt))
    .limit(1);
  if (!run?.path || !run.modelId) return { model: base, id: base };
  if (!existsSync(run.path)) {
    // Triage keeps working on the base model; the operator sees why and can restore the file or fine-tune again.
    opts.log?.(`[encoders] promoted fine-tune ${run.modelId} is missing its file ${run.path}; embedding with ${base}`);
    return { model: base, id: base };
  }
  const minSimilarity = (run.metrics as { candidate?: { minSimilarity?: unknown } } | null)?.candidate?.minSimilarity;
  return {
    model: run.path,
    id: run.modelId,
    base,
    runId: run.id,
    classifierOptions: typeof minSimilarity === "number" ? { minSimilarity } : undefined,
  };
}
