import { randomUUID } from "node:crypto";
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { rawInbound, tickets, type RawInbound, type RawInboundKind, type RawInboundStatus } from "@/db/schema";
import { cleanDeep, cleanText } from "@/server/clean-input";
import { AppError, describeError, reportError } from "@/server/errors";
import { JOB_PRIORITY } from "@/server/jobs/jobs";
import { RejectedInput, type IngestAdapter, type ProcessContext, type ProcessOutcome } from "./adapter";
import { apiAdapter } from "./api/adapter";
import { emailAdapter } from "./email/adapter";
import { groupCommit } from "./group-commit";
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
export async function processRaw(db: Db, row: RawInbound, ctx: ProcessContext = { triagePriority: JOB_PRIORITY.live }): Promise<IngestResult> {
  const adapter = adapters[row.kind];
  let outcome: ProcessOutcome | undefined;
  let failure: string | undefined;
  // Two copies of one message arriving at once race on the Message-ID unique index: the loser, run again, sees a duplicate.
  for (let attempt = 0; attempt < 2 && !outcome; attempt++) {
    try {
      outcome = await adapter.process(db, row, ctx);
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

export interface Accepted {
  rawId: string;
  status: RawInboundStatus;
  /** The transport delivered this item before (same dedupe key): the row stored the first time answers. */
  repeated: boolean;
}

/**
 * Stores a batch of items and their `process-inbound` jobs in one statement, so one round trip, one commit and one
 * NOTIFY for the inbound runner (graphile_worker.add_jobs), however many items. Ids are made here, so each caller's
 * row is found whatever order Postgres returns them in. Items whose dedupe key was stored before insert nothing and
 * queue nothing; they are answered from the stored row.
 */
async function acceptBatch(db: Db, items: RawItem[]): Promise<Accepted[]> {
  const rows = items.map((item) => ({
    id: randomUUID(),
    kind: item.kind,
    source: item.source,
    bytes: item.bytes.toString("base64"),
    size: item.bytes.length,
    content_type: item.contentType ?? null,
    meta: cleanDeep(item.meta ?? {}),
    dedupe_key: item.dedupeKey ?? null,
  }));
  // postgres.js directly: one fixed statement (prepared once per connection) with one json parameter, whatever the
  // batch size; this path runs for every accepted item.
  const stored = await db.$sql<{ id: string; status: RawInboundStatus }[]>`
    with input as (
      select * from json_to_recordset(${JSON.stringify(rows)}::json)
        as t(id uuid, kind raw_inbound_kind, source text, bytes text, size integer, content_type text, meta jsonb, dedupe_key text)
    ), stored as (
      insert into raw_inbound (id, kind, source, bytes, size, content_type, meta, dedupe_key)
      select id, kind, source, decode(bytes, 'base64'), size, content_type, meta, dedupe_key from input
      on conflict do nothing
      returning id, status
    ), queued as (
      select count(*) as n from graphile_worker.add_jobs(array(
        select row('process-inbound', json_build_object('rawId', id), null, null, 8, 'inbound:' || id::text, null, null)::graphile_worker.job_spec
        from stored))
    )
    select stored.id::text as id, stored.status from stored, queued`;
  const byId = new Map(stored.map((r) => [r.id, r.status]));
  const repeatedKeys = rows.filter((r) => !byId.has(r.id)).map((r) => r.dedupe_key!);
  const earlier = repeatedKeys.length
    ? new Map(
        (await db.select({ id: rawInbound.id, status: rawInbound.status, key: rawInbound.dedupeKey }).from(rawInbound).where(inArray(rawInbound.dedupeKey, repeatedKeys))).map(
          (r) => [r.key, r],
        ),
      )
    : new Map();
  return rows.map((r) => {
    const status = byId.get(r.id);
    if (status) return { rawId: r.id, status, repeated: false };
    const first = earlier.get(r.dedupe_key);
    if (!first) throw new Error("raw_inbound insert conflicted but no row holds its dedupe key");
    return { rawId: first.id, status: first.status, repeated: true };
  });
}

const acceptors = new WeakMap<Db, (item: RawItem) => Promise<Accepted>>();

/**
 * Store and queue, the way an MTA accepts mail: the raw row and its `process-inbound` job commit together, so once
 * this resolves the item is durable and will be processed (by the mail process's inbound runner), and the caller may
 * answer 250 / 202 without waiting for parsing, threading and the ticket. Concurrent calls are group-committed
 * (`group-commit.ts`): each resolves when the batch holding it has committed. A repeated dedupe key queues nothing new.
 */
export function accept(db: Db, item: RawItem): Promise<Accepted> {
  let acceptor = acceptors.get(db);
  if (!acceptor) {
    // Up to 256 items or 16 MB a statement: a burst of small mail goes in a few batches, large items in their own.
    acceptor = groupCommit({
      run: (items) => acceptBatch(db, items),
      maxItems: 256,
      maxBytes: 16 * 1024 * 1024,
      size: (i: RawItem) => i.bytes.length,
      concurrency: 2,
    });
    acceptors.set(db, acceptor);
  }
  return acceptor(item);
}

/** The `process-inbound` job: idempotent, an item already settled (e.g. by a replay) is left alone. */
export async function processQueued(db: Db, rawId: string) {
  const [row] = await db.select().from(rawInbound).where(eq(rawInbound.id, rawId));
  if (!row || row.status !== "received") return null;
  return processRaw(db, row);
}

/** Processes a failed (or stuck) item again, e.g. after a parser fix. */
export async function replayRaw(db: Db, id: string) {
  const [row] = await db.select().from(rawInbound).where(eq(rawInbound.id, id));
  if (!row) throw new AppError("NOT_FOUND", "Inbound item not found.");
  if (row.status !== "failed" && row.status !== "received") {
    throw new AppError("CONFLICT", `This item was already ${row.status}; only failed items are replayed.`);
  }
  // Behind live mail: a replay is an admin fixing the past, no customer is waiting on this second.
  return processRaw(db, row, { triagePriority: JOB_PRIORITY.background });
}

/**
 * Items stored but never processed and with no job left to do it (the process died between storing and processing
 * an item taken synchronously): picked up when the mail process starts. Items with a queued job are the job's, or
 * two runs of one API create would make two tickets.
 */
export async function processStuck(db: Db, olderThanSeconds = 60) {
  const rows = await db
    .select()
    .from(rawInbound)
    .where(
      and(
        eq(rawInbound.status, "received"),
        lt(rawInbound.receivedAt, sql`now() - make_interval(secs => ${olderThanSeconds})`),
        sql`not exists (select 1 from graphile_worker.jobs j where j.key = 'inbound:' || ${rawInbound.id}::text)`,
      ),
    )
    .limit(500);
  for (const row of rows) await processRaw(db, row);
  return rows.length;
}
