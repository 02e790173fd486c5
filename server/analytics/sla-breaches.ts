import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { FIRST_REPLY_AT, inRange, num, ticketScope, type AnalyticsParams } from "./params";

/**
 * SLA outcome of the tickets created in the range, per priority (only priorities with a policy): first-reply and
 * resolution targets missed, measured against now for whatever has not happened yet. Reads ticket_stats alone.
 */
export async function getSlaBreaches(db: Db, p: AnalyticsParams) {
  const rows = await db.execute<Record<string, string | null>>(sql`
    with facts as (
      select ts.priority::text as priority,
             coalesce(${FIRST_REPLY_AT}, now()) > ts.created_at + make_interval(mins => sp.first_reply_minutes) as first_breached,
             coalesce(ts.solved_at, now()) > ts.created_at + make_interval(mins => sp.resolution_minutes) as resolution_breached
      from ticket_stats ts join sla_policies sp on sp.priority = ts.priority
      where ${ticketScope(p, "ts")} and ${inRange(sql`ts.created_at`, p)}
    )
    select coalesce(priority, 'all') as priority, count(*) as tickets,
           count(*) filter (where first_breached) as first_breached,
           count(*) filter (where resolution_breached) as resolution_breached,
           count(*) filter (where first_breached or resolution_breached) as breached
    from facts group by rollup (priority) order by priority nulls first`);
  return rows.map((r) => ({
    priority: r.priority!,
    tickets: num(r.tickets)!,
    firstReplyBreached: num(r.first_breached)!,
    resolutionBreached: num(r.resolution_breached)!,
    breached: num(r.breached)!,
  }));
}
