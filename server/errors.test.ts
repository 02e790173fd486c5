import { randomUUID } from "node:crypto";
import { drizzle } from "drizzle-orm/postgres-js";
import { eq } from "drizzle-orm";
import nodemailer from "nodemailer";
import postgres from "postgres";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createDb, getDb, type Db } from "@/db/client";
import * as schema from "@/db/schema";
import { messages, rawInbound, webhookSources } from "@/db/schema";
import { callerFor, makeUser } from "@/test/db/fixtures";
import { authOptions } from "@/server/auth/options";
import { createSmtpReceiver } from "@/server/ingestion/email/smtp-receiver";
import { errorResponse } from "@/server/ingestion/http";
import { createWebhookSource } from "@/server/ingestion/webhooks/sources";
import { createCaller } from "@/server/trpc/root";

/**
 * The cases found by an outside tester (issue 21), reproduced: NUL bytes at the ways in, and database failures whose
 * driver message (the query with every value) reached logs and replies. Every console line is captured and searched.
 */
let logged: string[] = [];
beforeEach(() => {
  logged = [];
  for (const level of ["log", "warn", "error", "info"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
  }
});
afterEach(() => vi.restoreAllMocks());

// The test database, but every transaction read-only: the probe (select 1) works and every insert fails inside the driver.
const readOnlySql = postgres(process.env.DATABASE_URL!, { max: 2, onnotice: () => {}, connection: { default_transaction_read_only: true } });
const readOnlyDb = Object.assign(drizzle(readOnlySql, { schema, casing: "snake_case" }), { $sql: readOnlySql }) as unknown as Db;
// Nothing listens on port 1: the database is down.
const downDb = createDb("postgres://deskling:deskling@127.0.0.1:1/deskling", { max: 1 });
afterAll(async () => {
  await readOnlySql.end();
  await downDb.$sql.end();
});

describe("NUL and other invalid characters are cleaned at the way in", () => {
  it("an admin saves a write-back token containing NUL: saved without it, nothing logged", async () => {
    const admin = await makeUser("admin");
    const source = await createWebhookSource(getDb(), { name: `wb-${randomUUID().slice(0, 8)}`, kind: "generic" });
    const token = `tok\u0000${randomUUID()}`;
    await callerFor(admin).ingest.setWebhookWriteback({ id: source.id, target: { url: "https://helpdesk.example.com/api", token } });
    const [row] = await getDb().select().from(webhookSources).where(eq(webhookSources.id, source.id));
    expect(row!.writebackToken).toBe(token.replace("\u0000", ""));
    expect(logged.join("\n")).not.toContain(token.slice(4));
  });

  it("an agent creates a ticket whose text and name contain NUL and control characters", async () => {
    const agent = await makeUser("agent");
    const { ticketId } = await callerFor(agent).tickets.create({
      customerEmail: `nul-${randomUUID()}@example.com`,
      customerName: "Ana\u0000 Cliente",
      subject: "Broken\u0007 order",
      text: "Line one\u0000\nline two\ttabbed\uFFFF",
    });
    const [m] = await getDb().select().from(messages).where(eq(messages.ticketId, ticketId));
    expect(m!.bodyText).toBe("Line one\nline two\ttabbed");
  });

  it("signing in with an e-mail containing NUL is an ordinary failed sign-in", async () => {
    const provider = authOptions.providers[0] as unknown as { options: { authorize: (c: Record<string, string>) => Promise<unknown> } };
    const attempt = provider.options.authorize({ email: `admin\u0000@deskling.local`, password: "wrong password" });
    await expect(attempt).rejects.toThrow(/^invalid$/);
    expect(logged.join("\n")).not.toMatch(/Failed query|login_throttle/);
  });
});

describe("a database failure is reported by kind and id, never by its message", () => {
  it("tRPC: a failed insert answers INTERNAL_SERVER_ERROR with an id; the ticket text is in no log line", async () => {
    const agent = await makeUser("agent");
    const secret = `secret-text-${randomUUID()}`;
    const api = createCaller({ db: readOnlyDb, user: agent, headers: new Headers() });
    const err = await api.tickets.create({ customerEmail: "ro@example.com", subject: "s", text: secret }).catch((e: Error) => e);
    expect(err).toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
    expect((err as Error).message).toMatch(/error id [0-9a-f]{8}/);
    expect((err as Error).message).not.toMatch(/Failed query|insert|messages/);
    const id = /error id ([0-9a-f]{8})/.exec((err as Error).message)![1];
    expect(logged.join("\n")).toContain(`sqlstate=25006`);
    expect(logged.join("\n")).toContain(id);
    expect(logged.join("\n")).not.toContain(secret);
  });

  it("tRPC: an unreachable database answers SERVICE_UNAVAILABLE at once", async () => {
    const api = createCaller({ db: downDb, user: await makeUser("agent"), headers: new Headers() });
    const t0 = Date.now();
    await expect(api.tickets.list({})).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it("HTTP: a driver error becomes a generic 500 with an id; an unreachable database a 503", async () => {
    const secret = `param-${randomUUID()}`;
    const driverErr = await readOnlyDb.insert(rawInbound).values({ kind: "api", source: secret, bytes: Buffer.from(secret), size: 1 }).catch((e: Error) => e);
    expect(String((driverErr as Error).message)).toContain(secret); // what used to be logged and returned
    const res = errorResponse(driverErr, "test");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain(secret);
    expect(JSON.parse(text).error.errorId).toMatch(/^[0-9a-f]{8}$/);
    expect(logged.join("\n")).not.toContain(secret);
    const down = await downDb.execute("select 1" as never).catch((e: Error) => e);
    expect(errorResponse(down, "test").status).toBe(503);
  });

  it("SMTP: a failed insert is answered 451 and the message body is in no log line", async () => {
    const lines: string[] = [];
    const receiver = createSmtpReceiver({ db: readOnlyDb, host: "127.0.0.1", port: 0, maxBytes: 1 << 20, allowedDomains: [], log: (l) => lines.push(l) });
    const port = await receiver.listen();
    try {
      const body = `Customer secret ${randomUUID()}`;
      const send = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true }).sendMail({ from: "a@example.com", to: "help@support.test", subject: "Hi", text: body });
      await expect(send).rejects.toMatchObject({ responseCode: 451 });
      expect(lines.join("\n")).toMatch(/sqlstate=25006.*error id/);
      expect([...lines, ...logged].join("\n")).not.toContain(body);
    } finally {
      await receiver.close();
    }
  });

  it("SMTP: with the database down the sender gets 451 before sending the body", async () => {
    const receiver = createSmtpReceiver({ db: downDb, host: "127.0.0.1", port: 0, maxBytes: 1 << 20, allowedDomains: [], log: () => {} });
    const port = await receiver.listen();
    try {
      const t0 = Date.now();
      const send = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true }).sendMail({ from: "a@example.com", to: "help@support.test", subject: "Hi", text: "x" });
      await expect(send).rejects.toMatchObject({ responseCode: 451, command: "MAIL FROM" });
      expect(Date.now() - t0).toBeLessThan(3000);
    } finally {
      await receiver.close();
    }
  });
});
