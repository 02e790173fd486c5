import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { judgedCounts } from "./judged-triage";
import { num, rangeEnd, type AnalyticsParams } from "./params";

/**
 * Category accuracy by week of triage (weeks start on Monday in the range's zone), per model version, beside the
 * number of verified category labels recorded by the end of that week: accuracy should rise as labels accumulate.
 */
export async function getAiLearningCurve(db: Db, p: AnalyticsParams) {
  const rows = await db.execute<{ week: string; model_version: string; judged: string; correct: string; labels: string }>(sql`
    with ${judgedCounts(p, "week")},
    weekly as (
      select bucket as week, model_version,
             coalesce(sum(n) filter (where judged), 0) as judged, coalesce(sum(n) filter (where correct), 0) as correct
      from judged group by 1, 2 having sum(n) > 0
    ),
    -- Materialized: read once by every week's lookup below, not re-aggregated per row.
    labels as materialized (
      select week, sum(n) over (order by week) as so_far
      from (
        select date_trunc('week', c.created_at at time zone ${p.tz})::date as week, count(*) as n
        from corrections c where c.scope = 'live' and c.field = 'category' and c.created_at < ${rangeEnd(p)}
        group by 1
      ) per_week
    )
    select to_char(w.week, 'YYYY-MM-DD') as week, w.model_version, w.judged, w.correct,
           coalesce((select l.so_far from labels l where l.week <= w.week order by l.week desc limit 1), 0) as labels
    from weekly w order by 1, 2`);
  return rows.map((r) => ({
    week: r.week,
    modelVersion: r.model_version,
    judged: num(r.judged)!,
    correct: num(r.correct)!,
    labelsSoFar: num(r.labels)!,
  }));
}
