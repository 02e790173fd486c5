import { index, pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
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
