import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { num, ticketScope, type AnalyticsParams } from "./params";
import { edgeOf, rollupDays, spans } from "./rollup-spans";

/**
 * What became of the AI drafts, per public reply in the range: sent from a draft as is or edited (the reply links the
 * draft), discarded (a draft was on offer when it was written but the reply does not link it) or written from scratch
 * (none was). Grouped by the draft's model version, which a trigger stores on the reply as it is written
 * (messages.draft_model_version); scratch replies have none (null). Whole UTC days come from the reply_daily rollup,
 * which keeps each edit distance, so the median is exact; the edges of the range come from the replies.
 */
export async function getDraftUse(db: Db, p: AnalyticsParams) {
  const version = (col: SQL) => (p.modelVersion ? sql`and ${col} = ${p.modelVersion}` : sql``);
  const rows = await db.execute<Record<string, string | null>>(sql`
    with spans as materialized (${spans(p, "range")}),
    replies as (
      select d.model_version, d.from_draft, d.edit_distance, d.n, d.chrf_sum, d.chrf_count
      from spans sp join reply_daily d on ${rollupDays(sql`d.day`)}
      where ${ticketScope({ ...p, agentId: undefined }, "d")} ${version(sql`d.model_version`)}
      union all
      select m.draft_model_version, m.draft_triage_id is not null, m.draft_edit_distance, 1, coalesce(m.draft_chrf, 0), (m.draft_chrf is not null)::int
      from spans sp join messages m on m.direction = 'outbound' and ${edgeOf(sql`m.created_at`)}
        join tickets t on t.id = m.ticket_id
      where ${ticketScope(p)} ${version(sql`m.draft_model_version`)}
    ),
    -- The median edit distance from the count of each distance: percentile_cont(0.5) interpolates between the values
    -- at positions floor(r) and ceil(r), r = (count − 1) / 2; the value at position i is the first whose running count passes i.
    hist as (select model_version, edit_distance as d, sum(n) as c from replies where edit_distance is not null group by 1, 2 having sum(n) > 0),
    cum as (
      select model_version, d, sum(c) over (partition by model_version order by d) as upto, (sum(c) over (partition by model_version) - 1) / 2.0 as r
      from hist
    ),
    medians as (
      select model_version, min(d) filter (where upto > floor(r)) + (max(r) - floor(max(r))) * (min(d) filter (where upto > ceil(r)) - min(d) filter (where upto > floor(r))) as median
      from cum group by 1
    )
    select u.model_version, sum(n) as replies,
           coalesce(sum(n) filter (where from_draft and edit_distance = 0), 0) as as_is,
           coalesce(sum(n) filter (where from_draft and edit_distance is distinct from 0), 0) as edited,
           coalesce(sum(n) filter (where not from_draft and u.model_version is not null), 0) as discarded,
           coalesce(sum(n) filter (where u.model_version is null), 0) as scratch,
           max(md.median) as median_distance,
           sum(chrf_sum) / nullif(sum(chrf_count), 0) as mean_chrf
    from replies u left join medians md on md.model_version is not distinct from u.model_version
    group by 1 having sum(n) > 0 order by 1 nulls last`);
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
