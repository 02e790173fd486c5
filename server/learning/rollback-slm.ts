import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { slmRuns } from "@/db/schema";
import { resolveModel } from "@/models/catalog";
import { env } from "@/config/env";
import { AppError } from "@/server/errors";
import { SLM_CHANNEL } from "./slm-adapters";

/**
 * One click back: the promoted adapter is retired and the one it replaced (or the bare base model) is in use
 * again; every worker swaps on the notice.
 */
export async function rollbackSlm(db: Db, opts: { userId?: string | null } = {}): Promise<{ retired: string; restored: string | null }> {
  const baseModel = resolveModel(env.SLM_MODEL, "chat").id;
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('slm_runs'))`);
    const [promoted] = await tx.select().from(slmRuns).where(and(eq(slmRuns.baseModel, baseModel), eq(slmRuns.status, "promoted")));
    if (!promoted) throw new AppError("CONFLICT", "No fine-tune is in use: the base model already runs.");
    const previousId = (promoted.metrics as { previousRunId?: string | null } | null)?.previousRunId ?? null;
    await tx
      .update(slmRuns)
      .set({ status: "retired", metrics: { ...(promoted.metrics ?? {}), rolledBackAt: new Date().toISOString(), rolledBackBy: opts.userId ?? null } })
      .where(eq(slmRuns.id, promoted.id));
    let restored: string | null = null;
    if (previousId) {
      const [prev] = await tx
        .update(slmRuns)
        .set({ status: "promoted" })
        .where(and(eq(slmRuns.id, previousId), eq(slmRuns.status, "retired")))
        .returning({ id: slmRuns.id });
      restored = prev?.id ?? null;
    }
    await tx.execute(sql`select pg_notify(${SLM_CHANNEL}, ${JSON.stringify({ runId: restored, rolledBack: promoted.id })})`);
    return { retired: promoted.id, restored };
  });
}
