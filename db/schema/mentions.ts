import { sql } from "drizzle-orm";
import { index, pgTable, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { messages } from "./messages";
import { tickets } from "./tickets";
import { users } from "./users";

/**
 * An agent @mentioned in an internal note. Unread until they open the ticket; their inbox's "Mentions" view lists the
 * tickets with an unread one.
 */
export const mentions = pgTable(
  "mentions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp("read_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("mentions_message_user_key").on(t.messageId, t.userId),
    // The Mentions view and its count: one agent's unread mentions.
    index("mentions_unread_idx").on(t.userId, t.ticketId).where(sql`${t.readAt} is null`),
    index("mentions_ticket_idx").on(t.ticketId),
  ],
);

export type Mention = typeof mentions.$inferSelect;
