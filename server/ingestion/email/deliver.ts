import { randomUUID } from "node:crypto";
import { and, asc, eq, isNotNull, ne, sql } from "drizzle-orm";
import type { Task } from "graphile-worker";
import nodemailer, { type Transporter } from "nodemailer";
import type { Db, DbOrTx } from "@/db/client";
import { getDb } from "@/db/client";
import { customers, messages, tickets } from "@/db/schema";
import { recordAudit } from "@/server/audit/record-audit";
import { jobPayloads } from "@/server/jobs/jobs";

export interface DeliverConfig {
  /** smtp://… or smtps://… of the relay; unset means replies fail visibly instead of vanishing. */
  relayUrl: string | undefined;
  /** "Support <support@example.com>": the From of every reply, and the domain of our Message-IDs. */
  from: string;
}

export const NO_RELAY = "no relay configured (set SMTP_RELAY_URL)";

function domainOf(from: string) {
  return /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? "deskling.local";
}

/** An SMTP answer that retrying will not change (5xx), as opposed to a network or 4xx failure. */
function isPermanent(err: unknown) {
  const code = (err as { responseCode?: number }).responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

/** Subject of a reply: the ticket's subject once, with the token that threads the customer's answer back. */
export function replySubject(subject: string, number: number) {
  const base = subject.replace(/^\s*((re|aw|sv|fwd?)\s*:\s*)+/i, "").replace(/\s*\[#\d+\]\s*/g, " ").trim();
  return `Re: ${base || "(no subject)"} [#${number}]`;
}

type Attempt = { attempt: number; maxAttempts: number };

/**
 * Sends one agent reply. Idempotent: a sent message is never sent again, and a retry reuses the Message-ID
 * stored before the first try, so a recipient who got it despite a lost 250 sees one message, not two.
 * Records delivery_status/error/attempts; throws on a temporary failure so the queue retries with backoff.
 */
export async function deliverReply(db: Db, messageId: string, cfg: DeliverConfig, at: Attempt, transport?: Transporter) {
  const [row] = await db
    .select({ message: messages, subject: tickets.subject, number: tickets.number, to: customers.email, toName: customers.name })
    .from(messages)
    .innerJoin(tickets, eq(tickets.id, messages.ticketId))
    .leftJoin(customers, eq(customers.id, tickets.customerId))
    .where(eq(messages.id, messageId));
  if (!row || row.message.direction !== "outbound" || row.message.deliveryStatus === "sent") return;

  const fail = async (error: string, final: boolean) => {
    await db.transaction(async (tx) => {
      await tx
        .update(messages)
        .set({ deliveryStatus: final ? "failed" : "queued", deliveryError: error.slice(0, 1000), deliveryAttempts: at.attempt })
        .where(eq(messages.id, messageId));
      if (final) await reopenAfterFailedReply(tx, row.message.ticketId);
    });
  };

  if (!row.to) return void (await fail("the ticket has no customer email address", true));
  if (!cfg.relayUrl && !transport) return void (await fail(NO_RELAY, true));

  let ownId = row.message.messageIdHeader;
  if (!ownId) {
    ownId = `<${randomUUID()}@${domainOf(cfg.from)}>`;
    await db.update(messages).set({ messageIdHeader: ownId }).where(eq(messages.id, messageId));
  }
  const thread = await db
    .select({ id: messages.messageIdHeader, direction: messages.direction })
    .from(messages)
    .where(and(eq(messages.ticketId, row.message.ticketId), isNotNull(messages.messageIdHeader), ne(messages.id, messageId)))
    .orderBy(asc(messages.createdAt));
  const earlier = thread.filter((m) => m.id !== ownId);
  const references = earlier.map((m) => m.id!).slice(-20);
  const lastInbound = earlier.filter((m) => m.direction === "inbound").at(-1)?.id ?? references.at(-1);

  const mailer = transport ?? nodemailer.createTransport(cfg.relayUrl!);
  try {
    await mailer.sendMail({
      from: cfg.from,
      to: row.toName ? { name: row.toName, address: row.to } : row.to,
      subject: replySubject(row.subject, row.number),
      text: row.message.bodyText,
      messageId: ownId,
      inReplyTo: lastInbound,
      references,
    });
  } catch (err) {
    const final = isPermanent(err) || at.attempt >= at.maxAttempts;
    await fail(`attempt ${at.attempt}/${at.maxAttempts}: ${(err as Error).message}`, final);
    if (final) return;
    throw err;
  } finally {
    if (!transport) mailer.close();
  }
  await db
    .update(messages)
    .set({ deliveryStatus: "sent", deliveryError: null, deliveryAttempts: at.attempt })
    .where(eq(messages.id, messageId));
}

/**
 * The customer never got the reply: the ticket is not waiting for them (pending) nor solved by it, so it goes back to
 * open, and its first response is the earliest reply still sent or on its way (none: the first-reply SLA runs again).
 */
async function reopenAfterFailedReply(tx: DbOrTx, ticketId: string) {
  await tx
    .update(tickets)
    .set({
      status: sql`case when ${tickets.status} in ('pending', 'solved') then 'open'::ticket_status else ${tickets.status} end`,
      resolvedAt: sql`case when ${tickets.status} = 'solved' then null else ${tickets.resolvedAt} end`,
      firstResponseAt: sql`(select min(${messages.createdAt}) from ${messages} where ${messages.ticketId} = ${ticketId}
        and ${messages.direction} = 'outbound' and ${messages.deliveryStatus} <> 'failed')`,
      updatedAt: sql`now()`,
    })
    .where(eq(tickets.id, ticketId));
  await recordAudit(tx, { actor: { kind: "system", label: "email delivery" }, entity: "ticket", entityId: ticketId, action: "reply not delivered" });
}

/** The graphile-worker task for `deliver-email`. */
export function createDeliverEmailTask(cfg: DeliverConfig): Task {
  return async (payload, helpers) => {
    const { messageId } = jobPayloads["deliver-email"].parse(payload);
    await deliverReply(getDb(), messageId, cfg, { attempt: helpers.job.attempts, maxAttempts: helpers.job.max_attempts });
  };
}
