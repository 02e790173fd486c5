import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { messages, rawInbound } from "@/db/schema";
import { ingest } from "../pipeline";
import { parseEmail } from "./parse";

/** Small hand-written samples, one per family of machine mail; the public corpus is measured by bench/mail-loop.ts. */
const mail = (headers: string[], body = "Hello") => Buffer.from([...headers, `Message-ID: <${randomUUID()}@example.net>`, "", body, ""].join("\r\n"));
const report = (type: string, part: string, partBody: string, from = "Mail Delivery System <MAILER-DAEMON@mx.example.net>") =>
  mail(
    [`From: ${from}`, "To: help@deskling.test", "Subject: Report", "MIME-Version: 1.0", `Content-Type: multipart/report; report-type=${type}; boundary="r"`],
    ["--r", "Content-Type: text/plain", "", "See the report.", "--r", `Content-Type: ${part}`, "", partBody, "--r--"].join("\r\n"),
  );
const verdict = async (raw: Buffer, envelopeFrom?: string) => (await parseEmail(raw, { envelopeFrom })).automated;

describe("machine mail is recognized by family", () => {
  it.each([
    ["RFC 3464 delivery status report", report("delivery-status", "message/delivery-status", "Reporting-MTA: dns; mx.example.net\r\n\r\nFinal-Recipient: rfc822; gone@example.org\r\nAction: failed\r\nStatus: 5.1.1"), "bounce", "delivery-status-report"],
    ["RFC 8098 read receipt (RFC 6522 container)", report("disposition-notification", "message/disposition-notification", "Final-Recipient: rfc822; ana@example.org\r\nDisposition: manual-action/MDN-sent-manually; displayed", "Ana <ana@example.org>"), "bounce", "delivery-status-report"],
    ["RFC 5965 abuse feedback report", report("feedback-report", "message/feedback-report", "Feedback-Type: abuse\r\nUser-Agent: SomeGenerator/1.0\r\nVersion: 1", "Abuse Desk <abuse@isp.example>"), "feedback-report", "feedback-report"],
    ["a forwarded bounce (report part inside a plain multipart)", mail(["From: Ops <ops@example.org>", "Subject: Fwd: failure", 'Content-Type: multipart/mixed; boundary="f"'], "--f\r\nContent-Type: text/plain\r\n\r\nfyi\r\n--f\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.0.0\r\n--f--"), "bounce", "report-part"],
    ["MAILER-DAEMON without a domain", mail(["From: Mail Delivery Subsystem <MAILER-DAEMON>", "Subject: Returned mail: see transcript"]), "bounce", "daemon-from"],
    ["postmaster with a domain", mail(["From: postmaster@mx.example.net", "Subject: Undelivered"]), "bounce", "daemon-from"],
    ["Return-Path MAILER-DAEMON behind a person-like From", mail(["Return-Path: <MAILER-DAEMON@relay.example.net>", "From: Notification <notify@relay.example.net>", "Subject: Mail status"]), "bounce", "daemon-return-path"],
    ["null Return-Path", mail(["Return-Path: <>", "From: system@example.net", "Subject: Notice"]), "bounce", "null-return-path"],
    ["Exim bounce header", mail(["From: Mail Delivery System <Mailer-Daemon@exim.example.net>", "X-Failed-Recipients: gone@example.org", "Subject: Mail delivery failed"]), "bounce", "daemon-from"],
    ["RFC 3834 Auto-Submitted", mail(["From: Ana <ana@example.org>", "Auto-Submitted: auto-replied", "Subject: Re: your ticket"]), "auto-reply", "auto-submitted"],
    ["X-Autoreply", mail(["From: Ana <ana@example.org>", "X-Autoreply: yes", "Subject: Away"]), "auto-reply", "x-autoreply"],
    ["X-Autorespond", mail(["From: Ana <ana@example.org>", "X-Autorespond: Away", "Subject: Away"]), "auto-reply", "x-autorespond"],
    ["iCloud vacation", mail(["From: ana@icloud.example", "X-Apple-Action: VACATION", "Subject: Back soon"]), "auto-reply", "apple-vacation"],
    ["Precedence: bulk newsletter", mail(["From: News <news@shop.example>", "Precedence: bulk", "Subject: Deals"]), "bulk", "precedence"],
    ["Precedence: junk", mail(["From: x@spam.example", "Precedence: junk", "Subject: Win"]), "bulk", "precedence"],
    ["List-Unsubscribe newsletter", mail(["From: News <news@shop.example>", "List-Unsubscribe: <mailto:u@shop.example>", "Subject: Deals"]), "bulk", "list-unsubscribe"],
    ["Amazon SES notification", mail(["From: no-reply@sns.amazonaws.com", "Subject: AWS Notification Message"], '{"notificationType":"Bounce"}'), "notification", "amazon-ses-notification"],
    ["Hotmail complaint (JMRP)", mail(["From: staff@hotmail.example", "Subject: complaint about message from 192.0.2.7"]), "feedback-report", "hotmail-complaint"],
    ["two weak signals: auto-reply subject and body", mail(["From: Ana <ana@example.org>", "Subject: Automatic reply: order 55"], "This is an automatic reply. I am out of the office until Monday."), "auto-reply", "subject-auto-reply+body-auto-reply"],
  ] as const)("%s", async (_name, raw, kind, rule) => {
    const v = await verdict(raw);
    expect(v?.kind).toBe(kind);
    expect(v?.reason).toContain(`[${rule}]`);
  });

  it("the SMTP envelope's null sender decides even when the headers look personal", async () => {
    const v = await verdict(mail(["From: Ana <ana@example.org>", "Subject: Hello"]), "");
    expect(v?.reason).toContain("[null-envelope-sender]");
    expect(await verdict(mail(["From: Ana <ana@example.org>", "Subject: Hello"]), "ana@example.org")).toBeNull();
  });
});

describe("people are not lost to the filter", () => {
  it.each([
    ["subject 'Auto reply:' alone", ["From: Ana <ana@example.org>", "Subject: Auto reply: the setting is broken"], "Your auto reply feature sends nothing."],
    ["a no-reply sender alone", ["From: noreply@customer.example", "Subject: Password reset does not arrive"], "I never get the reset mail."],
    ["Auto-Submitted: no", ["From: Ana <ana@example.org>", "Auto-Submitted: no", "Subject: Invoice"], "Please resend it."],
    ["a person asking about a bounce", ["From: Ana <ana@example.org>", "Subject: My mail to you bounced"], "I got an undeliverable notice when I wrote to sales."],
    ["a List-Id alone (a group address forwarding to us)", ["From: Ana <ana@example.org>", "List-Id: <support.shop.example>", "Subject: Broken zipper"], "The zipper broke."],
  ])("%s", async (_name, headers, body) => {
    expect(await verdict(mail(headers, body))).toBeNull();
  });
});

describe("machine mail is stored raw and marked ignored with its reason, never a ticket", () => {
  it("keeps the bytes, the reason, and creates no message", async () => {
    const raw = report("feedback-report", "message/feedback-report", "Feedback-Type: abuse\r\nVersion: 1", "abuse@isp.example");
    const db = getDb();
    const r = await ingest(db, { kind: "email", source: "test:loop", bytes: raw });
    expect(r.status).toBe("ignored");
    const [row] = await db.select().from(rawInbound).where(eq(rawInbound.id, r.rawId));
    expect(row!.bytes.equals(raw)).toBe(true);
    expect(row!.error).toMatch(/^feedback-report: .*\[feedback-report\]/);
    expect(await db.select().from(messages).where(eq(messages.rawInboundId, r.rawId))).toHaveLength(0);
  });
});
