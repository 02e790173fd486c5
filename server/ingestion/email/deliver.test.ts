import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { runOnce } from "graphile-worker";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getDb } from "@/db/client";
import { messages } from "@/db/schema";
import { makeUser } from "@/test/db/fixtures";
import { addAgentMessage } from "@/server/tickets/add-agent-message";
import { receiveMessage } from "@/server/tickets/receive-message";
import { createDeliverEmailTask, NO_RELAY, replySubject } from "./deliver";
import { startSmtpSink } from "@/test/email/smtp-sink";

const db = getDb();
const connectionString = inject("databaseUrl");
const FROM = "Support <support@deskling.test>";
let sink: Awaited<ReturnType<typeof startSmtpSink>>;

beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.close();
});

async function ticketWithReply(text = "We refunded you.") {
  const customer = `c-${randomUUID()}@example.com`;
  const inboundId = `<in-${randomUUID()}@example.com>`;
  const r = await receiveMessage(db, {
    channel: "email",
    from: { email: customer, name: "Ana" },
    subject: "Re: Charged twice",
    text: "Please refund",
    messageIdHeader: inboundId,
    actor: { kind: "system", label: "test" },
  });
  const agent = await makeUser("agent");
  const reply = await addAgentMessage(db, { ticketId: r.ticketId, userId: agent.id, kind: "reply", text });
  return { ...r, customer, inboundId, replyId: reply.id };
}

async function work(relayUrl: string | undefined) {
  await runOnce({ connectionString, taskList: { "deliver-email": createDeliverEmailTask({ relayUrl, from: FROM }) } });
}

const msg = async (id: string) => (await db.select().from(messages).where(eq(messages.id, id)))[0]!;

describe("deliver-email (graphile-worker → nodemailer → local SMTP sink)", () => {
  it("sends the reply with threading headers and marks it sent", async () => {
    const t = await ticketWithReply();
    expect((await msg(t.replyId)).deliveryStatus).toBe("queued");
    await work(sink.url);

    const sent = await msg(t.replyId);
    expect(sent.deliveryStatus).toBe("sent");
    expect(sent.deliveryAttempts).toBe(1);
    expect(sent.messageIdHeader).toMatch(/^<[0-9a-f-]{36}@deskling\.test>$/);

    const got = sink.received.filter((m) => m.to.includes(t.customer));
    expect(got).toHaveLength(1);
    const mail = await simpleParser(got[0]!.raw);
    expect(mail.subject).toBe(`Re: Charged twice [#${t.ticketNumber}]`);
    expect(mail.messageId).toBe(sent.messageIdHeader);
    expect(mail.inReplyTo).toBe(t.inboundId);
    expect([mail.references].flat()).toEqual([t.inboundId]);
    expect(mail.text?.trim()).toBe("We refunded you.");

    // Run again: a sent reply is never sent twice.
    await work(sink.url);
    expect(sink.received.filter((m) => m.to.includes(t.customer))).toHaveLength(1);
  });

  it("fails visibly when no relay is configured", async () => {
    const t = await ticketWithReply();
    await work(undefined);
    const m = await msg(t.replyId);
    expect(m.deliveryStatus).toBe("failed");
    expect(m.deliveryError).toBe(NO_RELAY);
  });

  it("marks a permanent (5xx) refusal failed at once", async () => {
    const refusing = await startSmtpSink({ reject: { code: 550, message: "5.1.1 mailbox unknown" } });
    try {
      const t = await ticketWithReply();
      await work(refusing.url);
      const m = await msg(t.replyId);
      expect(m.deliveryStatus).toBe("failed");
      expect(m.deliveryError).toContain("mailbox unknown");
    } finally {
      await refusing.close();
    }
  });

  it("retries a temporary failure with backoff, shows the error meanwhile, and fails after the last attempt", async () => {
    const busy = await startSmtpSink({ reject: { code: 451, message: "4.3.0 try later" } });
    try {
      const t = await ticketWithReply();
      await work(busy.url);
      let m = await msg(t.replyId);
      expect(m.deliveryStatus).toBe("queued");
      expect(m.deliveryAttempts).toBe(1);
      expect(m.deliveryError).toContain("try later");
      const job = async () =>
        (
          await db.execute<{ attempts: number; max_attempts: number; later: boolean }>(
            sql`select attempts, max_attempts, run_at > now() as later from graphile_worker._private_jobs where key = ${`deliver:${t.replyId}`}`,
          )
        )[0]!;
      const j = await job();
      expect(j.later).toBe(true); // backed off, not retried at once

      // Jump to the last attempt instead of waiting out the backoff.
      await db.execute(
        sql`update graphile_worker._private_jobs set attempts = max_attempts - 1, run_at = now() where key = ${`deliver:${t.replyId}`}`,
      );
      await work(busy.url);
      m = await msg(t.replyId);
      expect(m.deliveryStatus).toBe("failed");
      expect(m.deliveryAttempts).toBe(j.max_attempts);
      expect(m.deliveryError).toContain(`attempt ${j.max_attempts}/${j.max_attempts}`);
    } finally {
      await busy.close();
    }
  });

  it("builds reply subjects without stacking Re: or tokens", () => {
    expect(replySubject("Re: RE: Fwd: Refund [#12]", 12)).toBe("Re: Refund [#12]");
    expect(replySubject("", 3)).toBe("Re: (no subject) [#3]");
  });
});
