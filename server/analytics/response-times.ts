import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { FIRST_REPLY_AT, GROUP_LABELS, inRange, num, ticketScope, type AnalyticsParams } from "./params";

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

/**
 * First reply and resolution times (median, p90), one-touch and reopened counts: overall, by team and by priority,
 * in one pass (grouping sets) over ticket_stats alone. First reply over tickets created in the range; the rest over
 * tickets finally solved in it. Percentiles are exact (percentile_cont), each pair from one sort of float8 minutes
 * (date_part: extract() gives numerics, which sort slower).
 */
export async function getResponseTimes(db: Db, p: AnalyticsParams): Promise<SpeedRow[]> {
  const rows = await db.execute<Record<string, string | null>>(sql`
    with facts as (
      select ts.team_id, ts.priority, ts.replies, ts.reopens,
             case when ${inRange(sql`ts.created_at`, p)} then date_part('epoch', ${FIRST_REPLY_AT} - ts.created_at) / 60 end as first_min,
             ${inRange(sql`ts.created_at`, p)} as created_in,
             ${FIRST_REPLY_AT} is not null as replied,
             case when ${inRange(sql`ts.solved_at`, p)} then date_part('epoch', ts.solved_at - ts.created_at) / 60 end as solve_min
      from ticket_stats ts
      where ${ticketScope(p, "ts")} and (${inRange(sql`ts.created_at`, p)} or ${inRange(sql`ts.solved_at`, p)})
    ),
    grouped as (
      select ${GROUP_LABELS},
             count(*) filter (where created_in) as created_tickets,
             count(*) filter (where created_in and replied) as replied,
             count(*) filter (where created_in and not replied) as no_reply,
             percentile_cont(array[0.5, 0.9]) within group (order by first_min) as fr,
             count(solve_min) as solved_tickets,
             percentile_cont(array[0.5, 0.9]) within group (order by solve_min) as res,
             count(*) filter (where solve_min is not null and replies = 1) as one_touch,
             count(*) filter (where solve_min is not null and reopens > 0) as reopened
      from facts
      group by grouping sets ((), (team_id), (priority))
    )
    select group_by, grp, created_tickets, replied, no_reply, fr[1] as fr_p50, fr[2] as fr_p90, solved_tickets, res[1] as res_p50, res[2] as res_p90,
           one_touch, reopened
    from grouped order by 1, 2`);
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
