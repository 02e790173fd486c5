import { asc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { customers, messages, teams, tickets, ticketTags, users } from "@/db/schema";
import { AppError } from "@/server/errors";

export async function getTicket(db: Db, id: string) {
  const [row] = await db
    .select({ ticket: tickets, customer: customers, assigneeName: users.name, teamName: teams.name })
    .from(tickets)
    .leftJoin(customers, eq(customers.id, tickets.customerId))
    .leftJoin(users, eq(users.id, tickets.assigneeId))
    .leftJoin(teams, eq(teams.id, tickets.teamId))
    .where(eq(tickets.id, id));
  if (!row) throw new AppError("NOT_FOUND", "Ticket not found.");
  const [thread, tags] = await Promise.all([
    db
      .select({
        id: messages.id,
        direction: messages.direction,
        bodyText: messages.bodyText,
        bodyHtml: messages.bodyHtml,
        createdAt: messages.createdAt,
        deliveryStatus: messages.deliveryStatus,
        deliveryError: messages.deliveryError,
        draftTriageId: messages.draftTriageId,
        draftChrf: messages.draftChrf,
        authorName: users.name,
      })
      .from(messages)
      .leftJoin(users, eq(users.id, messages.authorUserId))
      .where(eq(messages.ticketId, id))
      .orderBy(asc(messages.createdAt)),
    db.select({ tag: ticketTags.tag }).from(ticketTags).where(eq(ticketTags.ticketId, id)).orderBy(asc(ticketTags.tag)),
  ]);
  return {
    ...row.ticket,
    customer: row.customer,
    assigneeName: row.assigneeName,
    teamName: row.teamName,
    tags: tags.map((t) => t.tag),
    messages: thread,
  };
}

export type TicketDetail = Awaited<ReturnType<typeof getTicket>>;
