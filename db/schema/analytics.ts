import { doublePrecision, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { ticketStatus, tickets } from "./tickets";

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
export const ticketStats = pgTable("ticket_stats", {
  ticketId: uuid("ticket_id")
    .primaryKey()
    .references(() => tickets.id, { onDelete: "cascade" }),
  firstReplyAt: timestamp("first_reply_at", { withTimezone: true }),
  replies: integer("replies").notNull().default(0),
  waitedSeconds: doublePrecision("waited_seconds").notNull().default(0),
  waitStartedAt: timestamp("wait_started_at", { withTimezone: true }),
  reopens: integer("reopens").notNull().default(0),
  // The newest live category correction's final value: the agents' label the AI's category is judged against.
  finalCategory: text("final_category"),
  finalCategoryAt: timestamp("final_category_at", { withTimezone: true }),
});

export type TicketStats = typeof ticketStats.$inferSelect;
