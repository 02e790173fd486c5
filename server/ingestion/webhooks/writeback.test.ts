import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq, sql } from "drizzle-orm";
import { runOnce } from "graphile-worker";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { getDb } from "@/db/client";
import { auditLog, categories, helpdeskWritebacks, triageResults, type TicketPriority, type WebhookKind } from "@/db/schema";
import { callerFor, makeUser } from "@/test/db/fixtures";
import { registerModelVersion } from "@/server/training/model-registry";
import { receiveMessage } from "@/server/tickets/receive-message";
import { startLoopbackHttp } from "../loopback-http";
import { createWebhookSource } from "./sources";
import { signWebhook } from "./verify";
import { createWritebackTask, enqueueWriteback } from "./writeback";

const db = getDb();
const connectionString = inject("databaseUrl");
const MODEL = "writeback-test@0000";
const TOKEN = `tok-${randomUUID()}`;

type Seen = { method: string; path: string; auth: string | undefined; body: unknown };

/** A stand-in helpdesk on 127.0.0.1: records every request and answers with the next queued status (200 when none). */
let helpdesk: { server: Server; url: string; seen: Seen[]; answers: number[] };
let ingest: Awaited<ReturnType<typeof startLoopbackHttp>>;
const sources = {} as Record<WebhookKind, { id: string; name: string; secret: string }>;

beforeAll(async () => {
  const seen: Seen[] = [];
  const answers: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      seen.push({ method: req.method!, path: req.url!, auth: req.headers.authorization, body: text ? JSON.parse(text) : null });
      const status = answers.shift() ?? 200;
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(status < 300 ? { ok: true } : { error: `status ${status}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  helpdesk = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/helpdesk`, seen, answers };
  ingest = await startLoopbackHttp();

  await registerModelVersion(db, { id: MODEL, modelId: "test", fileSha256: "test", backend: "cpu" });
  await db.insert(categories).values({ key: "wb_billing", label: "Billing (write-back)", description: "test" }).onConflictDoNothing();

  const admin = callerFor(await makeUser("admin"));
  for (const kind of ["zendesk", "freshdesk", "generic"] as const) {
    const s = await createWebhookSource(db, { name: `wb-${kind}-${randomUUID().slice(0, 8)}`, kind });
    await admin.ingest.setWebhookWriteback({ id: s.id, target: { url: `${helpdesk.url}/`, token: TOKEN } });
    sources[kind] = s;
  }
});
afterAll(async () => {
  await ingest.close();
  await new Promise((resolve) => helpdesk.server.close(resolve));
});
beforeEach(() => {
  helpdesk.seen.length = 0;
  helpdesk.answers.length = 0;
});

/** A ticket created the way a helpdesk creates one: a signed webhook through the real ingest route. */
async function webhookTicket(kind: WebhookKind, externalId: string) {
  const email = `c-${randomUUID()}@example.com`;
  const payload =
    kind === "zendesk"
      ? { event: "comment.created", ticket: { id: externalId, subject: "Charged twice", requester: { email } }, comment: { id: "1", body: "Refund please", public: true } }
      : kind === "freshdesk"
        ? { freshdesk_webhook: { ticket_id: Number(externalId), ticket_subject: "Charged twice", ticket_description: "Refund please", ticket_contact_email: email } }
        : { event: "message.created", ticket: { external_id: externalId, subject: "Charged twice" }, message: { external_id: "M-1", from: { email }, text: "Refund please" } };
  const body = JSON.stringify(payload);
  const res = await fetch(`${ingest.url}/api/ingest/webhooks/${sources[kind].name}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...signWebhook(kind, sources[kind].secret, body) },
    body,
  });
  const r = (await res.json()) as { ticketId: string; status: string };
  expect(r.status).toBe("processed");
  return r.ticketId;
}

/** A finished triage stored the way run-triage stores it: the result and its write-back job in one transaction. */
async function finishedTriage(ticketId: string, priority: TicketPriority = "urgent") {
  return db.transaction(async (tx) => {
    const [msg] = await tx.execute<{ id: string }>(sql`select id::text from messages where ticket_id = ${ticketId} limit 1`);
    const [row] = await tx
      .insert(triageResults)
      .values({
        ticketId,
        messageId: msg!.id,
        modelVersion: MODEL,
        status: "done",
        category: "wb_billing",
        priority,
        summary: "Customer was charged twice and wants a refund.",
        tags: ["Double charge", "refund"],
      })
      .returning({ id: triageResults.id });
    const queued = await enqueueWriteback(tx, { ticketId, triageResultId: row!.id });
    return { id: row!.id, queued };
  });
}

const work = () => runOnce({ connectionString, taskList: { "helpdesk-writeback": createWritebackTask() } });
const outcome = async (id: string) => (await db.select().from(helpdeskWritebacks).where(eq(helpdeskWritebacks.triageResultId, id)))[0]!;
const job = async (id: string) =>
  (await db.execute<{ attempts: number; later: boolean }>(sql`select attempts, run_at > now() as later from graphile_worker._private_jobs where key = ${`writeback:${id}`}`))[0];

describe("helpdesk write-back (graphile-worker → fetch → recording HTTP server on 127.0.0.1)", () => {
  it("writes a Zendesk ticket's tags, priority and a private note with the summary", async () => {
    const externalId = String(Math.floor(Math.random() * 1e9));
    const t = await finishedTriage(await webhookTicket("zendesk", externalId));
    expect(t.queued).toBe(true);
    expect(await job(t.id)).toBeDefined();
    await work();

    expect(helpdesk.seen).toHaveLength(1);
    const [req] = helpdesk.seen;
    expect(req).toMatchObject({ method: "PUT", path: `/helpdesk/api/v2/tickets/${externalId}.json`, auth: `Bearer ${TOKEN}` });
    expect(req!.body).toEqual({
      ticket: {
        additional_tags: ["double_charge", "refund", "deskling_category_wb_billing"],
        priority: "urgent",
        comment: { body: expect.stringContaining("Customer was charged twice and wants a refund."), public: false },
      },
    });
    expect((req!.body as { ticket: { comment: { body: string } } }).ticket.comment.body).toContain("Category: Billing (write-back)");
    expect(await outcome(t.id)).toMatchObject({ status: "sent", httpStatus: 200, attempts: 1, error: null });
    expect(await job(t.id)).toBeUndefined();
  });

  it("writes Freshdesk priority 1-4 and tags, then a private note, with the API key as Basic auth", async () => {
    const externalId = String(Math.floor(Math.random() * 1e6));
    const t = await finishedTriage(await webhookTicket("freshdesk", externalId), "high");
    await work();
    expect(helpdesk.seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      `PUT /helpdesk/api/v2/tickets/${externalId}`,
      `POST /helpdesk/api/v2/tickets/${externalId}/notes`,
    ]);
    expect(helpdesk.seen[0]!.auth).toBe(`Basic ${Buffer.from(`${TOKEN}:X`).toString("base64")}`);
    expect(helpdesk.seen[0]!.body).toEqual({ tags: ["double_charge", "refund", "deskling_category_wb_billing"], priority: 3 });
    expect(helpdesk.seen[1]!.body).toEqual({ body: expect.stringContaining("charged twice"), private: true });
    expect((await outcome(t.id)).status).toBe("sent");
  });

  it("posts the documented generic body", async () => {
    const externalId = `T-${randomUUID()}`;
    const t = await finishedTriage(await webhookTicket("generic", externalId), "low");
    await work();
    expect(helpdesk.seen).toHaveLength(1);
    expect(helpdesk.seen[0]).toMatchObject({ method: "POST", path: `/helpdesk/tickets/${externalId}/triage`, auth: `Bearer ${TOKEN}` });
    expect(helpdesk.seen[0]!.body).toMatchObject({
      ticket: { external_id: externalId },
      triage: { category: "wb_billing", priority: "low", tags: ["double_charge", "refund", "deskling_category_wb_billing"], needs_human: false },
      model_version: MODEL,
    });
  });

  it("retries a 5xx with the queue's backoff and succeeds on the next attempt", async () => {
    const t = await finishedTriage(await webhookTicket("zendesk", String(Math.floor(Math.random() * 1e9))));
    helpdesk.answers.push(503);
    await work();
    expect(await outcome(t.id)).toMatchObject({ status: "pending", httpStatus: 503, attempts: 1 });
    expect((await outcome(t.id)).error).toContain("answered 503");
    const j = await job(t.id);
    expect(j).toMatchObject({ attempts: 1, later: true });

    // Skip the backoff instead of waiting it out.
    await db.execute(sql`update graphile_worker._private_jobs set run_at = now() where key = ${`writeback:${t.id}`}`);
    await work();
    expect(helpdesk.seen).toHaveLength(2);
    expect(helpdesk.seen[1]!.body).toEqual(helpdesk.seen[0]!.body);
    expect(await outcome(t.id)).toMatchObject({ status: "sent", httpStatus: 200, attempts: 2, error: null });
    expect(await job(t.id)).toBeUndefined();
  });

  it("records a 4xx refusal as failed and does not retry it", async () => {
    const t = await finishedTriage(await webhookTicket("generic", `T-${randomUUID()}`));
    helpdesk.answers.push(422);
    await work();
    const o = await outcome(t.id);
    expect(o).toMatchObject({ status: "failed", httpStatus: 422, attempts: 1 });
    expect(o.error).toContain("answered 422");
    expect(o.error).not.toContain(TOKEN);
    expect(await job(t.id)).toBeUndefined();
    await work();
    expect(helpdesk.seen).toHaveLength(1);
  });

  it("enqueues nothing for tickets that did not come from a write-back source, and never shows the token", async () => {
    const email = await receiveMessage(db, {
      channel: "email",
      from: { email: `c-${randomUUID()}@example.com` },
      subject: "Hi",
      text: "Hello",
      actor: { kind: "system", label: "test" },
    });
    expect((await finishedTriage(email.ticketId)).queued).toBe(false);

    const admin = callerFor(await makeUser("admin"));
    await admin.ingest.setWebhookWriteback({ id: sources.generic.id, target: null });
    expect((await finishedTriage(await webhookTicket("generic", `T-${randomUUID()}`))).queued).toBe(false);
    await admin.ingest.setWebhookWriteback({ id: sources.generic.id, target: { url: helpdesk.url, token: TOKEN } });

    await expect(admin.ingest.setWebhookWriteback({ id: sources.generic.id, target: { url: "ftp://x", token: "t" } })).rejects.toThrow(/http/);
    const listed = await admin.ingest.webhookSources();
    expect(listed.find((s) => s.id === sources.generic.id)).toMatchObject({ writebackUrl: helpdesk.url });
    expect(JSON.stringify(listed)).not.toContain(TOKEN);
    const audits = await db.select({ changes: auditLog.changes }).from(auditLog).where(eq(auditLog.entityId, sources.generic.id));
    expect(audits.length).toBeGreaterThan(0);
    expect(JSON.stringify(audits)).not.toContain(TOKEN);
  });
});
