import { and, asc, count, desc, eq, ilike, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { triageQueuePlaces } from "@/server/jobs/triage-queue";
import { customers, teams, tickets, triageResults, users, type TicketStatus, type TriageStatus } from "@/db/schema";

export interface ListTicketsParams {
  status?: TicketStatus[];
  /** A user id, or "unassigned". */
  assignee?: string;
  teamId?: string;
  category?: string;
  q?: string;
  sort?: "newest" | "oldest" | "priority" | "updated";
  page?: number;
  pageSize?: number;
}

export async function listTickets(db: Db, p: ListTicketsParams) {
  const page = Math.max(1, p.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, p.pageSize ?? 25));
  const where: SQL[] = [];
  if (p.status?.length) where.push(or(...p.status.map((s) => eq(tickets.status, s)))!);
  if (p.assignee === "unassigned") where.push(isNull(tickets.assigneeId));
  else if (p.assignee) where.push(eq(tickets.assigneeId, p.assignee));
  if (p.teamId) where.push(eq(tickets.teamId, p.teamId));
  if (p.category) where.push(eq(tickets.category, p.category));
  if (p.q?.trim()) {
    const like = `%${p.q.trim().replace(/[%_\\]/g, "\\$&")}%`;
    where.push(or(ilike(tickets.subject, like), ilike(customers.email, like))!);
  }
  const order = {
    newest: [desc(tickets.createdAt)],
    oldest: [asc(tickets.createdAt)],
    updated: [desc(tickets.lastMessageAt)],
    // Postgres orders an enum by declaration (low … urgent), so urgent comes first descending.
    priority: [desc(tickets.priority), desc(tickets.createdAt)],
  }[p.sort ?? "updated"];
  const cond = where.length ? and(...where) : undefined;
  const [items, [total]] = await Promise.all([
    db
      .select({
        id: tickets.id,
        number: tickets.number,
        subject: tickets.subject,
        status: tickets.status,
        priority: tickets.priority,
        category: tickets.category,
        channel: tickets.channel,
        createdAt: tickets.createdAt,
        lastMessageAt: tickets.lastMessageAt,
        slaDueAt: tickets.slaDueAt,
        customerEmail: customers.email,
        customerName: customers.name,
        assigneeName: users.name,
        teamName: teams.name,
        // The latest triage of the ticket's latest message, for the inbox's AI column.
        ai: sql<{ status: TriageStatus; needsHuman: boolean; injection: boolean } | null>`(
          select json_build_object('status', ${triageResults.status}, 'needsHuman', ${triageResults.needsHuman}, 'injection', ${triageResults.injection})
          from ${triageResults} where ${triageResults.ticketId} = ${tickets.id}
          order by ${triageResults.createdAt} desc limit 1)`,
      })
      .from(tickets)
      .leftJoin(customers, eq(customers.id, tickets.customerId))
      .leftJoin(users, eq(users.id, tickets.assigneeId))
      .leftJoin(teams, eq(teams.id, tickets.teamId))
      .where(cond)
      .orderBy(...order)
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db
      .select({ n: count() })
      .from(tickets)
      .leftJoin(customers, eq(customers.id, tickets.customerId))
      .where(cond),
  ]);
  // Tickets whose triage waits: their place in the queue, for the AI column.
  const places = await triageQueuePlaces(db, items.filter((i) => !i.ai || i.ai.status === "queued").map((i) => i.id));
  return { items: items.map((i) => ({ ...i, queue: places.get(i.id) ?? null })), total: total?.n ?? 0, page, pageSize };
}
