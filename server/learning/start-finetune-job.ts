import { mkdir } from "node:fs/promises";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { encoderRuns, LIVE_SCOPE } from "@/db/schema";
import { env } from "@/config/env";
import { AppError } from "@/server/errors";
import type { LearnedField } from "./labels";
import { enqueue } from "@/server/jobs/enqueue";
import { JOB_PRIORITY } from "@/server/jobs/jobs";

/** Far longer than a fine-tune takes on a CPU (15k examples: under 20 minutes on 2 busy cores). */
const STALE_HOURS = 6;

/**
 * Queues a fine-tune of the live encoder from the admin page: a worker runs `npm run finetune -- --run <id>` in a
 * child process (the `encoder-finetune` job), because training takes minutes of CPU and a Python process of its own.
 * The encoder_runs row is created here, so the page sees the run at once; the child fills it in
 * (server/learning/finetune-encoder.ts).
 */
export async function startFinetuneJob(db: Db, opts: { field: LearnedField; userId: string }) {
  // A run whose process died with the server (no exit handler left to record it) must not block fine-tuning forever.
  // Its own statement: the check below may refuse, and that must not roll this back.
  await db
    .update(encoderRuns)
    .set({ status: "failed", error: `no result after ${STALE_HOURS} hours; the fine-tune process is gone`, finishedAt: new Date() })
    .where(and(eq(encoderRuns.scope, LIVE_SCOPE), eq(encoderRuns.status, "training"), sql`${encoderRuns.createdAt} < now() - make_interval(hours => ${STALE_HOURS})`));
  const dir = path.resolve(env.DESKLING_DATA_DIR, "encoders");
  await mkdir(dir, { recursive: true });
  const run = await db.transaction(async (tx) => {
    // Two clicks at once must not both pass the check: they queue on one lock per scope.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`encoder_runs:${LIVE_SCOPE}`}))`);
    const [training] = await tx
      .select({ id: encoderRuns.id })
      .from(encoderRuns)
      .where(and(eq(encoderRuns.scope, LIVE_SCOPE), eq(encoderRuns.status, "training")))
      .limit(1);
    // Two runs would compete for the two cores and each compare itself with an encoder the other may replace.
    if (training) throw new AppError("CONFLICT", "A fine-tune is already training; wait for it to finish.");
    const [row] = await tx
      .insert(encoderRuns)
      .values({ scope: LIVE_SCOPE, field: opts.field, baseModel: env.EMBED_MODEL, params: { field: opts.field }, userId: opts.userId })
      .returning();
    const logFile = path.join(dir, `${row!.id}.log`);
    await enqueue(
      tx,
      "encoder-finetune",
      { runId: row!.id, field: opts.field, logFile },
      { jobKey: `finetune:${row!.id}`, maxAttempts: 1, priority: JOB_PRIORITY.background },
    );
    return row!;
  });
  return run;
}
