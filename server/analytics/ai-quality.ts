import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { judgedTriage } from "./judged-triage";
import { inRange, num, type AnalyticsParams } from "./params";

/** Category accuracy, needs-human rate and accuracy of the rest, and summary acceptance, per model version. */
export async function getAiQuality(db: Db, p: AnalyticsParams) {
  const rows = await db.execute<Record<string, string | null>>(sql`
    with ${judgedTriage(p)},
    quality as (
      select model_version, count(*) as triaged,
             count(*) filter (where needs_human) as needs_human,
             count(*) filter (where final_label is not null) as judged,
             count(*) filter (where final_label = category) as correct,
             count(*) filter (where final_label is not null and not needs_human) as judged_auto,
             count(*) filter (where final_label = category and not needs_human) as correct_auto
      from judged group by 1
    ),
    summaries as (
      select c.model_version, count(*) as reviewed, count(*) filter (where c.ai_value = c.final_value) as kept
      from corrections c
      where c.field = 'summary' and c.scope = 'live' and c.model_version is not null and ${inRange(sql`c.created_at`, p)}
        ${p.modelVersion ? sql`and c.model_version = ${p.modelVersion}` : sql``}
      group by 1
    )
    select coalesce(q.model_version, s.model_version) as model_version, q.triaged, q.needs_human, q.judged, q.correct,
           q.judged_auto, q.correct_auto, s.reviewed, s.kept
    from quality q full join summaries s on s.model_version = q.model_version
    order by 1`);
  return rows.map((r) => ({
    modelVersion: r.model_version!,
    triaged: num(r.triaged) ?? 0,
    needsHuman: num(r.needs_human) ?? 0,
    judged: num(r.judged) ?? 0,
    correct: num(r.correct) ?? 0,
    judgedAutomated: num(r.judged_auto) ?? 0,
    correctAutomated: num(r.correct_auto) ?? 0,
    summariesReviewed: num(r.reviewed) ?? 0,
    summariesKept: num(r.kept) ?? 0,
  }));
}
