import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { messages, rawInbound } from "@/db/schema";
import { ingest } from "../pipeline";
import { settledRow, startTestInboundRunner } from "@/test/inbound";
import type { InboundRunner } from "@/server/ingestion/inbound-runner";
import { hostileCorpus } from "@/test/email/corpus";
import { createSmtpReceiver } from "./smtp-receiver";

const db = getDb();
let receiver: ReturnType<typeof createSmtpReceiver>;
let port: number;
let runner: InboundRunner;
const settled = ["processed", "duplicate", "ignored", "failed"];

beforeAll(async () => {
  runner = await startTestInboundRunner();
  receiver = createSmtpReceiver({ db, host: "127.0.0.1", port: 0, maxBytes: 2 * 1024 * 1024, allowedDomains: [], log: () => {} });
  port = await receiver.listen();
});
afterAll(async () => {
  await receiver.close();
  await runner.stop();
});

const transport = () => nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });
const sendRaw = (raw: Buffer) => transport().sendMail({ envelope: { from: "fuzz@example.com", to: ["help@deskling.test"] }, raw });
const rawRow = async (id: string) => (await db.select().from(rawInbound).where(eq(rawInbound.id, id)))[0]!;

/** What an SMTP client puts on the wire for these bytes: every line ends CRLF, and the message ends with one. */
const smtpForm = (b: Buffer) => {
  const s = b.toString("latin1").replace(/\r?\n/g, "\r\n");
  return Buffer.from(s.endsWith("\r\n") || s === "" ? s : s + "\r\n", "latin1");
};

describe("hostile MIME never crashes the receiver and is always kept raw", () => {
  it.each(hostileCorpus.map((c) => [c.name, c] as const))("%s (direct)", async (_name, c) => {
    const r = await ingest(db, { kind: "email", source: "test:corpus", bytes: c.raw });
    expect(settled).toContain(r.status);
    const row = await rawRow(r.rawId);
    expect(row.bytes.equals(c.raw)).toBe(true);
    if (r.status === "failed") expect(row.error).toBeTruthy();
    if (c.expectText) {
      expect(r.status).toBe("processed");
      const [m] = await db.select().from(messages).where(eq(messages.id, r.messageId!));
      expect(m!.bodyText).toContain(c.expectText);
      expect(m!.bodyHtml ?? "").not.toMatch(/<script|onerror|onclick|javascript:|<iframe/i);
    }
  });

  it("survives the whole corpus over SMTP and answers each with 250, keeping what was sent", async () => {
    for (const c of hostileCorpus.filter((c) => c.raw.length > 0)) {
      const info = await sendRaw(c.raw);
      const id = /Accepted as ([0-9a-f-]{36})/.exec(info.response)?.[1];
      expect(id, c.name).toBeDefined();
      const row = await rawRow(id!);
      expect(row.bytes.equals(smtpForm(c.raw)), c.name).toBe(true);
      expect(settled, c.name).toContain((await settledRow(db, id!)).status);
    }
    const ok = await transport().sendMail({ from: `ok-${randomUUID()}@example.com`, to: "help@deskling.test", subject: "still alive", text: "yes" });
    const id = /Accepted as ([0-9a-f-]{36})/.exec(ok.response)![1]!;
    expect((await settledRow(db, id)).status).toBe("processed");
  });

  it("property: arbitrary bytes and mutated MIME are stored byte-for-byte and settle to a status", async () => {
    const token = fc.constantFrom(
      "From: a@example.com\r\n",
      "Subject: =?utf-8?B?w6k=?=\r\n",
      'Content-Type: multipart/mixed; boundary="q"\r\n',
      "Content-Type: text/html; charset=utf-8\r\n",
      "Content-Transfer-Encoding: base64\r\n",
      "Content-Transfer-Encoding: quoted-printable\r\n",
      "Auto-Submitted: auto-replied\r\n",
      "Message-ID: <m@x>\r\n",
      "\r\n",
      "--q\r\n",
      "--q--\r\n",
      "=?\r\n",
      "<div><p>",
      "=E9=ZZ",
      "\u0000",
      "\r\n.\r\n",
    );
    const mime = fc.array(fc.oneof(token, fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a).toString("latin1"))), {
      maxLength: 40,
    });
    await fc.assert(
      fc.asyncProperty(mime, async (parts) => {
        const bytes = Buffer.from(parts.join(""), "latin1");
        const r = await ingest(db, { kind: "email", source: "test:fuzz", bytes });
        const row = await rawRow(r.rawId);
        return settled.includes(r.status) && row.bytes.equals(bytes) && (r.status !== "failed" || !!row.error);
      }),
      { numRuns: 300 },
    );
  });
});
