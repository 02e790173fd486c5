import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { GROUP_LABELS, inRange, num, REQUESTER_WAIT_MIN, ticketScope, type AnalyticsParams } from "./params";

/**
 * Requester wait (median, p90 of minutes per ticket), overall, by team and by priority, over tickets finally solved in
 * the range: the waits ticket_stats accumulated as messages arrived, plus a wait still running at the solve.
 */
export async function getRequesterWait(db: Db, p: AnalyticsParams) {
  const rows = await db.execute<Record<string, string | null>>(sql`
    with grouped as (
      select ${GROUP_LABELS}, count(*) as tickets, percentile_cont(array[0.5, 0.9]) within group (order by ${REQUESTER_WAIT_MIN}) as wait
      from ticket_stats ts
      where ${ticketScope(p, "ts")} and ${inRange(sql`ts.solved_at`, p)}
      group by grouping sets ((), (team_id), (priority))
    )
    select group_by, grp, tickets, wait[1] as p50, wait[2] as p90 from grouped order by 1, 2`);
  return rows.map((r) => ({
    groupBy: r.group_by as "all" | "team" | "priority",
    group: r.grp!,
    tickets: num(r.tickets)!,
    medianMin: num(r.p50),
    p90Min: num(r.p90),
  }));
}
