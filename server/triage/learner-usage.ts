import { and, desc, eq, gt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { LEARNER_STATUSES, triageResults, type LearnerStatus } from "@/db/schema";

export interface LearnerUsage {
  hours: number;
  /** Triages per learner status in the window, every status present (0 when none). */
  counts: Record<LearnerStatus, number>;
  /** Per worker, the triages that ran without the learner: the metric that shows a broken learner. */
  workers: { workerId: string; total: number; withoutLearner: number }[];
  lastFailure: { error: string; at: Date } | null;
}

/** How often live triage had the learner, over the last `hours`: for the admin page and the worker's log. */
export async function learnerUsage(db: DbOrTx, opts: { hours?: number } = {}): Promise<LearnerUsage> {
  const hours = opts.hours ?? 24;
  const since = gt(triageResults.createdAt, sql`now() - make_interval(hours => ${hours})`);
  const [byStatus, byWorker, [failure]] = await Promise.all([
    db
      .select({ status: triageResults.learnerStatus, n: sql<number>`count(*)`.mapWith(Number) })
      .from(triageResults)
      .where(since)
      .groupBy(triageResults.learnerStatus),
    db
      .select({
        workerId: sql<string>`coalesce(${triageResults.workerId}, '?')`,
        total: sql<number>`count(*)`.mapWith(Number),
        withoutLearner: sql<number>`count(*) filter (where ${triageResults.learnerStatus} = 'unavailable')`.mapWith(Number),
      })
      .from(triageResults)
      .where(and(since, sql`${triageResults.learnerStatus} is not null`))
      .groupBy(triageResults.workerId),
    db
      .select({ error: sql<string>`${triageResults.classifier}->>'error'`, at: triageResults.updatedAt })
      .from(triageResults)
      .where(and(since, eq(triageResults.learnerStatus, "unavailable")))
      .orderBy(desc(triageResults.updatedAt))
      .limit(1),
  ]);
  const counts = Object.fromEntries(LEARNER_STATUSES.map((s) => [s, 0])) as Record<LearnerStatus, number>;
  for (const r of byStatus) if (r.status) counts[r.status] = r.n;
  return { hours, counts, workers: byWorker, lastFailure: failure ? { error: failure.error ?? "unknown", at: failure.at } : null };
}
