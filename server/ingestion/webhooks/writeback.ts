import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Task } from "graphile-worker";
import type { Db, DbOrTx } from "@/db/client";
import { getDb } from "@/db/client";
import { categories, helpdeskWritebacks, tickets, triageResults, webhookSources, type TicketPriority, type WebhookKind } from "@/db/schema";
import { enqueue } from "@/server/jobs/enqueue";
import { jobPayloads } from "@/server/jobs/jobs";
import { safeMessage } from "@/server/errors";

const TIMEOUT_MS = 15_000;

/** Tickets keep their webhook origin as `<kind>:<source name>` (webhooks/adapter.ts). */
const sourceOfTicket = sql`${tickets.source} = ${webhookSources.kind}::text || ':' || ${webhookSources.name}`;

/**
 * Queues the write-back of a finished triage when its ticket came from a webhook source with write-back configured.
 * Meant to run in the transaction that stores the result, so a stored result and its write-back job go together.
 * Keyed by the result: a re-triage of the same message replaces a job still waiting instead of adding a second.
 */
export async function enqueueWriteback(tx: DbOrTx, t: { ticketId: string; triageResultId: string }) {
  const [source] = await tx
    .select({ id: webhookSources.id })
    .from(tickets)
    .innerJoin(webhookSources, sourceOfTicket)
    .where(and(eq(tickets.id, t.ticketId), isNotNull(tickets.externalId), isNotNull(webhookSources.writebackUrl), isNull(webhookSources.disabledAt)));
  if (!source) return false;
  await tx
    .insert(helpdeskWritebacks)
    .values({ triageResultId: t.triageResultId, sourceId: source.id })
    .onConflictDoUpdate({
      target: helpdeskWritebacks.triageResultId,
      set: { sourceId: source.id, status: "pending", attempts: 0, httpStatus: null, error: null, updatedAt: new Date() },
    });
  await enqueue(tx, "helpdesk-writeback", { triageResultId: t.triageResultId }, { jobKey: `writeback:${t.triageResultId}` });
  return true;
}

export interface WritebackData {
  externalId: string;
  ticketNumber: number;
  modelVersion: string;
  category: string | null;
  categoryLabel: string | null;
  priority: TicketPriority | null;
  tags: string[];
  summary: string | null;
  needsHuman: boolean;
  reasons: string[];
}

interface HttpCall {
  method: "PUT" | "POST";
  url: string;
  body: unknown;
}

/** Helpdesk tags are lower-case words: "Late delivery" becomes "late_delivery". */
function tag(s: string) {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

function tagsOf(d: WritebackData) {
  const all = [...d.tags.map(tag), ...(d.category ? [`deskling_category_${tag(d.category)}`] : []), ...(d.needsHuman ? ["deskling_needs_human"] : [])];
  return [...new Set(all.filter(Boolean))];
}

function noteOf(d: WritebackData) {
  const lines = [`Deskling triage of #${d.ticketNumber} (${d.modelVersion})`];
  if (d.summary) lines.push("", d.summary);
  lines.push("");
  if (d.category) lines.push(`Category: ${d.categoryLabel ?? d.category}`);
  if (d.priority) lines.push(`Priority: ${d.priority}`);
  if (d.needsHuman) lines.push(`Needs a human${d.reasons.length ? `: ${d.reasons.join("; ")}` : ""}`);
  return lines.join("\n");
}

const FRESHDESK_PRIORITY: Record<TicketPriority, number> = { low: 1, normal: 2, high: 3, urgent: 4 };

/** The requests that write `d` to a helpdesk of `kind` at `base` (no trailing slash), in order. */
export function writebackCalls(kind: WebhookKind, base: string, d: WritebackData): HttpCall[] {
  const id = encodeURIComponent(d.externalId);
  const tags = tagsOf(d);
  const note = noteOf(d);
  switch (kind) {
    case "zendesk":
      // additional_tags adds to the ticket's tags; `tags` would replace the ones agents set in Zendesk.
      return [
        {
          method: "PUT",
          url: `${base}/api/v2/tickets/${id}.json`,
          body: { ticket: { additional_tags: tags, ...(d.priority ? { priority: d.priority } : {}), comment: { body: note, public: false } } },
        },
      ];
    case "freshdesk":
      return [
        { method: "PUT", url: `${base}/api/v2/tickets/${id}`, body: { tags, ...(d.priority ? { priority: FRESHDESK_PRIORITY[d.priority] } : {}) } },
        { method: "POST", url: `${base}/api/v2/tickets/${id}/notes`, body: { body: note, private: true } },
      ];
    case "generic":
      return [
        {
          method: "POST",
          url: `${base}/tickets/${id}/triage`,
          body: {
            ticket: { external_id: d.externalId, number: d.ticketNumber },
            triage: { category: d.category, priority: d.priority, tags, summary: d.summary, needs_human: d.needsHuman, reasons: d.reasons },
            note,
            model_version: d.modelVersion,
          },
        },
      ];
  }
}

/** Zendesk takes an OAuth access token as Bearer; Freshdesk's API key is the Basic user with any password. */
function authorization(kind: WebhookKind, token: string) {
  return kind === "freshdesk" ? `Basic ${Buffer.from(`${token}:X`).toString("base64")}` : `Bearer ${token}`;
}

/** A refusal the helpdesk will repeat (4xx): recorded, never retried. */
class Refused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Writes one triage result back to its helpdesk. Records the outcome in helpdesk_writebacks; throws on a network
 * failure or a 5xx so the queue retries with backoff (the last attempt is recorded as failed). Never logs the token.
 */
export async function writeBack(db: Db, triageResultId: string, at: { attempt: number; maxAttempts: number }) {
  const [row] = await db
    .select({
      kind: webhookSources.kind,
      url: webhookSources.writebackUrl,
      token: webhookSources.writebackToken,
      status: helpdeskWritebacks.status,
      externalId: tickets.externalId,
      ticketNumber: tickets.number,
      result: triageResults,
      categoryLabel: categories.label,
    })
    .from(helpdeskWritebacks)
    .innerJoin(triageResults, eq(triageResults.id, helpdeskWritebacks.triageResultId))
    .innerJoin(tickets, eq(tickets.id, triageResults.ticketId))
    .leftJoin(webhookSources, eq(webhookSources.id, helpdeskWritebacks.sourceId))
    .leftJoin(categories, eq(categories.key, triageResults.category))
    .where(eq(helpdeskWritebacks.triageResultId, triageResultId));
  if (!row || row.status === "sent") return;

  const record = (set: { status: "pending" | "sent" | "failed"; httpStatus?: number | null; error?: string | null }) =>
    db
      .update(helpdeskWritebacks)
      .set({ httpStatus: null, error: null, ...set, attempts: at.attempt, updatedAt: new Date() })
      .where(eq(helpdeskWritebacks.triageResultId, triageResultId));

  if (!row.kind || !row.url || !row.token || !row.externalId) {
    return void (await record({ status: "failed", error: "write-back is no longer configured for this source" }));
  }
  const r = row.result;
  const calls = writebackCalls(row.kind, row.url.replace(/\/+$/, ""), {
    externalId: row.externalId,
    ticketNumber: row.ticketNumber,
    modelVersion: r.modelVersion,
    category: r.category,
    categoryLabel: row.categoryLabel,
    priority: r.priority,
    tags: r.tags ?? [],
    summary: r.summary,
    needsHuman: r.needsHuman,
    reasons: r.flags?.reasons ?? (r.error ? [r.error] : []),
  });

  let last: number | null = null;
  try {
    for (const call of calls) {
      last = null;
      const res = await fetch(call.url, {
        method: call.method,
        headers: { "content-type": "application/json", accept: "application/json", authorization: authorization(row.kind, row.token) },
        body: JSON.stringify(call.body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      last = res.status;
      const text = await res.text().catch(() => "");
      const what = `${call.method} ${new URL(call.url).pathname} answered ${res.status}${text ? `: ${text.slice(0, 300)}` : ""}`;
      if (res.status >= 400 && res.status < 500) throw new Refused(res.status, what);
      if (!res.ok) throw new Error(what);
    }
  } catch (err) {
    const refused = err instanceof Refused;
    const final = refused || at.attempt >= at.maxAttempts;
    const message = safeMessage(err);
    await record({
      status: final ? "failed" : "pending",
      httpStatus: refused ? err.status : last,
      error: `attempt ${at.attempt}/${at.maxAttempts}: ${message}`.slice(0, 1000),
    });
    if (final) return;
    throw err;
  }
  await record({ status: "sent", httpStatus: last });
}

/** The graphile-worker task for `helpdesk-writeback`. */
export function createWritebackTask(): Task {
  return async (payload, helpers) => {
    const { triageResultId } = jobPayloads["helpdesk-writeback"].parse(payload);
    await writeBack(getDb(), triageResultId, { attempt: helpers.job.attempts, maxAttempts: helpers.job.max_attempts });
  };
}
