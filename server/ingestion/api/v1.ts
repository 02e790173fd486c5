import { eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { customers, ticketPriority, tickets, ticketStatus } from "@/db/schema";
import { cleanDeep } from "@/server/clean-input";
import { env } from "@/config/env";
import { AppError } from "@/server/errors";
import { getTicket } from "@/server/tickets/get-ticket";
import { listTickets } from "@/server/tickets/list-tickets";
import { updateTicket } from "@/server/learning/update-ticket";
import { errorResponse, json, parseJson, readBodyLimited } from "../http";
import { getInboundStatus } from "../inbound-status";
import { accept, ingest, type IngestResult } from "../pipeline";
import { addMessageBody, createTicketBody, type ApiIngestMeta } from "./adapter";
import { verifyApiKey, type ApiScope } from "./keys";

/** REST API v1. Route files under app/api/v1 only forward here, so these run (and are tested) without Next. */

type Handler = (req: Request, ctx: { params: Record<string, string> }) => Promise<Response>;

function endpoint(scope: ApiScope, name: string, fn: (req: Request, key: Awaited<ReturnType<typeof verifyApiKey>>, params: Record<string, string>) => Promise<Response>): Handler {
  return async (req, { params }) => {
    try {
      const key = await verifyApiKey(getDb(), req.headers, scope);
      return await fn(req, key, params);
    } catch (err) {
      return errorResponse(err, `v1 ${name}`);
    }
  };
}

/** The inbound source of what a key sends: its items are found (and only its own) by this. */
const apiSource = (key: { prefix: string }) => `api:${key.prefix}`;

/** A ticket by its uuid or its number. */
async function resolveTicket(ref: string) {
  const db = getDb();
  const where = /^\d{1,9}$/.test(ref) ? eq(tickets.number, Number(ref)) : z.uuid().safeParse(ref).success ? eq(tickets.id, ref) : null;
  if (!where) throw new AppError("NOT_FOUND", "Ticket not found.");
  const [t] = await db
    .select({ id: tickets.id, email: customers.email, name: customers.name })
    .from(tickets)
    .leftJoin(customers, eq(customers.id, tickets.customerId))
    .where(where);
  if (!t) throw new AppError("NOT_FOUND", "Ticket not found.");
  return t;
}

/** Validation failures are stored too (kept, visible, replayable): answer them as 400 with the reason. */
function ingestResponse(r: IngestResult, created: number) {
  if (r.status === "failed") return json(400, { error: { code: "INVALID_INPUT", message: r.reason, fields: null }, inboundId: r.rawId });
  return json(r.status === "duplicate" ? 200 : r.status === "received" ? 202 : created, {
    inboundId: r.rawId,
    ticketId: r.ticketId,
    ticketNumber: r.ticketNumber,
    messageId: r.messageId,
    duplicate: r.status === "duplicate",
  });
}

/** RFC 7240 `Prefer: respond-async`: the client takes a 202 once the item is durable, and the ticket follows. */
const wantsAsync = (req: Request) => /(^|[\s,;])respond-async\b/i.test(req.headers.get("prefer") ?? "");

/**
 * Stored and queued: the inbound id names it (Admin → Inbound), and Location is where the client learns what became of
 * it (GET /api/v1/inbound/{id}); the ticket appears once the inbound runner took it.
 */
function acceptedResponse(r: Awaited<ReturnType<typeof accept>>) {
  return json(
    202,
    { inboundId: r.rawId, status: r.status, ticketId: null, ticketNumber: null, messageId: null, duplicate: false },
    { "preference-applied": "respond-async", location: `/api/v1/inbound/${r.rawId}` },
  );
}

const listQuery = z.object({
  status: z
    .string()
    .transform((s) => s.split(","))
    .pipe(z.array(z.enum(ticketStatus.enumValues)))
    .optional(),
  category: z.string().optional(),
  q: z.string().optional(),
  sort: z.enum(["newest", "oldest", "priority", "updated"]).optional(),
  page: z.coerce.number().int().min(1).optional(),
  pageSize: z.coerce.number().int().min(1).max(100).optional(),
});

export const listTicketsV1 = endpoint("tickets:read", "list tickets", async (req) => {
  const q = listQuery.parse(cleanDeep(Object.fromEntries(new URL(req.url).searchParams)));
  return json(200, await listTickets(getDb(), q));
});

export const getTicketV1 = endpoint("tickets:read", "get ticket", async (_req, _key, params) => {
  const t = await resolveTicket(params.id ?? "");
  return json(200, await getTicket(getDb(), t.id));
});

export const createTicketV1 = endpoint("tickets:write", "create ticket", async (req, key) => {
  const bytes = await readBodyLimited(req, env.INGEST_MAX_BYTES);
  const meta: ApiIngestMeta = { op: "create-ticket", keyPrefix: key.prefix, keyName: key.name };
  const item = { kind: "api", source: apiSource(key), bytes, contentType: req.headers.get("content-type"), meta } as const;
  if (wantsAsync(req)) return acceptedResponse(await accept(getDb(), item));
  return ingestResponse(await ingest(getDb(), item), 201);
});

export const addMessageV1 = endpoint("tickets:write", "add message", async (req, key, params) => {
  const t = await resolveTicket(params.id ?? "");
  const bytes = await readBodyLimited(req, env.INGEST_MAX_BYTES);
  const meta: ApiIngestMeta = {
    op: "add-message",
    keyPrefix: key.prefix,
    keyName: key.name,
    ticketId: t.id,
    customer: { email: t.email ?? "", name: t.name },
  };
  const item = { kind: "api", source: apiSource(key), bytes, contentType: req.headers.get("content-type"), meta } as const;
  if (wantsAsync(req)) return acceptedResponse(await accept(getDb(), item));
  return ingestResponse(await ingest(getDb(), item), 201);
});

/** What became of an item this key sent (queued, processed, failed, ignored), e.g. after a 202. */
export const getInboundV1 = endpoint("tickets:read", "get inbound", async (_req, key, params) => {
  return json(200, await getInboundStatus(getDb(), { id: params.id ?? "", source: apiSource(key) }));
});

export const updateTicketBody = z
  .object({
    status: z.enum(ticketStatus.enumValues).optional(),
    priority: z.enum(ticketPriority.enumValues).optional(),
    category: z.string().min(1).nullable().optional(),
    tags: z.array(z.string().max(64)).max(50).optional(),
  })
  .strict();

export const updateTicketV1 = endpoint("tickets:write", "update ticket", async (req, key, params) => {
  const t = await resolveTicket(params.id ?? "");
  const patch = updateTicketBody.parse(parseJson(await readBodyLimited(req, env.JSON_MAX_BYTES)));
  // An integration setting priority or category states a verified label, as an agent's edit does.
  const r = await updateTicket(getDb(), { ticketId: t.id, actor: { kind: "api", label: `key:${key.name} (${key.prefix})` }, patch });
  return json(200, { changed: r.changed, fields: Object.keys(r.changes) });
});
