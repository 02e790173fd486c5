import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { dayOf, inRange, num, rangeStart, SOLVED, ticketScope, type AnalyticsParams } from "./params";

/**
 * Open tickets at the end of each day of the range: those open when it began, plus tickets created, minus tickets
 * finally solved, day by day (a running sum, so the query reads only the range's tickets and one count).
 */
export async function getBacklog(db: Db, p: AnalyticsParams) {
  const rows = await db.execute<{ day: string; open: string }>(sql`
    with start as (
      select count(*) as n from tickets t
      where ${ticketScope(p)} and t.created_at < ${rangeStart(p)}
        and not (t.status in ${SOLVED} and t.resolved_at < ${rangeStart(p)})
    ),
    deltas as (
      select ${dayOf(sql`t.created_at`, p)} as day, 1 as d from tickets t where ${ticketScope(p)} and ${inRange(sql`t.created_at`, p)}
      union all
      select ${dayOf(sql`t.resolved_at`, p)}, -1 from tickets t
      where ${ticketScope(p)} and t.status in ${SOLVED} and ${inRange(sql`t.resolved_at`, p)}
    ),
    per_day as (select day, sum(d) as d from deltas group by 1),
    days as (select g::date as day from generate_series(${p.from}::date, ${p.to}::date, interval '1 day') g)
    select to_char(days.day, 'YYYY-MM-DD') as day,
           (select n from start) + coalesce(sum(per_day.d) over (order by days.day), 0) as open
    from days left join per_day on per_day.day = days.day
    order by days.day`);
  return rows.map((r) => ({ day: r.day, open: num(r.open)! }));
}
