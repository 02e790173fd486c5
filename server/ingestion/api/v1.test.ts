import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { apiKeys, corrections, messages, rawInbound } from "@/db/schema";
import { makeUser } from "@/test/db/fixtures";
import { startLoopbackHttp } from "../loopback-http";
import { processQueued } from "../pipeline";
import { createApiKey, revokeApiKey } from "./keys";

const db = getDb();
let http: Awaited<ReturnType<typeof startLoopbackHttp>>;
let writer: string;
let reader: string;

beforeAll(async () => {
  http = await startLoopbackHttp();
  const admin = await makeUser("admin");
  writer = (await createApiKey(db, { name: "crm", scopes: ["tickets:read", "tickets:write", "ingest:email"], createdBy: admin.id })).key;
  reader = (await createApiKey(db, { name: "dash", scopes: ["tickets:read"], createdBy: admin.id })).key;
});
afterAll(async () => {
  await http.close();
});

const call = (path: string, key: string | null, init: RequestInit = {}) =>
  fetch(`${http.url}${path}`, {
    ...init,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), "content-type": "application/json", ...(init.headers ?? {}) },
  });

describe("REST API v1 over HTTP on 127.0.0.1", () => {
  it("stores keys hashed, and answers 401 without, with a bad, or with a revoked key, 403 without the scope", async () => {
    const rows = await db.select().from(apiKeys);
    expect(rows.every((r) => !writer.includes(r.hash) && r.hash.length === 64)).toBe(true);
    expect((await call("/api/v1/tickets", null)).status).toBe(401);
    expect((await call("/api/v1/tickets", writer.slice(0, -1) + (writer.endsWith("a") ? "b" : "a"))).status).toBe(401);
    expect((await call("/api/v1/tickets", reader, { method: "POST", body: "{}" })).status).toBe(403);
    const { id, key } = await createApiKey(db, { name: "tmp", scopes: ["tickets:read"], createdBy: null });
    expect((await call("/api/v1/tickets", key)).status).toBe(200);
    await revokeApiKey(db, id);
    expect((await call("/api/v1/tickets", key)).status).toBe(401);
    const [used] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
    expect(used!.lastUsedAt).not.toBeNull();
  });

  it("creates (idempotently), lists, gets, adds messages to and updates a ticket", async () => {
    const email = `api-${randomUUID()}@example.com`;
    const externalId = randomUUID();
    const body = JSON.stringify({ subject: "Cannot export CSV", text: "Export button does nothing", from: { email, name: "Bo" }, externalId });
    const created = await call("/api/v1/tickets", writer, { method: "POST", body });
    expect(created.status).toBe(201);
    const c = (await created.json()) as { ticketId: string; ticketNumber: number; inboundId: string; duplicate: boolean };
    expect(c.duplicate).toBe(false);
    const [raw] = await db.select().from(rawInbound).where(eq(rawInbound.id, c.inboundId));
    expect(raw!.kind).toBe("api");
    expect(raw!.bytes.toString()).toBe(body);

    const again = await call("/api/v1/tickets", writer, { method: "POST", body });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ ticketId: c.ticketId, duplicate: true });

    const list = (await (await call(`/api/v1/tickets?q=${encodeURIComponent(email)}`, reader)).json()) as { total: number };
    expect(list.total).toBe(1);

    const added = await call(`/api/v1/tickets/${c.ticketNumber}/messages`, writer, { method: "POST", body: JSON.stringify({ text: "Also PDF export" }) });
    expect(added.status).toBe(201);

    const patch = await call(`/api/v1/tickets/${c.ticketId}`, writer, {
      method: "PATCH",
      body: JSON.stringify({ status: "open", priority: "high", tags: ["export"] }),
    });
    expect(patch.status).toBe(200);
    const learned = await db.select().from(corrections).where(eq(corrections.ticketId, c.ticketId));
    // Priority and tags are verified labels (status is not); each recorded with the change.
    expect(learned.map((l) => [l.field, l.finalValue, l.source]).sort()).toEqual([
      ["priority", "high", "api"],
      ["tags", "export", "api"],
    ]);
    expect((await call(`/api/v1/tickets/${c.ticketId}`, reader, { method: "PATCH", body: "{}" })).status).toBe(403);

    const t = (await (await call(`/api/v1/tickets/${c.ticketId}`, reader)).json()) as {
      priority: string;
      status: string;
      tags: string[];
      customer: { email: string };
      messages: { bodyText: string }[];
    };
    expect(t).toMatchObject({ priority: "high", status: "open", tags: ["export"], customer: { email } });
    expect(t.messages.map((m) => m.bodyText)).toEqual(["Export button does nothing", "Also PDF export"]);
    expect((await call(`/api/v1/tickets/${randomUUID()}`, reader)).status).toBe(404);
  });

  it("keeps an invalid body as a failed ingest with the reason, answered 400", async () => {
    const res = await call("/api/v1/tickets", writer, { method: "POST", body: JSON.stringify({ subject: "", from: { email: "nope" } }) });
    expect(res.status).toBe(400);
    const { inboundId } = (await res.json()) as { inboundId: string };
    const [raw] = await db.select().from(rawInbound).where(eq(rawInbound.id, inboundId));
    expect(raw!.status).toBe("failed");
    expect(raw!.error).toMatch(/email|subject|text/);
  });

  it("takes a raw RFC 822 message at /api/ingest/email and refuses oversized bodies with 413", async () => {
    const id = `<http-${randomUUID()}@example.com>`;
    const mail = `From: Cy <cy-${randomUUID()}@example.com>\r\nTo: help@support.test\r\nSubject: Via HTTP\r\nMessage-ID: ${id}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello over HTTP\r\n`;
    const res = await call("/api/ingest/email", writer, { method: "POST", body: mail, headers: { "content-type": "message/rfc822" } });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ status: "processed" });
    expect(await db.select().from(messages).where(eq(messages.messageIdHeader, id))).toHaveLength(1);
    expect((await call("/api/ingest/email", reader, { method: "POST", body: mail })).status).toBe(403);

    const before = (await db.select({ id: rawInbound.id }).from(rawInbound)).length;
    const huge = await call("/api/ingest/email", writer, { method: "POST", body: "x".repeat(11 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect((await db.select({ id: rawInbound.id }).from(rawInbound)).length).toBe(before);
  });

  it("serves an OpenAPI 3.1 document describing every path", async () => {
    const doc = (await (await fetch(`${http.url}/api/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/v1/tickets", "/api/v1/tickets/{id}", "/api/v1/tickets/{id}/messages", "/api/v1/inbound/{id}", "/api/ingest/email", "/api/ingest/webhooks/{source}"]),
    );
  });

  it("with Prefer: respond-async answers 202 once stored, and the queued job makes the ticket exactly once", async () => {
    const externalId = `async-${randomUUID()}`;
    const body = JSON.stringify({ subject: "Async", text: "Queued, not waited for.", from: { email: `${externalId}@example.com` }, externalId });
    const res = await call("/api/v1/tickets", writer, { method: "POST", body, headers: { prefer: "respond-async" } });
    expect(res.status).toBe(202);
    expect(res.headers.get("preference-applied")).toBe("respond-async");
    const { inboundId, ticketId } = (await res.json()) as { inboundId: string; ticketId: string | null };
    expect(ticketId).toBeNull();
    const [row] = await db.select().from(rawInbound).where(eq(rawInbound.id, inboundId));
    expect(row!.status).toBe("received");

    expect((await processQueued(db, inboundId))?.status).toBe("processed");
    expect(await processQueued(db, inboundId)).toBeNull();
    const stored = await db.select().from(messages).where(eq(messages.messageIdHeader, `<ticket.${externalId}@api.deskling.invalid>`));
    expect(stored).toHaveLength(1);
    await db.execute(sql`select graphile_worker.remove_job(${`inbound:${inboundId}`})`);
  });

  it("tells the sender of a 202 what became of its item at the Location: queued, processed (or a duplicate), failed", async () => {
    const post = async (payload: unknown) => {
      const res = await call("/api/v1/tickets", writer, { method: "POST", body: JSON.stringify(payload), headers: { prefer: "respond-async" } });
      expect(res.status).toBe(202);
      return { location: res.headers.get("location")!, id: ((await res.json()) as { inboundId: string }).inboundId };
    };
    const status = async (location: string, key = writer) => {
      const res = await call(location, key);
      return { code: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const externalId = `status-${randomUUID()}`;
    const good = { subject: "Where is it", text: "Polling for my ticket.", from: { email: `${externalId}@example.com` }, externalId };
    const first = await post(good);
    expect(first.location).toBe(`/api/v1/inbound/${first.id}`);
    expect(await status(first.location)).toMatchObject({ code: 200, body: { inboundId: first.id, state: "queued", ticketId: null, error: null, processedAt: null } });

    await processQueued(db, first.id);
    const done = await status(first.location);
    const [msg] = await db.select().from(messages).where(eq(messages.messageIdHeader, `<ticket.${externalId}@api.deskling.invalid>`));
    expect(done).toMatchObject({ code: 200, body: { state: "processed", duplicate: false, ticketId: msg!.ticketId, messageId: msg!.id, error: null } });
    expect(done.body.ticketNumber).toEqual(expect.any(Number));

    const again = await post(good);
    await processQueued(db, again.id);
    expect(await status(again.location)).toMatchObject({ code: 200, body: { state: "processed", duplicate: true, ticketId: msg!.ticketId } });

    const bad = await post({ subject: "", from: { email: "nope" } });
    await processQueued(db, bad.id);
    const failed = await status(bad.location);
    expect(failed).toMatchObject({ code: 200, body: { state: "failed", ticketId: null } });
    expect(failed.body.error).toMatch(/email|subject|text/);

    // Another key, even one that may read tickets, does not see this key's items; nor does a made-up id exist.
    expect((await status(first.location, reader)).code).toBe(404);
    expect((await status(`/api/v1/inbound/${randomUUID()}`)).code).toBe(404);
    expect((await status("/api/v1/inbound/not-a-uuid")).code).toBe(404);
    for (const id of [first.id, again.id, bad.id]) await db.execute(sql`select graphile_worker.remove_job(${`inbound:${id}`})`);
  });
});
