import { sql } from "drizzle-orm";
import { boolean, date, doublePrecision, index, integer, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { ticketChannel, ticketPriority, ticketStatus, tickets } from "./tickets";
import { triageResults } from "./triage";

/**
 * Every change of a ticket's status, written by a trigger on `tickets` (migration 0008), so that each path that moves
 * a status (an agent's edit, a customer writing again, a reply, a helpdesk event, a script) is recorded without each
 * verb having to remember it. Analytics reads reopens from here; the tickets table only knows the current status.
 */
export const ticketEvents = pgTable(
  "ticket_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    fromStatus: ticketStatus("from_status").notNull(),
    toStatus: ticketStatus("to_status").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("ticket_events_ticket_idx").on(t.ticketId, t.createdAt)],
);

export type TicketEvent = typeof ticketEvents.$inferSelect;

/**
 * Per-ticket figures the dashboard would otherwise recompute from every message on every view, kept current by
 * triggers (migration 0008) as messages, status events and corrections are written, whatever verb writes them.
 * Requester wait is accumulated as messages arrive: a customer message starts a wait when none is running, a public
 * reply ends it; a wait still running is closed at query time by the solve.
 */
export const ticketStats = pgTable(
  "ticket_stats",
  {
  ticketId: uuid("ticket_id")
    .primaryKey()
    .references(() => tickets.id, { onDelete: "cascade" }),
  // Copies of the ticket's own fields the speed and SLA queries filter, split and measure by (migration 0012), kept
  // by a trigger on tickets: a year's speed figures then read these narrow rows alone instead of tickets joined to them.
  createdAt: timestamp("created_at", { withTimezone: true }),
  /** The final solve: resolved_at while the ticket is solved or closed, else null. */
  solvedAt: timestamp("solved_at", { withTimezone: true }),
  teamId: uuid("team_id"),
  assigneeId: uuid("assignee_id"),
  channel: ticketChannel("channel"),
  priority: ticketPriority("priority"),
  firstResponseAt: timestamp("first_response_at", { withTimezone: true }),
  firstReplyAt: timestamp("first_reply_at", { withTimezone: true }),
  replies: integer("replies").notNull().default(0),
  waitedSeconds: doublePrecision("waited_seconds").notNull().default(0),
  waitStartedAt: timestamp("wait_started_at", { withTimezone: true }),
  reopens: integer("reopens").notNull().default(0),
  // The newest live category correction's final value: the agents' label the AI's category is judged against.
  finalCategory: text("final_category"),
  finalCategoryAt: timestamp("final_category_at", { withTimezone: true }),
  },
  (t) => [
    index("ticket_stats_created_idx").on(t.createdAt),
    index("ticket_stats_solved_idx").on(t.solvedAt).where(sql`${t.solvedAt} is not null`),
  ],
);

export type TicketStats = typeof ticketStats.$inferSelect;

/**
 * The AI-quality queries' judged set, kept (migration tail): per ticket and model version, the latest finished triage
 * with the ticket's filter dimensions and the agents' final category (the newest category correction, else the
 * category a solved ticket kept; null while neither exists). Recomputed for a ticket by refresh_ai_judged() whenever
 * its triage results, its ticket row or its final category change. The dashboard reads it for the edge hours of a
 * range and for filters the daily rollup does not carry (the agent).
 */
export const aiJudged = pgTable(
  "ai_judged",
  {
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    modelVersion: text("model_version").notNull(),
    triageResultId: uuid("triage_result_id")
      .notNull()
      .references(() => triageResults.id, { onDelete: "cascade" }),
    triagedAt: timestamp("triaged_at", { withTimezone: true }).notNull(),
    teamId: uuid("team_id"),
    assigneeId: uuid("assignee_id"),
    channel: ticketChannel("channel").notNull(),
    category: text("category"),
    finalLabel: text("final_label"),
    needsHuman: boolean("needs_human").notNull(),
  },
  (t) => [primaryKey({ name: "ai_judged_pkey", columns: [t.ticketId, t.modelVersion] }), index("ai_judged_triaged_idx").on(t.triagedAt)],
);

export type AiJudged = typeof aiJudged.$inferSelect;

/**
 * The judged set summed per UTC day (of the triage) and the dimensions the dashboard filters and splits by, kept from
 * ai_judged by statement triggers (migration tail). The AI category and the final label are only kept for wrong
 * answers (the confusions); right and unjudged ones collapse to one row per outcome. A year of 100,000 tickets is
 * about 30,000 rows instead of 100,000 judged rows joined to tickets.
 */
export const aiDaily = pgTable(
  "ai_daily",
  {
    day: date("day").notNull(),
    modelVersion: text("model_version").notNull(),
    teamId: uuid("team_id"),
    channel: ticketChannel("channel").notNull(),
    needsHuman: boolean("needs_human").notNull(),
    judged: boolean("judged").notNull(),
    correct: boolean("correct").notNull(),
    /** Set only when judged and wrong. */
    aiCategory: text("ai_category"),
    finalLabel: text("final_label"),
    n: integer("n").notNull(),
  },
  (t) => [
    unique("ai_daily_key")
      .on(t.day, t.modelVersion, t.teamId, t.channel, t.needsHuman, t.judged, t.correct, t.aiCategory, t.finalLabel)
      .nullsNotDistinct(),
  ],
);

/**
 * Public replies summed per UTC day (of the reply), team, channel, draft model version, how the draft was used and
 * characters changed, kept by statement triggers on messages and tickets (migration tail). The edit distance stays
 * exact (a key, not a bucket) so the median from the rollup is the median of the replies.
 */
export const replyDaily = pgTable(
  "reply_daily",
  {
    day: date("day").notNull(),
    teamId: uuid("team_id"),
    channel: ticketChannel("channel").notNull(),
    modelVersion: text("model_version"),
    /** The reply was sent from the draft (it links it). */
    fromDraft: boolean("from_draft").notNull(),
    editDistance: integer("edit_distance"),
    n: integer("n").notNull(),
    chrfSum: doublePrecision("chrf_sum").notNull(),
    chrfCount: integer("chrf_count").notNull(),
  },
  (t) => [unique("reply_daily_key").on(t.day, t.teamId, t.channel, t.modelVersion, t.fromDraft, t.editDistance).nullsNotDistinct()],
);
