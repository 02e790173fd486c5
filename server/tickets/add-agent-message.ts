import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { customers, messages, tickets } from "@/db/schema";
import { recordAudit } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { enqueue } from "@/server/jobs/enqueue";

/**
 * An agent's reply (sent to the customer by email when the ticket has one) or internal note.
 * A reply marks the first response and moves the ticket to pending (waiting for the customer).
 */
export async function addAgentMessage(
  db: Db,
  input: { ticketId: string; userId: string; kind: "reply" | "note"; text: string },
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
    const [message] = await tx
      .insert(messages)
      .values({
        ticketId: ticket.id,
        direction: reply ? "outbound" : "note",
        authorUserId: input.userId,
        bodyText: text,
        deliveryStatus: reply && ticket.customerEmail ? "queued" : "none",
      })
      .returning();
    if (reply) {
      await tx
        .update(tickets)
        .set({
          firstResponseAt: sql`coalesce(${tickets.firstResponseAt}, now())`,
          status: sql`case when ${tickets.status} in ('new', 'open') then 'pending'::ticket_status else ${tickets.status} end`,
          updatedAt: sql`now()`,
        })
        .where(eq(tickets.id, ticket.id));
      if (ticket.customerEmail) await enqueue(tx, "deliver-email", { messageId: message!.id }, { jobKey: `deliver:${message!.id}` });
    }
    await recordAudit(tx, {
      actor: { kind: "user", userId: input.userId },
      entity: "ticket",
      entityId: ticket.id,
      action: reply ? "replied" : "noted",
    });
    return message!;
  });
}
