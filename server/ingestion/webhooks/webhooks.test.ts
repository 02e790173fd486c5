import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { corrections, messages, rawInbound, tickets, type WebhookKind } from "@/db/schema";
import { startLoopbackHttp } from "../loopback-http";
import { createWebhookSource } from "./sources";
import { signWebhook } from "./verify";

const db = getDb();
let http: Awaited<ReturnType<typeof startLoopbackHttp>>;
const sources = {} as Record<WebhookKind, { name: string; secret: string }>;

beforeAll(async () => {
  http = await startLoopbackHttp();
  for (const kind of ["zendesk", "freshdesk", "generic"] as const) {
    sources[kind] = await createWebhookSource(db, { name: `${kind}-${randomUUID().slice(0, 8)}`, kind });
  }
});
afterAll(async () => {
  await http.close();
});

function post(kind: WebhookKind, payload: unknown, sign: { secret?: string; tamper?: boolean } = {}) {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = signWebhook(kind, sign.secret ?? sources[kind].secret, body);
  return fetch(`${http.url}/api/ingest/webhooks/${sources[kind].name}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: sign.tamper ? body.replace("}", ',"x":1}') : body,
  });
}

type Result = { inboundId: string; status: string; ticketId: string | null; reason: string | null };

describe("helpdesk webhooks over HTTP on 127.0.0.1", () => {
  const email = () => `w-${randomUUID()}@example.com`;
  const zendesk = (ticketId: string, commentId: string, e: string) => ({
    event: "comment.created",
    ticket: { id: ticketId, subject: "Printer on fire", requester: { email: e, name: "Di" } },
    comment: { id: commentId, body: `comment ${commentId}`, public: true },
  });

  it("accepts correctly signed events of each shape and threads by the helpdesk's ticket id", async () => {
    const e = email();
    const tid = String(Math.floor(Math.random() * 1e9));
    const first = await post("zendesk", zendesk(tid, "1", e));
    expect(first.status).toBe(201);
    const a = (await first.json()) as Result;
    const b = (await (await post("zendesk", zendesk(tid, "2", e))).json()) as Result;
    expect(b.status).toBe("processed");
    expect(b.ticketId).toBe(a.ticketId);
    const [t] = await db.select().from(tickets).where(eq(tickets.id, a.ticketId!));
    expect(t).toMatchObject({ channel: "webhook", externalId: tid, source: `zendesk:${sources.zendesk.name}` });

    const fd = await post("freshdesk", {
      freshdesk_webhook: { ticket_id: 77, ticket_subject: "Billing", ticket_description: "Wrong invoice", ticket_contact_email: email() },
    });
    expect(fd.status).toBe(201);
    const gen = await post("generic", {
      event: "message.created",
      ticket: { external_id: "T-1", subject: "Hello" },
      message: { external_id: "M-1", from: { email: email() }, text: "Hi there", html: "<p onclick='x()'>Hi <script>alert(1)</script>there</p>" },
    });
    const g = (await gen.json()) as Result;
    const [m] = await db.select().from(messages).where(eq(messages.ticketId, g.ticketId!));
    expect(m!.bodyHtml).toBe("<p>Hi there</p>");
  });

  it("is idempotent by external id: a re-delivered event adds nothing", async () => {
    const e = email();
    const tid = String(Math.floor(Math.random() * 1e9));
    const a = (await (await post("zendesk", zendesk(tid, "9", e))).json()) as Result;
    const again = await post("zendesk", zendesk(tid, "9", e));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: "duplicate", ticketId: a.ticketId });
    expect(await db.select().from(messages).where(eq(messages.ticketId, a.ticketId!))).toHaveLength(1);
  });

  it("answers 401 to a wrong secret or a tampered body, and stores nothing", async () => {
    const before = (await db.select({ id: rawInbound.id }).from(rawInbound)).length;
    const warn = console.warn;
    const logged: string[] = [];
    console.warn = (...a: unknown[]) => void logged.push(a.join(" "));
    try {
      for (const kind of ["zendesk", "freshdesk", "generic"] as const) {
        expect((await post(kind, zendesk("1", "1", email()), { secret: "not-the-secret" })).status).toBe(401);
        expect((await post(kind, zendesk("1", "1", email()), { tamper: true })).status).toBe(401);
      }
      const unsigned = await fetch(`${http.url}/api/ingest/webhooks/${sources.generic.name}`, { method: "POST", body: "{}" });
      expect(unsigned.status).toBe(401);
    } finally {
      console.warn = warn;
    }
    expect(logged.length).toBeGreaterThanOrEqual(7);
    for (const kind of ["zendesk", "freshdesk", "generic"] as const) expect(logged.join("\n")).not.toContain(sources[kind].secret);
    expect((await db.select({ id: rawInbound.id }).from(rawInbound)).length).toBe(before);
    expect((await fetch(`${http.url}/api/ingest/webhooks/nope-${randomUUID()}`, { method: "POST", body: "{}" })).status).toBe(404);
  });

  it("does not take agents' comments for the customer's", async () => {
    const e = email();
    const tid = String(Math.floor(Math.random() * 1e9));
    const agentComment = { ...zendesk(tid, "5", e), comment: { id: "5", body: "We are on it", public: true, author_email: "agent@acme.test", author_role: "agent" } };
    expect(await (await post("zendesk", agentComment)).json()).toMatchObject({ status: "ignored", reason: expect.stringContaining("agent") });
    const generic = await post("generic", {
      event: "message.created",
      ticket: { external_id: `T-${tid}` },
      message: { external_id: "A-1", from: { email: "agent@acme.test" }, author: "agent", text: "Looking into it" },
    });
    expect(await generic.json()).toMatchObject({ status: "ignored" });
    const customerComment = { ...zendesk(tid, "6", e), comment: { id: "6", body: "thanks", public: true, author_email: e, author_role: "end-user" } };
    expect(await (await post("zendesk", customerComment)).json()).toMatchObject({ status: "processed" });
  });

  it("keeps a signed but malformed event as a failed ingest with the reason", async () => {
    const bad = (await (await post("generic", { event: "message.created", ticket: {} })).json()) as Result;
    expect(bad.status).toBe("failed");
    const [row] = await db.select().from(rawInbound).where(eq(rawInbound.id, bad.inboundId));
    expect(row).toMatchObject({ status: "failed", kind: "webhook" });
    expect(row!.error).toContain("external_id");
  });

  it("applies a helpdesk's ticket-updated event and records it as a verified label, once", async () => {
    const e = email();
    const tid = String(Math.floor(Math.random() * 1e9));
    const created = (await (await post("zendesk", zendesk(tid, "1", e))).json()) as Result;
    const event = { event: "ticket.updated", ticket: { id: tid, priority: "urgent", status: "hold" } };
    const res = await post("zendesk", event);
    expect(res.status).toBe(201);
    const [t] = await db.select().from(tickets).where(eq(tickets.id, created.ticketId!));
    expect(t).toMatchObject({ priority: "urgent", status: "pending" });
    const learned = await db.select().from(corrections).where(eq(corrections.ticketId, created.ticketId!));
    expect(learned.map((c) => [c.field, c.finalValue, c.source])).toEqual([["priority", "urgent", "helpdesk"]]);

    // A re-delivered update changes nothing and teaches nothing twice.
    const again = await post("zendesk", event);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: "duplicate" });
    expect(await db.select().from(corrections).where(eq(corrections.ticketId, created.ticketId!))).toHaveLength(1);

    const unknown = (await (await post("generic", { event: "ticket.updated", ticket: { external_id: "never-seen", priority: "low" } })).json()) as Result;
    expect(unknown.status).toBe("ignored");
    expect(unknown.reason).toContain("never reached Deskling");
    const badPriority = (await (await post("zendesk", { event: "ticket.updated", ticket: { id: tid, priority: "whenever" } })).json()) as Result;
    expect(badPriority.status).toBe("failed");
    expect(badPriority.reason).toContain('unknown priority "whenever"');
  });
});
