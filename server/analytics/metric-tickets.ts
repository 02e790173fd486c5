import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { dayOf, FIRST_REPLY_AT, inRange, num, REOPENED, REPLIES, SOLVED, ticketScope, type AnalyticsParams } from "./params";

export const DRILL_METRICS = ["created", "solved", "noReply", "reopened", "oneTouch", "breached", "needsHuman"] as const;
export type DrillMetric = (typeof DRILL_METRICS)[number];

export interface DrillParams extends AnalyticsParams {
  metric: DrillMetric;
  /** One day of the range (YYYY-MM-DD in tz), for the per-day series. */
  day?: string;
  /** One row of a by-team or by-priority table. */
  groupBy?: "team" | "priority";
  group?: string;
  limit?: number;
}

const solvedIn = (p: AnalyticsParams) => sql`t.status in ${SOLVED} and ${inRange(sql`t.resolved_at`, p)}`;

/** Each drillable number's tickets: the same conditions as the query that counted them (see definitions.ts). */
const CONDITION: Record<DrillMetric, (p: AnalyticsParams) => SQL> = {
  created: (p) => inRange(sql`t.created_at`, p),
  solved: solvedIn,
  noReply: (p) => sql`${inRange(sql`t.created_at`, p)} and ${FIRST_REPLY_AT} is null`,
  reopened: (p) => sql`${solvedIn(p)} and ${REOPENED}`,
  oneTouch: (p) => sql`${solvedIn(p)} and ${REPLIES} = 1`,
  breached: (p) => sql`${inRange(sql`t.created_at`, p)} and exists (
    select 1 from sla_policies sp where sp.priority = t.priority and (
      coalesce(${FIRST_REPLY_AT}, now()) > t.created_at + make_interval(mins => sp.first_reply_minutes)
      or coalesce(case when t.status in ${SOLVED} then t.resolved_at end, now()) > t.created_at + make_interval(mins => sp.resolution_minutes)))`,
  needsHuman: () => sql`t.status not in ${SOLVED} and exists (
    select 1 from (select r.needs_human, r.status from triage_results r where r.ticket_id = t.id order by r.created_at desc limit 1) l
    where l.needs_human or l.status in ('needs_human', 'failed'))`,
};

/** The tickets behind one number on the dashboard, newest first (at most `limit`), and how many there are. */
export async function listMetricTickets(db: Db, p: DrillParams) {
  const when = p.metric === "solved" ? sql`t.resolved_at` : sql`t.created_at`;
  const rows = await db.execute<Record<string, string | number | null>>(sql`
    select t.id, t.number, t.subject, t.status, t.priority, t.created_at, t.resolved_at, count(*) over () as total
    from tickets t left join teams tm on tm.id = t.team_id left join ticket_stats ts on ts.ticket_id = t.id
    where ${ticketScope(p)} and ${CONDITION[p.metric](p)}
      ${p.day ? sql`and ${dayOf(when, p)} = ${p.day}::date` : sql``}
      ${p.groupBy === "team" && p.group !== undefined ? sql`and coalesce(tm.name, 'No team') = ${p.group}` : sql``}
      ${p.groupBy === "priority" && p.group !== undefined ? sql`and t.priority::text = ${p.group}` : sql``}
    order by t.created_at desc
    limit ${p.limit ?? 100}`);
  return {
    total: num(rows[0]?.total) ?? 0,
    tickets: rows.map((r) => ({
      id: String(r.id),
      number: Number(r.number),
      subject: String(r.subject),
      status: String(r.status),
      priority: String(r.priority),
      createdAt: new Date(String(r.created_at)),
      resolvedAt: r.resolved_at ? new Date(String(r.resolved_at)) : null,
    })),
  };
}
