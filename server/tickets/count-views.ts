import { count, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { categories, teams, tickets } from "@/db/schema";
import { OPEN_TICKET, TICKET_VIEWS, viewCondition, type TicketView } from "./list-tickets";

/**
 * The inbox's live counts: each saved view, and open work by team and by category. One pass over the open tickets
 * for the views (a filtered count per view, the same conditions the list uses) and one grouped count for each split.
 */
export async function countViews(db: DbOrTx, input: { userId: string }) {
  const open = OPEN_TICKET;
  // Mentions are not only open work: counted apart, with the same condition the list uses.
  const views = TICKET_VIEWS.filter((v) => v !== "all" && v !== "mentions");
  const [row] = await db
    .select(Object.fromEntries(views.map((v) => [v, sql<number>`count(*) filter (where ${viewCondition(v, input.userId)})`.mapWith(Number)])))
    .from(tickets)
    .where(open);
  const [[mentioned], byTeam, byCategory] = await Promise.all([
    db.select({ n: count() }).from(tickets).where(viewCondition("mentions", input.userId)),
    db
      .select({ id: teams.id, name: teams.name, n: sql<number>`count(${tickets.id})`.mapWith(Number) })
      .from(teams)
      .leftJoin(tickets, sql`${tickets.teamId} = ${teams.id} and ${open}`)
      .groupBy(teams.id, teams.name)
      .orderBy(teams.name),
    db
      .select({ key: tickets.category, label: categories.label, n: count() })
      .from(tickets)
      .leftJoin(categories, sql`${categories.key} = ${tickets.category}`)
      .where(open)
      .groupBy(tickets.category, categories.label)
      .orderBy(categories.label),
  ]);
  return {
    views: { ...Object.fromEntries(views.map((v) => [v, row?.[v] ?? 0])), mentions: mentioned?.n ?? 0 } as Record<Exclude<TicketView, "all">, number>,
    byTeam,
    byCategory: byCategory.filter((c): c is { key: string; label: string | null; n: number } => c.key !== null),
  };
}
