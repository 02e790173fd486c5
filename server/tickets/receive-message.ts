import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { attachments, messages, tickets, type TicketChannel } from "@/db/schema";
import { recordAudit, type Actor } from "@/server/audit/record-audit";
import { upsertCustomer } from "@/server/customers/upsert-customer";
import { enqueue } from "@/server/jobs/enqueue";
import { publish } from "@/server/realtime/publish";
import { JOB_PRIORITY } from "@/server/jobs/jobs";

export interface InboundMessage {
  channel: TicketChannel;
  from: { email: string; name?: string | null };
  subject: string;
  text: string;
  html?: string | null;
  /** Thread into this ticket (already resolved by the caller, e.g. from a [#123] token or In-Reply-To). */
  ticketId?: string;
  /** A ticket known in another system: threads into it by (source, externalId), or creates it. */
  source?: string;
  externalId?: string;
  messageIdHeader?: string | null;
  inReplyTo?: string | null;
  references?: string[];
  headers?: Record<string, string>;
  rawInboundId?: string;
  attachments?: { filename: string; contentType: string; content: Buffer }[];
  teamId?: string | null;
  /** graphile-worker priority of its triage job; live by default (see server/triage/priority.ts). */
  triagePriority?: number;
  actor: Actor;
}

export interface ReceivedMessage {
  ticketId: string;
  ticketNumber: number;
  messageId: string;
  createdTicket: boolean;
  /** True when a message with this Message-ID was already stored: nothing new was written. */
  duplicate: boolean;
}

/**
 * The one way in for a customer message, whatever the channel: upserts the customer, threads into an
 * existing ticket or opens one, stores the message and enqueues its triage, all in one transaction.
 */
export async function receiveMessage(db: Db, input: InboundMessage): Promise<ReceivedMessage> {
  return db.transaction(async (tx) => {
    if (input.messageIdHeader) {
      const [dupe] = await tx
        .select({ id: messages.id, ticketId: messages.ticketId, number: tickets.number })
        .from(messages)
        .innerJoin(tickets, eq(tickets.id, messages.ticketId))
        .where(eq(messages.messageIdHeader, input.messageIdHeader));
      if (dupe) {
        return { ticketId: dupe.ticketId, ticketNumber: dupe.number, messageId: dupe.id, createdTicket: false, duplicate: true };
      }
    }
    const customer = await upsertCustomer(tx, input.from);
    let ticket: { id: string; number: number; status: string } | undefined;
    if (input.ticketId) {
      [ticket] = await tx.select().from(tickets).where(eq(tickets.id, input.ticketId));
    } else if (input.source && input.externalId) {
      [ticket] = await tx
        .select()
        .from(tickets)
        .where(and(eq(tickets.source, input.source), eq(tickets.externalId, input.externalId)));
    }
    const createdTicket = !ticket;
    if (!ticket) {
      [ticket] = await tx
        .insert(tickets)
        .values({
          subject: input.subject.trim() || "(no subject)",
          channel: input.channel,
          customerId: customer.id,
          teamId: input.teamId ?? null,
          source: input.source ?? null,
          externalId: input.externalId ?? null,
        })
        .returning();
      await recordAudit(tx, { actor: input.actor, entity: "ticket", entityId: ticket!.id, action: "created" });
    } else {
      // A customer writing again reopens a ticket that was waiting or solved, and wakes a snoozed one.
      await tx
        .update(tickets)
        .set({
          lastMessageAt: sql`now()`,
          updatedAt: sql`now()`,
          status: sql`case when ${tickets.status} in ('pending', 'solved') then 'open'::ticket_status else ${tickets.status} end`,
          // Reopened: its solve is no longer final (analytics measures resolution to the final solve).
          resolvedAt: sql`case when ${tickets.status} = 'solved' then null else ${tickets.resolvedAt} end`,
          snoozedUntil: null,
        })
        .where(eq(tickets.id, ticket.id));
    }
    const [message] = await tx
      .insert(messages)
      .values({
        ticketId: ticket!.id,
        direction: "inbound",
        customerId: customer.id,
        bodyText: input.text,
        bodyHtml: input.html ?? null,
        headers: input.headers,
        messageIdHeader: input.messageIdHeader ?? null,
        inReplyTo: input.inReplyTo ?? null,
        references: input.references ?? null,
        rawInboundId: input.rawInboundId ?? null,
      })
      .returning({ id: messages.id });
    if (input.attachments?.length) {
      await tx.insert(attachments).values(
        input.attachments.map((a) => ({ messageId: message!.id, filename: a.filename, contentType: a.contentType, size: a.content.length, content: a.content })),
      );
    }
    await enqueue(tx, "triage", { ticketId: ticket!.id, messageId: message!.id }, {
      jobKey: `triage:${message!.id}`,
      priority: input.triagePriority ?? JOB_PRIORITY.live,
    });
    await publish(tx, { type: "ticket", ticketId: ticket!.id, reason: createdTicket ? "new" : "message" });
    return { ticketId: ticket!.id, ticketNumber: ticket!.number, messageId: message!.id, createdTicket, duplicate: false };
  });
}
