import { count, eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { distilledDrafts } from "@/db/schema";
import { resolveModel } from "@/models/catalog";
import { env } from "@/config/env";
import { AppError } from "@/server/errors";
import { enqueue } from "@/server/jobs/enqueue";
import { JOB_PRIORITY } from "@/server/jobs/jobs";

/** The configured teacher (SLM_TEACHER_MODEL) and what it has drafted so far, or null without one. */
export async function distillStatus(db: DbOrTx) {
  if (!env.SLM_TEACHER_MODEL) return null;
  const model = resolveModel(env.SLM_TEACHER_MODEL, "chat").id;
  const [row] = await db
    .select({ drafts: count(), passed: sql<number>`count(*) filter (where ${distilledDrafts.passed})::int` })
    .from(distilledDrafts)
    .where(eq(distilledDrafts.teacherModel, model));
  return { model, drafts: row?.drafts ?? 0, passed: row?.passed ?? 0 };
}

/** Queues the teacher's drafts for unanswered tickets (the `slm-distill` job; one queued at a time by its key). */
export async function startDistillJob(db: Db, opts: { limit: number }) {
  if (!env.SLM_TEACHER_MODEL) throw new AppError("CONFLICT", "No teacher model is configured (SLM_TEACHER_MODEL).");
  await enqueue(db, "slm-distill", { limit: opts.limit }, { jobKey: "slm-distill", maxAttempts: 1, priority: JOB_PRIORITY.background });
  return { queued: true };
}
