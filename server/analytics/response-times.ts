import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { FIRST_REPLY_AT, inRange, num, REOPENED, REPLIES, SOLVED, ticketScope, type AnalyticsParams } from "./params";

export interface SpeedRow {
  /** "all", or the group it describes. */
  groupBy: "all" | "team" | "priority";
  group: string;
  createdTickets: number;
  replied: number;
  noReply: number;
  firstReplyMedianMin: number | null;
  firstReplyP90Min: number | null;
  solvedTickets: number;
  resolutionMedianMin: number | null;
  resolutionP90Min: number | null;
  oneTouch: number;
  reopened: number;
}

const minutes = (a: string, b: string) => sql.raw(`extract(epoch from (${a} - ${b})) / 60`);

/**
 * First reply and resolution times (median, p90), one-touch and reopened counts: overall, by team and by priority,
 * in one pass (grouping sets). First reply over tickets created in the range; the rest over tickets finally solved in it.
 */
export async function getResponseTimes(db: Db, p: AnalyticsParams): Promise<SpeedRow[]> {
  const rows = await db.execute<Record<string, string | null>>(sql`
    with facts as (
      select t.created_at, t.resolved_at, t.priority::text as priority, coalesce(tm.name, 'No team') as team,
             ${FIRST_REPLY_AT} as first_at, ${REPLIES} as replies, ${REOPENED} as reopened,
             ${inRange(sql`t.created_at`, p)} as created_in,
             (t.status in ${SOLVED} and coalesce(${inRange(sql`t.resolved_at`, p)}, false)) as solved_in
      from tickets t
      left join teams tm on tm.id = t.team_id
      left join ticket_stats ts on ts.ticket_id = t.id
      where ${ticketScope(p)}
        and (${inRange(sql`t.created_at`, p)} or (t.status in ${SOLVED} and ${inRange(sql`t.resolved_at`, p)}))
    )
    select case when grouping(team) = 0 then 'team' when grouping(priority) = 0 then 'priority' else 'all' end as group_by,
           coalesce(case when grouping(team) = 0 then team end, case when grouping(priority) = 0 then priority end, 'all') as grp,
           count(*) filter (where created_in) as created_tickets,
           count(*) filter (where created_in and first_at is not null) as replied,
           count(*) filter (where created_in and first_at is null) as no_reply,
           percentile_cont(0.5) within group (order by ${minutes("first_at", "created_at")}) filter (where created_in) as fr_p50,
           percentile_cont(0.9) within group (order by ${minutes("first_at", "created_at")}) filter (where created_in) as fr_p90,
           count(*) filter (where solved_in) as solved_tickets,
           percentile_cont(0.5) within group (order by ${minutes("resolved_at", "created_at")}) filter (where solved_in) as res_p50,
           percentile_cont(0.9) within group (order by ${minutes("resolved_at", "created_at")}) filter (where solved_in) as res_p90,
           count(*) filter (where solved_in and replies = 1) as one_touch,
           count(*) filter (where solved_in and reopened) as reopened
    from facts
    group by grouping sets ((), (team), (priority))
    order by 1, 2`);
  return rows.map((r) => ({
    groupBy: r.group_by as SpeedRow["groupBy"],
    group: r.grp!,
    createdTickets: num(r.created_tickets)!,
    replied: num(r.replied)!,
    noReply: num(r.no_reply)!,
    firstReplyMedianMin: num(r.fr_p50),
    firstReplyP90Min: num(r.fr_p90),
    solvedTickets: num(r.solved_tickets)!,
    resolutionMedianMin: num(r.res_p50),
    resolutionP90Min: num(r.res_p90),
    oneTouch: num(r.one_touch)!,
    reopened: num(r.reopened)!,
  }));
}
