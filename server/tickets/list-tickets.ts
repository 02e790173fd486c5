import { and, asc, count, desc, eq, inArray, isNull, lt, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { customers, messages, teams, tickets, triageResults, users, type TicketStatus, type TriageStatus } from "@/db/schema";
import { triageQueuePlaces } from "@/server/jobs/triage-queue";

/** The saved views of the inbox; every one but "all" is open work (not solved or closed), awake but for "snoozed". */
export const TICKET_VIEWS = ["open", "mine", "unassigned", "needs_human", "flagged", "sla_risk", "snoozed", "all"] as const;
export type TicketView = (typeof TICKET_VIEWS)[number];
export const TICKET_SORTS = ["updated", "newest", "oldest", "priority", "number", "subject", "customer", "status", "sla"] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

/** A ticket is "at risk" when its next SLA deadline is this close (or past). */
export const SLA_RISK_WINDOW = sql`interval '1 hour'`;

export interface ListTicketsParams {
  view?: TicketView;
  /** The caller, for the "mine" view. */
  userId?: string;
  status?: TicketStatus[];
  /** A user id, or "unassigned". */
  assignee?: string;
  teamId?: string;
  category?: string;
  customerId?: string;
  q?: string;
  sort?: TicketSort;
  dir?: "asc" | "desc";
  page?: number;
  pageSize?: number;
}

/**
 * Open work, written as the partial indexes' predicate (migration 0009) with literals, not parameters: a generic plan
 * can only use a partial index whose predicate it can prove from the query text.
 */
export const OPEN_TICKET = sql`${tickets.status} not in ('solved', 'closed')`;

/**
 * The words of a search box as a prefix tsquery ('simple' config, every word must match, the last one may be
 * unfinished because the inbox searches as you type), or null when nothing searchable is left.
 */
export function searchQuery(q: string): string | null {
  const words = q
    .replace(/[&|!():*<>'"\\]/g, " ")
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 8);
  if (!words.length) return null;
  return words.map((w, i) => `'${w}'${i === words.length - 1 ? ":*" : ""}`).join(" & ");
}

/** Not snoozed, or its snooze is over: the time is compared when the query runs, so no job has to wake a ticket. */
const AWAKE = sql`(${tickets.snoozedUntil} is null or ${tickets.snoozedUntil} <= now())`;

/** The conditions of a view, shared by the list and the counts so they can never disagree. */
export function viewCondition(view: TicketView, userId?: string): SQL | undefined {
  if (view === "all") return undefined;
  if (view === "snoozed") return and(OPEN_TICKET, sql`${tickets.snoozedUntil} > now()`);
  const open = and(OPEN_TICKET, AWAKE);
  switch (view) {
    case "open":
      return open;
    case "mine":
      return and(open, userId ? eq(tickets.assigneeId, userId) : sql`false`);
    case "unassigned":
      return and(open, isNull(tickets.assigneeId));
    case "needs_human":
      return and(sql`${tickets.needsHuman}`, open);
    case "flagged":
      return and(sql`${tickets.flagged}`, open);
    case "sla_risk":
      return and(open, lt(tickets.slaDueAt, sql`now() + ${SLA_RISK_WINDOW}`));
  }
}

/**
 * Tickets matching a search, as one id set: a UNION of index scans (the subject, every message and note, the
 * customer, the number), so Postgres reads only the matches instead of testing every ticket against an OR.
 */
function searchCondition(q: string): SQL | undefined {
  const text = q.trim();
  if (!text) return undefined;
  const number = /^#?(\d{1,9})$/.exec(text);
  const tsq = searchQuery(text);
  const parts: SQL[] = [];
  if (number) parts.push(sql`select ${tickets.id} from ${tickets} where ${tickets.number} = ${Number(number[1])}`);
  if (tsq) {
    // Each expression matches a GIN index (migration 0009); keep them identical to the index definitions.
    const query = sql`to_tsquery('simple', ${tsq})`;
    parts.push(sql`select ${tickets.id} from ${tickets} where to_tsvector('simple', ${tickets.subject}) @@ ${query}`);
    parts.push(sql`select ${messages.ticketId} from ${messages} where to_tsvector('simple', ${messages.bodyText}) @@ ${query}`);
    parts.push(
      sql`select ${tickets.id} from ${tickets} where ${tickets.customerId} in (select ${customers.id} from ${customers} where to_tsvector('simple', coalesce(${customers.name}, '') || ' ' || ${customers.email}) @@ ${query})`,
    );
  }
  return parts.length ? inArray(tickets.id, sql`(${sql.join(parts, sql` union `)})`) : sql`false`;
}

export async function listTickets(db: DbOrTx, p: ListTicketsParams) {
  const page = Math.max(1, p.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, p.pageSize ?? 25));
  const where: (SQL | undefined)[] = [viewCondition(p.view ?? "all", p.userId)];
  if (p.status?.length) where.push(inArray(tickets.status, p.status));
  if (p.assignee === "unassigned") where.push(isNull(tickets.assigneeId));
  else if (p.assignee) where.push(eq(tickets.assigneeId, p.assignee));
  if (p.teamId) where.push(eq(tickets.teamId, p.teamId));
  if (p.category) where.push(eq(tickets.category, p.category));
  if (p.customerId) where.push(eq(tickets.customerId, p.customerId));
  if (p.q?.trim()) where.push(searchCondition(p.q));
  const sort = p.sort ?? "updated";
  // Each sort's natural direction; the caller may flip it. Ties broken by number so pages never overlap.
  const natural: Record<TicketSort, "asc" | "desc"> = {
    updated: "desc",
    newest: "desc",
    oldest: "asc",
    priority: "desc",
    number: "desc",
    subject: "asc",
    customer: "asc",
    status: "asc",
    sla: "asc",
  };
  const column: Record<TicketSort, SQL | typeof tickets.number> = {
    updated: sql`${tickets.lastMessageAt}`,
    newest: sql`${tickets.createdAt}`,
    oldest: sql`${tickets.createdAt}`,
    // Postgres orders an enum by declaration (low … urgent), so urgent comes first descending.
    priority: sql`${tickets.priority}`,
    number: tickets.number,
    subject: sql`lower(${tickets.subject})`,
    customer: sql`lower(coalesce(${customers.name}, ${customers.email}))`,
    status: sql`${tickets.status}`,
    sla: sql`${tickets.slaDueAt}`,
  };
  const dir = p.dir ?? natural[sort];
  const by = dir === "asc" ? asc : desc;
  const order = sort === "sla" ? [sql`${tickets.slaDueAt} ${sql.raw(dir)} nulls last`, desc(tickets.number)] : [by(column[sort]), desc(tickets.number)];
  const cond = and(...where.filter((w): w is SQL => !!w));
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
        snoozedUntil: tickets.snoozedUntil,
        firstResponseAt: tickets.firstResponseAt,
        needsHuman: tickets.needsHuman,
        flagged: tickets.flagged,
        assigneeId: tickets.assigneeId,
        customerEmail: customers.email,
        customerName: customers.name,
        assigneeName: users.name,
        teamName: teams.name,
        // The latest triage, for the inbox's AI column: its status and the category it proposes.
        ai: sql<{ status: TriageStatus; needsHuman: boolean; injection: boolean; category: string | null } | null>`(
          select json_build_object('status', ${triageResults.status}, 'needsHuman', ${triageResults.needsHuman}, 'injection', ${triageResults.injection}, 'category', ${triageResults.category})
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
    db.select({ n: count() }).from(tickets).where(cond),
  ]);
  // Tickets whose triage waits: their place in the queue, for the AI column.
  const places = await triageQueuePlaces(db, items.filter((i) => !i.ai || i.ai.status === "queued").map((i) => i.id));
  return { items: items.map((i) => ({ ...i, queue: places.get(i.id) ?? null })), total: total?.n ?? 0, page, pageSize };
}
