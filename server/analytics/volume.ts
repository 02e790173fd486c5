import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { dayOf, inRange, num, SOLVED, ticketScope, type AnalyticsParams } from "./params";

export const VOLUME_DIMENSIONS = ["channel", "category", "priority", "team"] as const;
export type VolumeDimension = (typeof VOLUME_DIMENSIONS)[number];

const KEY = {
  channel: sql`t.channel::text`,
  category: sql`coalesce(c.label, t.category, 'Uncategorized')`,
  priority: sql`t.priority::text`,
  team: sql`coalesce(tm.name, 'No team')`,
} satisfies Record<VolumeDimension, unknown>;

/** Tickets created and finally solved per day (in the range's zone), split by one dimension. */
export async function getVolume(db: Db, p: AnalyticsParams & { by: VolumeDimension }) {
  const rows = await db.execute<{ day: string; key: string; created: string; solved: string }>(sql`
    with scoped as (
      select t.created_at, t.resolved_at, t.status, ${KEY[p.by]} as key
      from tickets t
      left join categories c on c.key = t.category
      left join teams tm on tm.id = t.team_id
      where ${ticketScope(p)}
        and (${inRange(sql`t.created_at`, p)} or (t.status in ${SOLVED} and ${inRange(sql`t.resolved_at`, p)}))
    ),
    created as (
      select ${dayOf(sql`created_at`, p)} as day, key, count(*) as n from scoped where ${inRange(sql`created_at`, p)} group by 1, 2
    ),
    solved as (
      select ${dayOf(sql`resolved_at`, p)} as day, key, count(*) as n
      from scoped where status in ${SOLVED} and ${inRange(sql`resolved_at`, p)} group by 1, 2
    )
    select to_char(coalesce(c.day, s.day), 'YYYY-MM-DD') as day, coalesce(c.key, s.key) as key,
           coalesce(c.n, 0) as created, coalesce(s.n, 0) as solved
    from created c full join solved s on s.day = c.day and s.key = c.key
    order by 1, 2`);
  return rows.map((r) => ({ day: r.day, key: r.key, created: num(r.created)!, solved: num(r.solved)! }));
}
