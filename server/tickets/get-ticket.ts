import { asc, eq, getTableColumns, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { attachments, customers, messages, teams, tickets, ticketTags, users } from "@/db/schema";
import { AppError } from "@/server/errors";

// The search document is the search's business (lexemes of every message): never sent to the browser or the API.
const { searchVector: _, ...ticketColumns } = getTableColumns(tickets);

export async function getTicket(db: Db, id: string) {
  const [row] = await db
    .select({ ticket: ticketColumns, customer: customers, assigneeName: users.name, teamName: teams.name })
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
  // Listed, not loaded: the bytes come from the download route.
  const files = thread.length
    ? await db
        .select({ id: attachments.id, messageId: attachments.messageId, filename: attachments.filename, contentType: attachments.contentType, size: attachments.size })
        .from(attachments)
        .where(inArray(attachments.messageId, thread.map((m) => m.id)))
        .orderBy(asc(attachments.createdAt))
    : [];
  return {
    ...row.ticket,
    customer: row.customer,
    assigneeName: row.assigneeName,
    teamName: row.teamName,
    tags: tags.map((t) => t.tag),
    messages: thread.map((m) => ({ ...m, attachments: files.filter((f) => f.messageId === m.id) })),
  };
}

export type TicketDetail = Awaited<ReturnType<typeof getTicket>>;
