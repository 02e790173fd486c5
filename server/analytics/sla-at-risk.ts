import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { FIRST_REPLY_AT, SOLVED, ticketScope, type AnalyticsParams } from "./params";

/** Share of a target's time used beyond which an unsolved ticket counts as at risk. */
export const AT_RISK_SHARE = 0.75;

/**
 * Unsolved tickets, now, that have not breached their next target yet but used AT_RISK_SHARE of its time: the first
 * reply while none was sent, else the resolution. The range does not apply; it is a view of now.
 */
export async function getSlaAtRisk(db: Db, p: AnalyticsParams) {
  return db.execute<{ id: string; number: number; subject: string; priority: string; target: "first_reply" | "resolution"; due_at: string }>(sql`
    with open as (
      select t.id, t.number, t.subject, t.priority::text as priority, t.created_at,
             ${FIRST_REPLY_AT} is not null as replied,
             sp.first_reply_minutes, sp.resolution_minutes
      from tickets t join sla_policies sp on sp.priority = t.priority left join ticket_stats ts on ts.ticket_id = t.id
      where ${ticketScope(p)} and t.status not in ${SOLVED}
    ),
    next as (
      select id, number, subject, priority, created_at,
             case when replied then 'resolution' else 'first_reply' end as target,
             case when replied then resolution_minutes else first_reply_minutes end as mins
      from open
    )
    select id, number, subject, priority, target, to_char((created_at + make_interval(mins => mins)) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as due_at
    from next
    where now() <= created_at + make_interval(mins => mins)
      and now() >= created_at + make_interval(secs => mins * 60 * ${AT_RISK_SHARE}::float8)
    order by created_at + make_interval(mins => mins)`);
}
