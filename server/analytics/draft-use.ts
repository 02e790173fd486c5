import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { inRange, num, ticketScope, type AnalyticsParams } from "./params";

/**
 * What became of the AI drafts, per public reply in the range: sent from a draft as is or edited (the reply links the
 * draft), discarded (a draft existed when it was written but the reply does not link it) or written from scratch (no
 * draft existed). Grouped by the draft's model version; scratch replies have none (null).
 */
export async function getDraftUse(db: Db, p: AnalyticsParams) {
  const rows = await db.execute<Record<string, string | null>>(sql`
    with replies as (
      select m.draft_triage_id, m.draft_edit_distance, m.draft_chrf, coalesce(linked.model_version, offered.model_version) as model_version,
             case when m.draft_triage_id is not null and m.draft_edit_distance = 0 then 'as_is'
                  when m.draft_triage_id is not null then 'edited'
                  when offered.model_version is not null then 'discarded'
                  else 'scratch' end as use
      from messages m
      join tickets t on t.id = m.ticket_id
      left join triage_results linked on linked.id = m.draft_triage_id
      left join lateral (
        select r.model_version from triage_results r
        where m.draft_triage_id is null and r.ticket_id = m.ticket_id and r.draft is not null and r.created_at < m.created_at
        order by r.created_at desc limit 1
      ) offered on true
      where m.direction = 'outbound' and ${inRange(sql`m.created_at`, p)} and ${ticketScope(p)}
    )
    select model_version, count(*) as replies,
           count(*) filter (where use = 'as_is') as as_is,
           count(*) filter (where use = 'edited') as edited,
           count(*) filter (where use = 'discarded') as discarded,
           count(*) filter (where use = 'scratch') as scratch,
           percentile_cont(0.5) within group (order by draft_edit_distance) as median_distance,
           avg(draft_chrf) as mean_chrf
    from replies
    ${p.modelVersion ? sql`where model_version = ${p.modelVersion}` : sql``}
    group by 1 order by 1 nulls last`);
  return rows.map((r) => ({
    modelVersion: r.model_version ?? null,
    replies: num(r.replies)!,
    asIs: num(r.as_is)!,
    edited: num(r.edited)!,
    discarded: num(r.discarded)!,
    scratch: num(r.scratch)!,
    medianEditDistance: num(r.median_distance),
    meanChrf: num(r.mean_chrf),
  }));
}
