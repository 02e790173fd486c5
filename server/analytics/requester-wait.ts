import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { inRange, num, REQUESTER_WAIT_MIN, SOLVED, ticketScope, type AnalyticsParams } from "./params";

/**
 * Requester wait (median, p90 of minutes per ticket), overall, by team and by priority, over tickets finally solved in
 * the range: the waits ticket_stats accumulated as messages arrived, plus a wait still running at the solve.
 */
export async function getRequesterWait(db: Db, p: AnalyticsParams) {
  const rows = await db.execute<Record<string, string | null>>(sql`
    with per_ticket as (
      select t.priority::text as priority, coalesce(tm.name, 'No team') as team, ${REQUESTER_WAIT_MIN} as wait
      from tickets t
      left join teams tm on tm.id = t.team_id
      left join ticket_stats ts on ts.ticket_id = t.id
      where ${ticketScope(p)} and t.status in ${SOLVED} and ${inRange(sql`t.resolved_at`, p)}
    )
    select case when grouping(team) = 0 then 'team' when grouping(priority) = 0 then 'priority' else 'all' end as group_by,
           coalesce(case when grouping(team) = 0 then team end, case when grouping(priority) = 0 then priority end, 'all') as grp,
           count(*) as tickets,
           percentile_cont(0.5) within group (order by wait) as p50,
           percentile_cont(0.9) within group (order by wait) as p90
    from per_ticket
    group by grouping sets ((), (team), (priority))
    order by 1, 2`);
  return rows.map((r) => ({
    groupBy: r.group_by as "all" | "team" | "priority",
    group: r.grp!,
    tickets: num(r.tickets)!,
    medianMin: num(r.p50),
    p90Min: num(r.p90),
  }));
}
