import { sql } from "drizzle-orm";
import { boolean, customType, index, pgEnum, pgTable, primaryKey, serial, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { customers } from "./customers";
import { categories } from "./taxonomy";
import { teams } from "./teams";
import { users } from "./users";

export const ticketStatus = pgEnum("ticket_status", ["new", "open", "pending", "solved", "closed"]);
export const ticketPriority = pgEnum("ticket_priority", ["low", "normal", "high", "urgent"]);
export const ticketChannel = pgEnum("ticket_channel", ["email", "web", "api", "webhook", "manual"]);
export type TicketStatus = (typeof ticketStatus.enumValues)[number];
export type TicketPriority = (typeof ticketPriority.enumValues)[number];
export type TicketChannel = (typeof ticketChannel.enumValues)[number];

/** Postgres full-text document; written by triggers only, read by the search (never selected as a value). */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

export const tickets = pgTable(
  "tickets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // Human-facing number, also the thread token in email subjects: [#1234].
    number: serial("number").notNull().unique("tickets_number_key"),
    subject: text("subject").notNull(),
    status: ticketStatus("status").notNull().default("new"),
    priority: ticketPriority("priority").notNull().default("normal"),
    category: text("category").references(() => categories.key, { onUpdate: "cascade", onDelete: "set null" }),
    channel: ticketChannel("channel").notNull(),
    customerId: uuid("customer_id").references(() => customers.id, { onDelete: "set null" }),
    assigneeId: uuid("assignee_id").references(() => users.id, { onDelete: "set null" }),
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
    // Where the ticket came from when it lives in another helpdesk too (e.g. "zendesk:acme"), and its id there.
    source: text("source"),
    externalId: text("external_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    lastMessageAt: timestamp("last_message_at", { withTimezone: true }).notNull().defaultNow(),
    firstResponseAt: timestamp("first_response_at", { withTimezone: true }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    slaDueAt: timestamp("sla_due_at", { withTimezone: true }),
    // Verified values of the AI's other fields: set by an agent's accept or change (never by triage on its own).
    sentiment: text("sentiment"),
    language: text("language"),
    summary: text("summary"),
    // Copied from the latest triage so the queues can filter and count them without a per-ticket subquery; an agent
    // verifying the category clears needs_human.
    needsHuman: boolean("needs_human").notNull().default(false),
    flagged: boolean("flagged").notNull().default(false),
    // The inbox search's one document per ticket: subject, number, customer name and email, and every message and
    // note (each capped), lexemes without positions. Kept by triggers (migration ticket_search), so every path that
    // writes a ticket, a message or a customer keeps it current.
    searchVector: tsvector("search_vector").notNull().default(sql`''::tsvector`),
    // Snoozed: out of the open views until then (checked at query time, so nothing has to wake it); a customer
    // message clears it.
    snoozedUntil: timestamp("snoozed_until", { withTimezone: true }),
  },
  (t) => [
    index("tickets_status_idx").on(t.status, t.lastMessageAt),
    index("tickets_assignee_idx").on(t.assigneeId),
    index("tickets_team_idx").on(t.teamId),
    index("tickets_customer_idx").on(t.customerId),
    // Full-text search (the inbox's search box): 'simple' because tickets come in many languages.
    index("tickets_search_idx").using("gin", t.searchVector),
    index("tickets_open_updated_idx").on(t.lastMessageAt).where(sql`${t.status} not in ('solved', 'closed')`),
    // The "all tickets" view and its priority sort read these in order instead of sorting every ticket.
    index("tickets_last_message_idx").on(t.lastMessageAt),
    index("tickets_open_priority_idx").on(t.priority, t.number).where(sql`${t.status} not in ('solved', 'closed')`),
    // The needs-human and flagged queues are a few percent of open work: their own small indexes.
    index("tickets_open_needs_human_idx").on(t.lastMessageAt).where(sql`${t.needsHuman} and ${t.status} not in ('solved', 'closed')`),
    index("tickets_open_flagged_idx").on(t.lastMessageAt).where(sql`${t.flagged} and ${t.status} not in ('solved', 'closed')`),
    // sla_due_at is kept by a trigger from sla_policies (migration 0009); the "SLA at risk" queue reads it.
    index("tickets_open_sla_idx").on(t.slaDueAt).where(sql`${t.status} not in ('solved', 'closed')`),
    // Analytics: every dashboard query selects tickets by creation or solve time (server/analytics/).
    index("tickets_created_idx").on(t.createdAt),
    index("tickets_resolved_idx").on(t.resolvedAt).where(sql`${t.resolvedAt} is not null`),
    uniqueIndex("tickets_source_external_key").on(t.source, t.externalId).where(sql`${t.externalId} is not null`),
  ],
);

export const tags = pgTable("tags", {
  name: text("name").primaryKey(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const ticketTags = pgTable(
  "ticket_tags",
  {
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    tag: text("tag")
      .notNull()
      .references(() => tags.name, { onDelete: "cascade", onUpdate: "cascade" }),
  },
  (t) => [primaryKey({ name: "ticket_tags_pkey", columns: [t.ticketId, t.tag] }), index("ticket_tags_tag_idx").on(t.tag)],
);

export type Ticket = typeof tickets.$inferSelect;

export const presenceState = pgEnum("presence_state", ["viewing", "typing"]);
export type PresenceState = (typeof presenceState.enumValues)[number];

/**
 * Who has a ticket open right now, one row per agent and ticket, refreshed by a heartbeat from the page; a row older
 * than the TTL (server/tickets/presence.ts) is ignored, so a closed laptop drops out without saying goodbye.
 */
export const ticketPresence = pgTable(
  "ticket_presence",
  {
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    state: presenceState("state").notNull(),
    seenAt: timestamp("seen_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "ticket_presence_pkey", columns: [t.ticketId, t.userId] })],
);
