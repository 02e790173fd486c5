import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { bytea, messages } from "./messages";
import { tickets } from "./tickets";
import { triageResults } from "./triage";
import { users } from "./users";

export const rawInboundKind = pgEnum("raw_inbound_kind", ["email", "webhook", "api"]);
export const rawInboundStatus = pgEnum("raw_inbound_status", ["received", "processed", "failed", "ignored", "duplicate"]);
export type RawInboundKind = (typeof rawInboundKind.enumValues)[number];
export type RawInboundStatus = (typeof rawInboundStatus.enumValues)[number];

/**
 * Every inbound item exactly as it arrived, written before anything parses it, so a parser bug or a crash
 * can never lose a message: failed rows are listed for admins and can be replayed.
 */
export const rawInbound = pgTable(
  "raw_inbound",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: rawInboundKind("kind").notNull(),
    // Where it came from: "smtp", "imap:<mailbox>", "http:email", "webhook:<source name>", "api:<key prefix>".
    source: text("source").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    bytes: bytea("bytes").notNull(),
    size: integer("size").notNull(),
    contentType: text("content_type"),
    // Transport facts that are not in the bytes: SMTP envelope, remote address, IMAP uid, webhook headers.
    meta: jsonb("meta").$type<Record<string, unknown>>().notNull().default({}),
    // Transport-level idempotency (e.g. "imap:<mailbox>:<uidvalidity>:<uid>"); content-level dedupe is by Message-ID.
    dedupeKey: text("dedupe_key"),
    status: rawInboundStatus("status").notNull().default("received"),
    error: text("error"),
    attempts: integer("attempts").notNull().default(0),
    processedAt: timestamp("processed_at", { withTimezone: true }),
    ticketId: uuid("ticket_id").references(() => tickets.id, { onDelete: "set null" }),
    messageId: uuid("message_id").references(() => messages.id, { onDelete: "set null" }),
  },
  (t) => [
    index("raw_inbound_status_idx").on(t.status, t.receivedAt),
    uniqueIndex("raw_inbound_dedupe_key").on(t.dedupeKey).where(sql`${t.dedupeKey} is not null`),
  ],
);

/**
 * REST API keys. Only a SHA-256 of the secret is kept: keys are 192 random bits, so a slow hash adds nothing
 * but latency on every request. The prefix is shown in the UI and used to find the row.
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    hash: text("hash").notNull(),
    scopes: text("scopes").array().notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("api_keys_prefix_key").on(t.prefix)],
);

export const webhookKind = pgEnum("webhook_kind", ["zendesk", "freshdesk", "generic"]);
export type WebhookKind = (typeof webhookKind.enumValues)[number];

/**
 * A helpdesk that posts to /api/ingest/webhooks/<name>. The secret is kept in clear because HMAC verification
 * needs it (a hash cannot verify a signature); it is never returned by the API after creation nor logged.
 */
export const webhookSources = pgTable("webhook_sources", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique("webhook_sources_name_key"),
  kind: webhookKind("kind").notNull(),
  secret: text("secret").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  disabledAt: timestamp("disabled_at", { withTimezone: true }),
  // Optional write-back of triage results to the helpdesk's REST API; the token, like the secret, is never returned.
  writebackUrl: text("writeback_url"),
  writebackToken: text("writeback_token"),
});

export const writebackStatus = pgEnum("writeback_status", ["pending", "sent", "failed"]);

/** The outcome of writing one triage result back to its helpdesk: pending while retrying, then sent or failed. */
export const helpdeskWritebacks = pgTable("helpdesk_writebacks", {
  triageResultId: uuid("triage_result_id")
    .primaryKey()
    .references(() => triageResults.id, { onDelete: "cascade" }),
  sourceId: uuid("source_id").references(() => webhookSources.id, { onDelete: "set null" }),
  status: writebackStatus("status").notNull().default("pending"),
  attempts: integer("attempts").notNull().default(0),
  httpStatus: integer("http_status"),
  error: text("error"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** How far the IMAP poller has read each mailbox; a new UIDVALIDITY means the server renumbered it. */
export const imapState = pgTable("imap_state", {
  mailbox: text("mailbox").primaryKey(),
  uidValidity: text("uid_validity").notNull(),
  // IMAP UIDs are unsigned 32-bit: beyond an int4.
  lastUid: bigint("last_uid", { mode: "number" }).notNull().default(0),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type RawInbound = typeof rawInbound.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type WebhookSource = typeof webhookSources.$inferSelect;
export type HelpdeskWriteback = typeof helpdeskWritebacks.$inferSelect;
