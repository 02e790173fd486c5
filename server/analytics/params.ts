import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { ticketChannel } from "@/db/schema";

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/**
 * The dashboard's filters. `from` and `to` are calendar days, both included, in the zone `tz`: a day runs from
 * midnight to midnight there, and per-day series are bucketed in it (UTC unless the caller says otherwise).
 */
export const analyticsParams = z
  .object({
    from: z.iso.date(),
    to: z.iso.date(),
    tz: z.string().max(64).refine(isTimeZone, "Unknown time zone").default("UTC"),
    teamId: z.uuid().optional(),
    /** The assignee. */
    agentId: z.uuid().optional(),
    channel: z.enum(ticketChannel.enumValues).optional(),
    /** Narrows the AI and model-operation figures to one triage model version. */
    modelVersion: z.string().min(1).max(300).optional(),
  })
  .refine((p) => p.from <= p.to, { message: "The range ends before it starts", path: ["to"] })
  .refine((p) => Date.parse(p.to) - Date.parse(p.from) <= 800 * 86_400_000, { message: "At most about two years at once", path: ["from"] });

export type AnalyticsParams = z.output<typeof analyticsParams>;

/** The first instant of the range: midnight starting `from`, in tz. */
export const rangeStart = (p: AnalyticsParams) => sql`(${p.from}::date::timestamp at time zone ${p.tz})`;
/** The first instant after the range: midnight ending `to`, in tz. */
export const rangeEnd = (p: AnalyticsParams) => sql`((${p.to}::date + 1)::timestamp at time zone ${p.tz})`;
export const inRange = (col: SQL, p: AnalyticsParams) => sql`(${col} >= ${rangeStart(p)} and ${col} < ${rangeEnd(p)})`;
/** The calendar day (in tz) an instant falls on. Select it and group by its position: parameters differ per use. */
export const dayOf = (col: SQL, p: AnalyticsParams) => sql`(${col} at time zone ${p.tz})::date`;

/** Team, agent and channel filters on a tickets alias (`t` unless said otherwise). */
export function ticketScope(p: AnalyticsParams, alias = "t"): SQL {
  const t = sql.raw(alias);
  const parts: SQL[] = [sql`true`];
  if (p.teamId) parts.push(sql`${t}.team_id = ${p.teamId}`);
  if (p.agentId) parts.push(sql`${t}.assignee_id = ${p.agentId}`);
  if (p.channel) parts.push(sql`${t}.channel = ${p.channel}`);
  return sql.join(parts, sql` and `);
}

/** Whether any ticket filter is set: a query over rows that only point at tickets can skip the join without one. */
export const filtersTickets = (p: AnalyticsParams) => !!(p.teamId || p.agentId || p.channel);

/** The model-version filter on a triage_results alias. */
export function versionScope(p: AnalyticsParams, alias = "r"): SQL {
  return p.modelVersion ? sql`${sql.raw(alias)}.model_version = ${p.modelVersion}` : sql`true`;
}

export const SOLVED = sql.raw(`('solved', 'closed')`);

/** Postgres numerics and bigints arrive as strings; the dashboard wants numbers (null stays null). */
export const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Per-ticket figures from the ticket_stats rollup (join `left join ticket_stats ts on ts.ticket_id = t.id`, or read
 * `ticket_stats ts` alone: it carries the ticket's dates and filter fields too). The first reply falls back to the
 * ticket's recorded first response: imported history and the demo carry only that.
 */
export const FIRST_REPLY_AT = sql.raw(`coalesce(ts.first_reply_at, ts.first_response_at)`);
export const REPLIES = sql.raw(`coalesce(ts.replies, 0)`);
export const REOPENED = sql.raw(`coalesce(ts.reopens, 0) > 0`);
/** Minutes the requester waited, a wait still running when the ticket was solved closed by the solve. */
export const REQUESTER_WAIT_MIN = sql.raw(
  `(ts.waited_seconds + case when ts.wait_started_at < ts.solved_at then date_part('epoch', ts.solved_at - ts.wait_started_at) else 0 end) / 60`,
);

/**
 * Groups by team (by id, named after grouping: a shorter sort key) or priority, and the whole: the label columns of
 * the speed queries. `team_id` and `priority` are the grouped columns.
 */
export const GROUP_LABELS = sql.raw(`case when grouping(team_id) = 0 then 'team' when grouping(priority) = 0 then 'priority' else 'all' end as group_by,
           case when grouping(team_id) = 0 then coalesce((select name from teams where id = team_id), 'No team')
                when grouping(priority) = 0 then priority::text else 'all' end as grp`);
