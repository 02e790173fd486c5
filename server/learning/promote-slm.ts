import { and, eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { slmRuns } from "@/db/schema";
import { resolveModel } from "@/models/catalog";
import { removeAdapterFiles } from "@/models/runtime/adapter-files";
import { env } from "@/config/env";
import { AppError } from "@/server/errors";
import { SLM_CHANNEL } from "./slm-adapters";

/**
 * Inside the caller's transaction: the promoted adapter of this base model retires and every worker is told to swap
 * (the notice is sent on commit). The caller sets the new run's own status.
 */
export async function retirePromotedAndAnnounce(tx: DbOrTx, run: { id: string; baseModel: string }) {
  await tx
    .update(slmRuns)
    .set({ status: "retired" })
    .where(and(eq(slmRuns.baseModel, run.baseModel), eq(slmRuns.status, "promoted")));
  await tx.execute(sql`select pg_notify(${SLM_CHANNEL}, ${JSON.stringify({ runId: run.id })})`);
}

async function shadowRun(tx: DbOrTx, runId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('slm_runs'))`);
  const [run] = await tx.select().from(slmRuns).where(eq(slmRuns.id, runId));
  if (run?.status !== "shadow") throw new AppError("CONFLICT", "That fine-tune is not in shadow mode.");
  return run;
}

/** The admin's decision after the shadow comparison: the candidate is the model in use on every worker. */
export async function promoteShadowSlm(db: Db, opts: { runId: string; userId?: string | null }) {
  return db.transaction(async (tx) => {
    const run = await shadowRun(tx, opts.runId);
    const [current] = await tx
      .select({ id: slmRuns.id })
      .from(slmRuns)
      .where(and(eq(slmRuns.baseModel, resolveModel(env.SLM_MODEL, "chat").id), eq(slmRuns.status, "promoted")));
    await retirePromotedAndAnnounce(tx, run);
    // A rollback puts back what ran when it was promoted, not what ran when it was scored.
    const metrics = { ...(run.metrics ?? {}), previousRunId: current?.id ?? null, promotedBy: opts.userId ?? null, promotedAt: new Date().toISOString() };
    await tx.update(slmRuns).set({ status: "promoted", metrics }).where(eq(slmRuns.id, run.id));
    return { promoted: run.id, retired: current?.id ?? null };
  });
}

/** Ends a shadow run without promoting it: rejected, and its adapter file deleted. */
export async function stopShadowSlm(db: Db, opts: { runId: string }) {
  const run = await db.transaction(async (tx) => {
    const r = await shadowRun(tx, opts.runId);
    await tx.update(slmRuns).set({ status: "rejected", adapterPath: null }).where(eq(slmRuns.id, r.id));
    return r;
  });
  if (run.adapterPath) await removeAdapterFiles(run.adapterPath);
  return { stopped: run.id };
}
