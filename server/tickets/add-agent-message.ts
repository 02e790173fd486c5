import { and, desc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { customers, mentions, messages, tickets, triageResults, users } from "@/db/schema";
import { recordAudit } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { enqueue } from "@/server/jobs/enqueue";
import { chrF, editDistance } from "./draft-metrics";

/** A reply waits for the customer: it goes before triage jobs (priority 0, the demo backlog 10) in the one queue. */
export const DELIVERY_PRIORITY = -10;

/**
 * An agent's reply (sent to the customer by email when the ticket has one) or internal note.
 * A reply marks the first response and moves the ticket to pending (waiting for the customer), or to solved with
 * send-and-solve; if the email then fails for good, delivery puts the ticket back to open (server/ingestion/email/
 * deliver.ts). A reply started from an AI draft keeps the link to it with the edit distance and chrF between the
 * draft as shown and the text sent: the SLM's training pair. A note may @mention agents (`mentionIds`, picked in the
 * composer): each one whose "@Name" is still in the text and who is active gets an unread mention.
 */
export async function addAgentMessage(
  db: Db,
  input: {
    ticketId: string;
    userId: string;
    kind: "reply" | "note";
    text: string;
    draftTriageId?: string | null;
    solve?: boolean;
    /**
     * The send guard: the newest customer message the agent had seen when they wrote the reply (null: none). A reply
     * is refused with CONFLICT when a newer one arrived since; undefined skips the guard (imports, API, tests).
     */
    seenMessageId?: string | null;
    /** Agents picked from the @ suggestions of a note. */
    mentionIds?: string[];
  },
) {
  const text = input.text.trim();
  if (!text) throw new AppError("INVALID_INPUT", "The message is empty.", { text: "Write something first" });
  return db.transaction(async (tx) => {
    const [ticket] = await tx
      .select({ id: tickets.id, customerEmail: customers.email })
      .from(tickets)
      .leftJoin(customers, eq(customers.id, tickets.customerId))
      .where(eq(tickets.id, input.ticketId));
    if (!ticket) throw new AppError("NOT_FOUND", "Ticket not found.");
    const reply = input.kind === "reply";
    if (reply && input.seenMessageId !== undefined) await guardNewerMessage(tx, ticket.id, input.seenMessageId);
    let draft: { draftTriageId: string; draftText: string; draftEditDistance: number | null; draftChrf: number } | null = null;
    if (reply && input.draftTriageId) {
      const [row] = await tx
        .select({ id: triageResults.id, draft: triageResults.draft })
        .from(triageResults)
        .where(and(eq(triageResults.id, input.draftTriageId), eq(triageResults.ticketId, ticket.id)));
      if (!row?.draft) throw new AppError("INVALID_INPUT", "That draft does not belong to this ticket.", { draftTriageId: "Unknown draft" });
      const shown = row.draft.trim();
      draft = { draftTriageId: row.id, draftText: shown, draftEditDistance: editDistance(shown, text), draftChrf: chrF(shown, text) };
    }
    const [message] = await tx
      .insert(messages)
      .values({
        ticketId: ticket.id,
        direction: reply ? "outbound" : "note",
        authorUserId: input.userId,
        bodyText: text,
        deliveryStatus: reply && ticket.customerEmail ? "queued" : "none",
        ...draft,
      })
      .returning();
    if (!reply && input.mentionIds?.length) {
      const named = await tx
        .select({ id: users.id, name: users.name })
        .from(users)
        .where(and(inArray(users.id, input.mentionIds), eq(users.active, true)));
      const mentioned = named.filter((u) => text.includes(`@${u.name}`));
      if (mentioned.length) {
        await tx
          .insert(mentions)
          .values(mentioned.map((u) => ({ messageId: message!.id, ticketId: ticket.id, userId: u.id })))
          .onConflictDoNothing();
      }
    }
    if (reply) {
      await tx
        .update(tickets)
        .set({
          firstResponseAt: sql`coalesce(${tickets.firstResponseAt}, now())`,
          status: input.solve
            ? sql`'solved'::ticket_status`
            : sql`case when ${tickets.status} in ('new', 'open') then 'pending'::ticket_status else ${tickets.status} end`,
          resolvedAt: input.solve ? sql`coalesce(${tickets.resolvedAt}, now())` : undefined,
          updatedAt: sql`now()`,
        })
        .where(eq(tickets.id, ticket.id));
      if (ticket.customerEmail) await enqueue(tx, "deliver-email", { messageId: message!.id }, { jobKey: `deliver:${message!.id}`, priority: DELIVERY_PRIORITY });
    }
    await recordAudit(tx, {
      actor: { kind: "user", userId: input.userId },
      entity: "ticket",
      entityId: ticket.id,
      action: reply ? (input.solve ? "replied and solved" : "replied") : "noted",
    });
    return message!;
  });
}

/**
 * Refuses a reply written without the customer's newest message. The error's field carries that message's id: the
 * page shows it, and sending again after the agent saw it passes.
 */
async function guardNewerMessage(tx: DbOrTx, ticketId: string, seenMessageId: string | null) {
  const inbound = and(eq(messages.ticketId, ticketId), eq(messages.direction, "inbound"));
  let after = inbound;
  if (seenMessageId) {
    const [seen] = await tx.select({ id: messages.id }).from(messages).where(and(inbound, eq(messages.id, seenMessageId)));
    if (!seen) throw new AppError("INVALID_INPUT", "That message is not a customer message of this ticket.", { seenMessageId: "Unknown message" });
    // Compared in SQL: a JS Date would drop the microseconds and make the seen message newer than itself.
    after = and(inbound, gt(messages.createdAt, sql`(select ${messages.createdAt} from ${messages} where ${messages.id} = ${seenMessageId})`));
  }
  const newer = await tx.select({ id: messages.id }).from(messages).where(after).orderBy(desc(messages.createdAt));
  if (newer.length)
    throw new AppError(
      "CONFLICT",
      newer.length === 1 ? "The customer wrote again since you started this reply." : `The customer wrote ${newer.length} more messages since you started this reply.`,
      { seenMessageId: newer[0]!.id },
    );
}
