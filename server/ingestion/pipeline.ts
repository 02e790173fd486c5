import { and, eq, lt, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { rawInbound, tickets, type RawInbound, type RawInboundKind, type RawInboundStatus } from "@/db/schema";
import { cleanDeep, cleanText } from "@/server/clean-input";
import { AppError, describeError, reportError } from "@/server/errors";
import { RejectedInput, type IngestAdapter, type ProcessOutcome } from "./adapter";
import { apiAdapter } from "./api/adapter";
import { emailAdapter } from "./email/adapter";
import { webhookAdapter } from "./webhooks/adapter";

const adapters: Record<RawInboundKind, IngestAdapter> = { email: emailAdapter, webhook: webhookAdapter, api: apiAdapter };

export interface RawItem {
  kind: RawInboundKind;
  source: string;
  bytes: Buffer;
  contentType?: string | null;
  meta?: Record<string, unknown>;
  dedupeKey?: string;
}

/** What a caller (SMTP, HTTP) answers from. */
export interface IngestResult {
  rawId: string;
  status: RawInboundStatus;
  ticketId: string | null;
  ticketNumber: number | null;
  messageId: string | null;
  createdTicket: boolean;
  /** Why it failed or was ignored. */
  reason: string | null;
  /** The transport delivered this item before (same dedupe key): nothing new was stored. */
  repeated: boolean;
}

/** Writes the item as received. A repeated dedupe key returns the row already stored instead of a second one. */
export async function storeRaw(db: DbOrTx, item: RawItem): Promise<{ row: RawInbound; repeated: boolean }> {
  const [row] = await db
    .insert(rawInbound)
    .values({
      kind: item.kind,
      source: item.source,
      bytes: item.bytes,
      size: item.bytes.length,
      contentType: item.contentType ?? null,
      meta: cleanDeep(item.meta ?? {}),
      dedupeKey: item.dedupeKey ?? null,
    })
    .onConflictDoNothing()
    .returning();
  if (row) return { row, repeated: false };
  const [existing] = await db.select().from(rawInbound).where(eq(rawInbound.dedupeKey, item.dedupeKey!));
  if (!existing) throw new Error("raw_inbound insert conflicted but no row holds its dedupe key");
  return { row: existing, repeated: true };
}

/** Drizzle wraps driver errors ("Failed query: …" plus every parameter): the cause is the part worth keeping. */
function rootCause(err: unknown): unknown {
  return err instanceof Error && err.cause instanceof Error ? err.cause : err;
}

function isUniqueViolation(err: unknown) {
  const e = rootCause(err);
  return typeof e === "object" && e !== null && (e as { code?: string }).code === "23505";
}

/**
 * The reason stored on a failed item, shown to admins. Adapters throw our own errors (a missing field, an unknown
 * ticket): their message is the reason. Anything else (a driver error quotes the statement and its values) is
 * described by kind only, with the id of the log line.
 */
function describe(err: unknown) {
  const e = rootCause(err);
  if (e instanceof AppError || e instanceof RejectedInput || (e instanceof Error && e.name === "ZodError")) return cleanText(e.message).slice(0, 2000);
  const r = describeError(err);
  return `${r.code}: ${r.detail} (error id ${r.id})`;
}

/**
 * Runs the adapter for a stored item and records the outcome on it. Never throws for a bad item: the failure
 * is written to the row (status failed, reason) where admins see it and can replay it.
 */
export async function processRaw(db: Db, row: RawInbound): Promise<IngestResult> {
  const adapter = adapters[row.kind];
  let outcome: ProcessOutcome | undefined;
  let failure: string | undefined;
  // Two copies of one message arriving at once race on the Message-ID unique index: the loser, run again, sees a duplicate.
  for (let attempt = 0; attempt < 2 && !outcome; attempt++) {
    try {
      outcome = await adapter.process(db, row);
      failure = undefined;
    } catch (err) {
      failure = describe(err);
      if (!isUniqueViolation(err)) break;
    }
  }
  if (!outcome) {
    await db
      .update(rawInbound)
      .set({ status: "failed", error: failure ?? "unknown error", attempts: sql`${rawInbound.attempts} + 1`, processedAt: sql`now()` })
      .where(eq(rawInbound.id, row.id));
    console.warn(`[ingest] ${row.kind} ${row.id} from ${row.source} failed (reason stored on the item)`);
    return { rawId: row.id, status: "failed", ticketId: null, ticketNumber: null, messageId: null, createdTicket: false, reason: failure ?? "unknown error", repeated: false };
  }
  await db
    .update(rawInbound)
    .set({
      status: outcome.status,
      error: outcome.status === "ignored" ? outcome.reason : null,
      ticketId: outcome.status === "ignored" ? null : outcome.ticketId,
      messageId: outcome.status === "ignored" ? null : outcome.messageId,
      attempts: sql`${rawInbound.attempts} + 1`,
      processedAt: sql`now()`,
    })
    .where(eq(rawInbound.id, row.id));
  return outcome.status === "ignored"
    ? { rawId: row.id, status: "ignored", ticketId: null, ticketNumber: null, messageId: null, createdTicket: false, reason: outcome.reason, repeated: false }
    : { rawId: row.id, status: outcome.status, ticketId: outcome.ticketId, ticketNumber: outcome.ticketNumber, messageId: outcome.messageId, createdTicket: outcome.createdTicket, reason: null, repeated: false };
}

/** Store first, then process: the one path for every inbound item. */
export async function ingest(db: Db, item: RawItem): Promise<IngestResult> {
  const { row, repeated } = await storeRaw(db, item);
  if (!repeated || row.status === "received" || row.status === "failed") {
    try {
      return { ...(await processRaw(db, row)), repeated };
    } catch (err) {
      // Stored is accepted: the sender must not retry. The sweep in the mail process finishes it later.
      const r = reportError(`ingest ${row.id} stored, processing deferred`, err);
      const reason = `processing deferred: ${r.code} (error id ${r.id})`;
      return { rawId: row.id, status: "received", ticketId: null, ticketNumber: null, messageId: null, createdTicket: false, reason, repeated };
    }
  }
  const [t] = row.ticketId ? await db.select({ number: tickets.number }).from(tickets).where(eq(tickets.id, row.ticketId)) : [];
  return {
    rawId: row.id,
    // The same item again (e.g. a helpdesk re-delivering an event): answered like a Message-ID duplicate.
    status: row.status === "processed" ? "duplicate" : row.status,
    ticketId: row.ticketId,
    ticketNumber: t?.number ?? null,
    messageId: row.messageId,
    createdTicket: false,
    reason: row.status === "ignored" ? row.error : null,
    repeated,
  };
}

/** Processes a failed (or stuck) item again, e.g. after a parser fix. */
export async function replayRaw(db: Db, id: string) {
  const [row] = await db.select().from(rawInbound).where(eq(rawInbound.id, id));
  if (!row) throw new AppError("NOT_FOUND", "Inbound item not found.");
  if (row.status !== "failed" && row.status !== "received") {
    throw new AppError("CONFLICT", `This item was already ${row.status}; only failed items are replayed.`);
  }
  return processRaw(db, row);
}

/** Items stored but never processed (the process died in between): picked up when the mail process starts. */
export async function processStuck(db: Db, olderThanSeconds = 60) {
  const rows = await db
    .select()
    .from(rawInbound)
    .where(and(eq(rawInbound.status, "received"), lt(rawInbound.receivedAt, sql`now() - make_interval(secs => ${olderThanSeconds})`)))
    .limit(500);
  for (const row of rows) await processRaw(db, row);
  return rows.length;
}
