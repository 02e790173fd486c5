import { mkdir } from "node:fs/promises";
import path from "node:path";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { slmRuns } from "@/db/schema";
import { resolveModel } from "@/models/catalog";
import { env } from "@/server/env";
import { AppError } from "@/server/errors";
import { spawnCli } from "@/server/feedback/spawn-cli";

/** Far longer than a fine-tune of the default model takes on a CPU (1,000 examples: see the README). */
const STALE_HOURS = 12;

/**
 * Fine-tunes the chat model from the admin page: `npm run finetune:slm -- --run <id>` in a child process (minutes of
 * CPU and a Python process of its own). The slm_runs row is created here, so the page shows the run at once and its
 * progress as the child writes it. One at a time: two runs would share the cores and compare against each other.
 */
export async function startFinetuneSlmJob(db: Db, opts: { userId: string }) {
  await db
    .update(slmRuns)
    .set({ status: "failed", error: `no result after ${STALE_HOURS} hours; the fine-tune process is gone`, finishedAt: new Date() })
    .where(and(inArray(slmRuns.status, ["training", "scoring"]), sql`${slmRuns.createdAt} < now() - make_interval(hours => ${STALE_HOURS})`));
  const run = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('slm_runs'))`);
    const [busy] = await tx.select({ id: slmRuns.id }).from(slmRuns).where(inArray(slmRuns.status, ["training", "scoring"])).limit(1);
    if (busy) throw new AppError("CONFLICT", "A fine-tune of the language model is already running; wait for it to finish.");
    const [row] = await tx
      .insert(slmRuns)
      .values({ baseModel: resolveModel(env.SLM_MODEL, "chat").id, params: {}, progress: { phase: "starting" }, userId: opts.userId })
      .returning();
    return row!;
  });
  const dir = path.resolve(env.DESKLING_DATA_DIR, "adapters");
  await mkdir(dir, { recursive: true });
  const log = path.join(dir, `${run.id}.log`);
  spawnCli(["server/cli/finetune-slm.ts", "--run", run.id], log, (exit) =>
    db
      .update(slmRuns)
      .set({ status: "failed", error: `fine-tune process exited (${exit}); see ${log}`, finishedAt: new Date() })
      .where(and(eq(slmRuns.id, run.id), inArray(slmRuns.status, ["training", "scoring"]))),
  );
  return run;
}
