import { and, asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { messages, tickets } from "@/db/schema";
import { AppError } from "@/server/errors";

/**
 * The text the learner sees for a ticket: its subject and the customer's first message. Triage classifies the same
 * text that a correction later stores as the example, so the two must come from this one function.
 */
export function learningText(subject: string, body: string): string {
  return [subject.trim(), body.trim()].filter(Boolean).join("\n\n");
}

export async function ticketLearningText(db: DbOrTx, ticketId: string): Promise<string> {
  const [ticket] = await db.select({ subject: tickets.subject }).from(tickets).where(eq(tickets.id, ticketId));
  if (!ticket) throw new AppError("NOT_FOUND", "Ticket not found.");
  const [first] = await db
    .select({ body: messages.bodyText })
    .from(messages)
    .where(and(eq(messages.ticketId, ticketId), eq(messages.direction, "inbound")))
    .orderBy(asc(messages.createdAt))
    .limit(1);
  return learningText(ticket.subject, first?.body ?? "");
}
