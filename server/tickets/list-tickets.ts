import { and, asc, count, desc, eq, inArray, isNull, lt, sql, type SQL } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { customers, mentions, teams, tickets, triageResults, users, type TicketStatus, type TriageStatus } from "@/db/schema";
import { triageQueuePlaces } from "@/server/jobs/triage-queue";

/**
 * The saved views of the inbox. Every one but "all" and "mentions" (unread @mentions of me, any status) is open work
 * (not solved or closed), awake but for "snoozed".
 */
export const TICKET_VIEWS = ["open", "mine", "mentions", "unassigned", "needs_human", "flagged", "sla_risk", "snoozed", "all"] as const;
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
 * unfinished because the inbox searches as you type), or null when nothing searchable is left. A word with an @ is a
 * lexeme as typed (lower-cased): the parser would split a half-typed address ("ann@exa") into two words, while the
 * document holds the whole address as one lexeme, which a prefix of it matches.
 */
export function searchQuery(q: string): string | null {
  const words = q
    .replace(/[&|!():*<>'"\\]/g, " ")
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 8);
  if (!words.length) return null;
  return words.map((w, i) => `'${w.toLowerCase()}'${i === words.length - 1 ? ":*" : ""}`).join(" & ");
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
    case "mentions":
      return userId
        ? sql`exists (select 1 from ${mentions} where ${mentions.ticketId} = ${tickets.id} and ${mentions.userId} = ${userId} and ${mentions.readAt} is null)`
        : sql`false`;
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

/** A search's total is counted up to this many matches ("1,000+"). */
export const SEARCH_COUNT_CAP = 1000;

/** Highest ticket number a search box can mean; past it, digits are only words. */
const MAX_NUMBER_DIGITS = 9;

/**
 * A search box's meaning: words against each ticket's search document (subject, number, customer, every message and
 * note; kept by triggers, migration ticket_search), and for "#123" or "123" the ticket numbers that start with those
 * digits (123, 1230–1239, 12300–12399…), widest range first.
 */
function parseSearch(q: string): { words: SQL | null; numbers: [number, number][] } {
  const text = q.trim();
  const numbers: [number, number][] = [];
  const number = /^#?(\d{1,9})$/.exec(text);
  if (number) {
    const digits = number[1]!;
    for (let width = MAX_NUMBER_DIGITS; width >= digits.length; width--) {
      const scale = 10 ** (width - digits.length);
      const low = Number(digits) * scale;
      if (low > 0 && String(low).length === width) numbers.push([low, low + scale - 1]);
    }
  }
  // A search for "#123" means the ticket; bare digits may also be an order number in a message.
  const tsq = number && text.startsWith("#") ? null : searchQuery(text);
  return { words: tsq ? sql`${tickets.searchVector} @@ ${tsq}::tsquery` : null, numbers };
}

/**
 * The ids of at most SEARCH_COUNT_CAP + 1 matches of each part. Words: the GIN index's hits for a rare word, the first
 * rows of a scan that stops at the cap for a common one. Numbers: each range read backwards on the number's unique
 * index, widest first, until the cap: the highest numbers, which are the newest tickets. Every read is bounded, and
 * none depends on the planner guessing how common the last word's prefix is (it cannot).
 */
async function searchMatches(tx: DbOrTx, base: SQL | undefined, search: ReturnType<typeof parseSearch>) {
  const limit = SEARCH_COUNT_CAP + 1;
  const ids = new Set<string>();
  let wordsCapped = false;
  if (search.words) {
    const rows = await tx.select({ id: tickets.id }).from(tickets).where(and(base, search.words)).limit(limit);
    wordsCapped = rows.length > SEARCH_COUNT_CAP;
    for (const r of rows) ids.add(r.id);
  }
  if (search.numbers.length) {
    const ranges = search.numbers.map(
      ([low, high]) =>
        sql`(select ${tickets.id} as id from ${tickets} where ${and(base, sql`${tickets.number} between ${low} and ${high}`)} order by ${tickets.number} desc limit ${limit})`,
    );
    const rows = await tx.execute<{ id: string }>(sql`select id from (${sql.join(ranges, sql` union all `)}) r limit ${limit}`);
    for (const r of rows) ids.add(r.id);
  }
  return { ids: [...ids], wordsCapped, numbers: search.numbers.length > 0 };
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
  const searching = !!p.q?.trim();
  const pageOf = (db: DbOrTx, where: SQL | undefined, offset = (page - 1) * pageSize) =>
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
      .where(where)
      .orderBy(...order)
      .limit(pageSize)
      .offset(offset);
  /**
   * The page among a known set of matches. The sort keys are read for the set alone (the LIMIT keeps the subquery a
   * subquery), then the page's rows: the planner would otherwise walk the list's index past every ticket that is
   * not in the set, and matches cluster (a number prefix is one stretch of history), so that walk could read half.
   */
  const pageAmong = async (tx: DbOrTx, ids: string[]) => {
    const keys = tx
      .select({ id: tickets.id, key: sql`${column[sort]}`.as("key"), number: tickets.number })
      .from(tickets)
      .leftJoin(customers, eq(customers.id, tickets.customerId))
      .where(inArray(tickets.id, ids))
      .limit(ids.length)
      .as("keys");
    const pageIds = await tx
      .select({ id: keys.id })
      .from(keys)
      .orderBy(sort === "sla" ? sql`${keys.key} ${sql.raw(dir)} nulls last` : by(keys.key), desc(keys.number))
      .limit(pageSize)
      .offset((page - 1) * pageSize);
    return pageIds.length ? pageOf(tx, inArray(tickets.id, pageIds.map((r) => r.id)), 0) : [];
  };
  let items: Awaited<ReturnType<typeof pageOf>>;
  let n: number;
  let totalCapped = false;
  if (searching) {
    const search = parseSearch(p.q ?? "");
    ({ items, n, totalCapped } = await customPlans(db, async (tx) => {
      const found = await searchMatches(tx, cond, search);
      // A common word: tickets in the list's order until the page is full is the cheap way (a number search never
      // walks: its matches cluster in one stretch of the ticket history, so a walk from the newest could read half).
      if (found.wordsCapped && !found.numbers && search.words) {
        return { items: await pageOf(tx, and(cond, search.words)), n: SEARCH_COUNT_CAP, totalCapped: true };
      }
      const capped = found.ids.length > SEARCH_COUNT_CAP;
      return {
        items: found.ids.length ? await pageAmong(tx, found.ids) : [],
        n: Math.min(found.ids.length, SEARCH_COUNT_CAP),
        totalCapped: capped,
      };
    }));
  } else {
    const [rows, [total]] = await Promise.all([pageOf(db, cond), db.select({ n: count() }).from(tickets).where(cond)]);
    items = rows;
    n = total?.n ?? 0;
  }
  // Tickets whose triage waits: their place in the queue, for the AI column.
  const places = await triageQueuePlaces(db, items.filter((i) => !i.ai || i.ai.status === "queued").map((i) => i.id));
  return {
    items: items.map((i) => ({ ...i, queue: places.get(i.id) ?? null })),
    total: n,
    totalCapped,
    page,
    pageSize,
  };
}

/**
 * Runs a search with plans made for its own words. The driver prepares statements, and after five runs Postgres may
 * keep a generic plan, made without knowing the words: one plan for "zzzz" and for "order", where the right plans
 * are opposite (the index's few matches, or tickets in list order until the page is full).
 */
async function customPlans<T>(db: DbOrTx, fn: (tx: DbOrTx) => Promise<T>): Promise<T> {
  const run = async (tx: DbOrTx) => {
    await tx.execute(sql`set local plan_cache_mode = force_custom_plan`);
    return fn(tx);
  };
  return "$sql" in db ? (db as Db).transaction(run) : run(db);
}
