import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { num, SOLVED, ticketScope, type AnalyticsParams } from "./params";

/** Unsolved tickets whose latest triage result asked for a person, now (the date range does not apply). */
export async function getNeedsHumanQueue(db: Db, p: AnalyticsParams) {
  const [row] = await db.execute<{ n: string }>(sql`
    select count(*) as n
    from tickets t
    cross join lateral (
      select r.needs_human, r.status from triage_results r where r.ticket_id = t.id order by r.created_at desc limit 1
    ) latest
    where ${ticketScope(p)} and t.status not in ${SOLVED}
      and (latest.needs_human or latest.status in ('needs_human', 'failed'))`);
  return { count: num(row?.n) ?? 0 };
}
