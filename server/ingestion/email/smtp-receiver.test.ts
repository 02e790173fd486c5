import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { attachments, messages, tickets } from "@/db/schema";
import { startTestInboundRunner, settledRow } from "@/test/inbound";
import type { InboundRunner } from "@/server/ingestion/inbound-runner";
import { createSmtpReceiver } from "./smtp-receiver";

const db = getDb();
const MAX = 64 * 1024;
let receiver: ReturnType<typeof createSmtpReceiver>;
let port: number;
let runner: InboundRunner;

beforeAll(async () => {
  runner = await startTestInboundRunner();
  receiver = createSmtpReceiver({ db, host: "127.0.0.1", port: 0, maxBytes: MAX, allowedDomains: ["support.test"], log: () => {} });
  port = await receiver.listen();
});
afterAll(async () => {
  await receiver.close();
  await runner.stop();
});

const transport = () => nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });
const accepted = (response: string) => /Accepted as ([0-9a-f-]{36})/.exec(response)?.[1];

/** Answered 250 once stored; the ticket follows from the inbound runner. */
const rawRow = (id: string) => settledRow(db, id);

describe("SMTP receiver (nodemailer → smtp-server on 127.0.0.1 → ticket)", () => {
  it("turns a mail into a ticket, keeps the raw bytes, and threads the customer's reply", async () => {
    const customer = `c-${randomUUID()}@example.com`;
    const sent = await transport().sendMail({
      from: `"Ana Cliente" <${customer}>`,
      to: "help@support.test",
      subject: "Refund for order 1234",
      text: "Hello,\nI was charged twice.\n\n-- \nAna\nACME Corp",
      attachments: [{ filename: "receipt.txt", content: "total 10 EUR" }],
    });
    const rawId = accepted(sent.response)!;
    expect(rawId).toBeDefined();
    const raw = await rawRow(rawId);
    expect(raw.status).toBe("processed");
    expect(raw.source).toBe("smtp");
    expect(raw.bytes.toString()).toContain("I was charged twice.");
    expect(raw.meta).toMatchObject({ rcptTo: ["help@support.test"], envelopeFrom: customer });

    const [msg] = await db.select().from(messages).where(eq(messages.id, raw.messageId!));
    expect(msg!.bodyText).toBe("Hello,\nI was charged twice.");
    expect(msg!.messageIdHeader).toBe(sent.messageId);
    const files = await db.select().from(attachments).where(eq(attachments.messageId, msg!.id));
    expect(files.map((f) => [f.filename, f.content.toString()])).toEqual([["receipt.txt", "total 10 EUR"]]);
    const [ticket] = await db.select().from(tickets).where(eq(tickets.id, raw.ticketId!));
    expect(ticket!.subject).toBe("Refund for order 1234");
    expect(ticket!.channel).toBe("email");

    const reply = await transport().sendMail({
      from: customer,
      to: "help@support.test",
      subject: "Re: Refund for order 1234",
      inReplyTo: sent.messageId,
      references: [sent.messageId],
      text: "Any news?\n\nOn Mon, 1 Jan 2026 at 10:00, Support <help@support.test> wrote:\n> We are looking into it.",
    });
    const replyRaw = await rawRow(accepted(reply.response)!);
    expect(replyRaw.ticketId).toBe(ticket!.id);
    const [replyMsg] = await db.select().from(messages).where(eq(messages.id, replyRaw.messageId!));
    expect(replyMsg!.bodyText).toBe("Any news?");
  });

  it("threads by the [#n] token only for that ticket's customer", async () => {
    const customer = `c-${randomUUID()}@example.com`;
    const first = await transport().sendMail({ from: customer, to: "a@support.test", subject: "Login broken", text: "Cannot log in" });
    const { ticketId } = await rawRow(accepted(first.response)!);
    const [t] = await db.select().from(tickets).where(eq(tickets.id, ticketId!));

    const same = await transport().sendMail({ from: customer, to: "a@support.test", subject: `Still broken [#${t!.number}]`, text: "still" });
    expect((await rawRow(accepted(same.response)!)).ticketId).toBe(ticketId);

    const stranger = await transport().sendMail({
      from: `x-${randomUUID()}@evil.test`,
      to: "a@support.test",
      subject: `Hijack [#${t!.number}]`,
      text: "let me in",
    });
    const strangerRaw = await rawRow(accepted(stranger.response)!);
    expect(strangerRaw.status).toBe("processed");
    expect(strangerRaw.ticketId).not.toBe(ticketId);
  });

  it("acknowledges a repeated Message-ID without a second message", async () => {
    const messageId = `<dup-${randomUUID()}@example.com>`;
    const mail = { from: `c-${randomUUID()}@example.com`, to: "a@support.test", subject: "Twice", text: "same mail", messageId };
    const a = await rawRow(accepted((await transport().sendMail(mail)).response)!);
    const b = await rawRow(accepted((await transport().sendMail(mail)).response)!);
    expect(a.status).toBe("processed");
    expect(b.status).toBe("duplicate");
    expect(b.messageId).toBe(a.messageId);
    expect(await db.select().from(messages).where(eq(messages.messageIdHeader, messageId))).toHaveLength(1);
  });

  it("keeps but never tickets auto-replies, bounces and bulk mail", async () => {
    const before = (await db.select({ id: tickets.id }).from(tickets)).length;
    const cases: { headers?: Record<string, string>; envelope?: { from: string; to: string[] }; expect: string }[] = [
      { headers: { "Auto-Submitted": "auto-replied" }, expect: "auto-reply" },
      { headers: { Precedence: "bulk" }, expect: "bulk" },
      { headers: { "List-Id": "<news.example.com>" }, expect: "bulk" },
      { envelope: { from: "", to: ["a@support.test"] }, expect: "bounce" },
    ];
    for (const c of cases) {
      const info = await transport().sendMail({
        from: `robot-${randomUUID()}@example.com`,
        to: "a@support.test",
        subject: "Out of office",
        text: "I am away",
        headers: c.headers,
        envelope: c.envelope,
      });
      const row = await rawRow(accepted(info.response)!);
      expect(row.status).toBe("ignored");
      expect(row.error).toContain(c.expect);
      expect(row.ticketId).toBeNull();
    }
    expect((await db.select({ id: tickets.id }).from(tickets)).length).toBe(before);
  });

  it("offers STARTTLS when given a certificate, and the mail travels encrypted", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "deskling-tls-"));
    try {
      execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
        "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
      const tls = { key: await readFile(path.join(dir, "key.pem")), cert: await readFile(path.join(dir, "cert.pem")) };
      const secure = createSmtpReceiver({ db, host: "127.0.0.1", port: 0, maxBytes: MAX, allowedDomains: [], tls, log: () => {} });
      const securePort = await secure.listen();
      try {
        const info = await nodemailer
          .createTransport({ host: "127.0.0.1", port: securePort, secure: false, requireTLS: true, tls: { rejectUnauthorized: false } })
          .sendMail({ from: `t-${randomUUID()}@example.com`, to: "a@support.test", subject: "over TLS", text: "secret" });
        const row = await rawRow(accepted(info.response)!);
        expect(row.status).toBe("processed");
        expect(row.meta).toMatchObject({ tls: true });
        // Without a certificate STARTTLS is not offered, so a client that insists on it is refused.
        const plain = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, requireTLS: true });
        await expect(plain.sendMail({ from: "c@example.com", to: "a@support.test", subject: "x", text: "x" })).rejects.toThrow(/STARTTLS/);
      } finally {
        await secure.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses oversized mail with 552 and unknown recipient domains with 550", async () => {
    const big = transport().sendMail({ from: "c@example.com", to: "a@support.test", subject: "big", text: "x".repeat(MAX * 2) });
    await expect(big).rejects.toMatchObject({ responseCode: 552 });
    const wrong = transport().sendMail({ from: "c@example.com", to: "someone@elsewhere.test", subject: "hi", text: "hi" });
    await expect(wrong).rejects.toMatchObject({ responseCode: 550 });
  });
});
