import { mkdir } from "node:fs/promises";
import path from "node:path";
import { inArray, sql } from "drizzle-orm";
import { env } from "@/config/env";
import type { Db } from "@/db/client";
import { slmRuns } from "@/db/schema";
import { resolveModel } from "@/models/catalog";
import { AppError } from "@/server/errors";
import { enqueue } from "@/server/jobs/enqueue";
import { JOB_PRIORITY } from "@/server/jobs/jobs";

/** Far longer than a fine-tune of the default model takes on a CPU (1,000 examples: see the README). */
const STALE_HOURS = 12;

/**
 * Queues a LoRA fine-tune of the chat model from the admin page: a worker runs `npm run finetune:slm -- --run <id>`
 * in a child process (the `slm-finetune` job). The slm_runs row is created here, so the page shows the run at once
 * and then its progress as the child writes it. One at a time: two runs would share the cores and each compare
 * itself with a model the other may replace.
 */
export async function startFinetuneSlmJob(db: Db, opts: { userId: string }) {
  await db
    .update(slmRuns)
    .set({ status: "failed", error: `no result after ${STALE_HOURS} hours; the fine-tune process is gone`, finishedAt: new Date() })
    .where(sql`${slmRuns.status} in ('training', 'scoring') and ${slmRuns.createdAt} < now() - make_interval(hours => ${STALE_HOURS})`);
  const dir = path.resolve(env.DESKLING_DATA_DIR, "adapters");
  await mkdir(dir, { recursive: true });
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('slm_runs'))`);
    const [busy] = await tx.select({ id: slmRuns.id }).from(slmRuns).where(inArray(slmRuns.status, ["training", "scoring"])).limit(1);
    if (busy) throw new AppError("CONFLICT", "A fine-tune of the language model is already running; wait for it to finish.");
    const [row] = await tx
      .insert(slmRuns)
      .values({ baseModel: resolveModel(env.SLM_MODEL, "chat").id, params: {}, progress: { phase: "queued" }, userId: opts.userId })
      .returning();
    const logFile = path.join(dir, `${row!.id}.log`);
    await enqueue(tx, "slm-finetune", { runId: row!.id, logFile }, { jobKey: `slm-finetune:${row!.id}`, maxAttempts: 1, priority: JOB_PRIORITY.background });
    return row!;
  });
}
