/**
 * Shadow mode, live side: after a live triage, a sample of tickets is queued for the shadow candidate (an slm_runs
 * row in status "shadow") as low-priority jobs, so live triage always goes first. The sample is a hash of the
 * message and the run: the same ticket is always in or out, and a retried triage does not draw again.
 */
import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { slmRuns } from "@/db/schema";
import { resolveModel } from "@/models/catalog";
import { env } from "@/config/env";
import { enqueue } from "@/server/jobs/enqueue";
import { JOB_PRIORITY } from "@/server/jobs/jobs";

export async function shadowRun(db: DbOrTx) {
  const [run] = await db
    .select({ id: slmRuns.id, adapterPath: slmRuns.adapterPath, metrics: slmRuns.metrics })
    .from(slmRuns)
    .where(and(eq(slmRuns.baseModel, resolveModel(env.SLM_MODEL, "chat").id), eq(slmRuns.status, "shadow")))
    .limit(1);
  if (!run?.adapterPath) return null;
  const sample = (run.metrics as { shadowSample?: number } | null)?.shadowSample ?? 0;
  return { id: run.id, adapterPath: run.adapterPath, sample };
}

export function inShadowSample(messageId: string, runId: string, sample: number) {
  const draw = createHash("sha256").update(`${runId}:${messageId}`).digest().readUInt32BE(0) / 2 ** 32;
  return draw < sample;
}

/** Queues the shadow job for a finished live triage when a candidate is in shadow mode and the ticket is sampled. */
export async function enqueueShadow(db: DbOrTx, t: { ticketId: string; messageId: string; liveResultId: string }): Promise<boolean> {
  const run = await shadowRun(db);
  if (!run || !inShadowSample(t.messageId, run.id, run.sample)) return false;
  await enqueue(db, "slm-shadow", { runId: run.id, ...t }, { jobKey: `slm-shadow:${run.id}:${t.messageId}`, maxAttempts: 2, priority: JOB_PRIORITY.backfill });
  return true;
}
