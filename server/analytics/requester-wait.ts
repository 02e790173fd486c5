import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { inRange, num, SOLVED, ticketScope, type AnalyticsParams } from "./params";

/**
 * Requester wait (median, p90 of minutes per ticket), overall, by team and by priority, over tickets finally solved in
 * the range. Customer messages are grouped into runs by the number of replies before them; run k waits from its first
 * message to reply k+1, or to the solve when that reply never came. Messages after the final solve do not count.
 */
export async function getRequesterWait(db: Db, p: AnalyticsParams) {
  const rows = await db.execute<Record<string, string | null>>(sql`
    with solved as (
      select t.id, t.resolved_at, t.priority::text as priority, coalesce(tm.name, 'No team') as team
      from tickets t left join teams tm on tm.id = t.team_id
      where ${ticketScope(p)} and t.status in ${SOLVED} and ${inRange(sql`t.resolved_at`, p)}
    ),
    msgs as (
      select m.ticket_id, m.direction, m.created_at,
             count(*) filter (where m.direction = 'outbound') over (partition by m.ticket_id order by m.created_at, m.id) as replies_so_far
      from solved s join messages m on m.ticket_id = s.id
      where m.direction <> 'note' and m.created_at <= s.resolved_at
    ),
    runs as (
      select ticket_id, replies_so_far as k, min(created_at) as started
      from msgs where direction = 'inbound' group by 1, 2
    ),
    replies as (
      select ticket_id, replies_so_far as k, created_at from msgs where direction = 'outbound'
    ),
    per_ticket as (
      select s.id, s.team, s.priority,
             coalesce(sum(extract(epoch from (coalesce(rp.created_at, s.resolved_at) - r.started)) / 60), 0) as wait
      from solved s
      left join runs r on r.ticket_id = s.id
      left join replies rp on rp.ticket_id = r.ticket_id and rp.k = r.k + 1
      group by s.id, s.team, s.priority
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
