import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { judgedCounts } from "./judged-triage";
import { filtersTickets, inRange, num, ticketScope, type AnalyticsParams } from "./params";

/** Category accuracy, needs-human rate and accuracy of the rest, and summary acceptance, per model version. */
export async function getAiQuality(db: Db, p: AnalyticsParams) {
  const rows = await db.execute<Record<string, string | null>>(sql`
    with ${judgedCounts(p)},
    quality as (
      select model_version, sum(n) as triaged,
             coalesce(sum(n) filter (where needs_human), 0) as needs_human,
             coalesce(sum(n) filter (where judged), 0) as judged,
             coalesce(sum(n) filter (where correct), 0) as correct,
             coalesce(sum(n) filter (where judged and not needs_human), 0) as judged_auto,
             coalesce(sum(n) filter (where correct and not needs_human), 0) as correct_auto
      from judged group by 1
    ),
    -- Each ticket's latest summary review in the range (an accept, or a change), against the AI summary it saw.
    reviews as (
      select distinct on (c.ticket_id) c.model_version, c.ai_value = c.final_value as kept
      from corrections c ${filtersTickets(p) ? sql`join tickets t on t.id = c.ticket_id and ${ticketScope(p)}` : sql``}
      where c.field = 'summary' and c.scope = 'live' and c.ticket_id is not null and c.model_version is not null and ${inRange(sql`c.created_at`, p)}
        ${p.modelVersion ? sql`and c.model_version = ${p.modelVersion}` : sql``}
      order by c.ticket_id, c.created_at desc, c.id desc
    ),
    summaries as (select model_version, count(*) as reviewed, count(*) filter (where kept) as kept from reviews group by 1)
    select coalesce(q.model_version, s.model_version) as model_version, q.triaged, q.needs_human, q.judged, q.correct,
           q.judged_auto, q.correct_auto, s.reviewed, s.kept
    from quality q full join summaries s on s.model_version = q.model_version
    where coalesce(q.triaged, 0) > 0 or s.reviewed > 0
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
