import { sql } from "drizzle-orm";
import { customType, index, integer, jsonb, pgEnum, pgTable, real, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { customers } from "./customers";
import { tickets } from "./tickets";
import { users } from "./users";

export const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

export const messageDirection = pgEnum("message_direction", ["inbound", "outbound", "note"]);
export const deliveryStatus = pgEnum("delivery_status", ["none", "queued", "sent", "failed"]);
export type MessageDirection = (typeof messageDirection.enumValues)[number];

export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    direction: messageDirection("direction").notNull(),
    authorUserId: uuid("author_user_id").references(() => users.id, { onDelete: "set null" }),
    customerId: uuid("customer_id").references(() => customers.id, { onDelete: "set null" }),
    // The new text only (quoted history and signatures stripped); the full original stays in raw_inbound.
    bodyText: text("body_text").notNull(),
    bodyHtml: text("body_html"),
    headers: jsonb("headers").$type<Record<string, string>>(),
    messageIdHeader: text("message_id_header"),
    inReplyTo: text("in_reply_to"),
    references: text("references").array(),
    // Set by the ingestion layer: the raw item this message was parsed from.
    rawInboundId: uuid("raw_inbound_id"),
    deliveryStatus: deliveryStatus("delivery_status").notNull().default("none"),
    deliveryError: text("delivery_error"),
    deliveryAttempts: integer("delivery_attempts").notNull().default(0),
    // An agent reply's link to the AI draft it started from (the SLM's training pair): the triage result whose draft
    // was used, that draft's text as shown, and how far the sent text moved from it (Levenshtein characters, chrF
    // 0-100). Null on a reply written from scratch.
    draftTriageId: uuid("draft_triage_id"),
    draftText: text("draft_text"),
    draftEditDistance: integer("draft_edit_distance"),
    draftChrf: real("draft_chrf"),
    // Set by a trigger on public replies (migration tail): the model version of the draft this reply was sent from, or
    // else of the newest draft on offer when it was written (a discarded draft); null when none was (from scratch).
    // Draft use reads it instead of searching each reply's earlier triage results.
    draftModelVersion: text("draft_model_version"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("messages_ticket_idx").on(t.ticketId, t.createdAt),
    // Analytics' draft use reads the public replies sent in a date range: a third of the rows or fewer.
    index("messages_outbound_created_idx").on(t.createdAt).where(sql`${t.direction} = 'outbound'`),
    uniqueIndex("messages_message_id_key").on(t.messageIdHeader).where(sql`${t.messageIdHeader} is not null`),
  ],
);

export const attachments = pgTable(
  "attachments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    content: bytea("content").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("attachments_message_idx").on(t.messageId)],
);

export type Message = typeof messages.$inferSelect;
