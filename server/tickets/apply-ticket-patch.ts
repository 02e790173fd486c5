import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { categories, tags, tickets, ticketTags, users, type Ticket, type TicketPriority, type TicketStatus } from "@/db/schema";
import { recordAudit, type Actor, type Changes } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";

export interface TicketPatch {
  status?: TicketStatus;
  priority?: TicketPriority;
  category?: string | null;
  assigneeId?: string | null;
  teamId?: string | null;
  tags?: string[];
  sentiment?: string | null;
  language?: string | null;
  summary?: string | null;
}

const COLUMNS = ["status", "priority", "category", "assigneeId", "teamId", "sentiment", "language", "summary"] as const;

/**
 * Applies a patch to a locked ticket inside the caller's transaction and audits each change. Not a way in on its own:
 * server/learning/update-ticket.ts calls it, so a learnable field never changes without its correction.
 */
export async function applyTicketPatch(
  tx: DbOrTx,
  input: { ticketId: string; actor: Actor; patch: TicketPatch; extra?: Partial<typeof tickets.$inferInsert> },
): Promise<{ before: Ticket; changes: Changes; tags: string[] | null }> {
  const [current] = await tx.select().from(tickets).where(eq(tickets.id, input.ticketId)).for("update");
  if (!current) throw new AppError("NOT_FOUND", "Ticket not found.");
  const { patch } = input;
  const changes: Changes = {};
  const set: Partial<typeof tickets.$inferInsert> = {};
  for (const key of COLUMNS) {
    if (patch[key] !== undefined && patch[key] !== current[key]) {
      changes[key] = { from: current[key], to: patch[key] };
      Object.assign(set, { [key]: patch[key] });
    }
  }
  if (set.category) {
    const [cat] = await tx.select().from(categories).where(eq(categories.key, set.category));
    if (!cat) throw new AppError("INVALID_INPUT", `Unknown category "${set.category}".`, { category: "Unknown category" });
  }
  if (set.assigneeId) {
    const [u] = await tx.select().from(users).where(and(eq(users.id, set.assigneeId), eq(users.active, true)));
    if (!u) throw new AppError("INVALID_INPUT", "The assignee is not an active user.", { assigneeId: "Not an active user" });
  }
  if (set.status === "solved" || set.status === "closed") set.resolvedAt = current.resolvedAt ?? new Date();
  else if (set.status) set.resolvedAt = null;
  let nextTags: string[] | null = null;
  if (patch.tags) {
    nextTags = [...new Set(patch.tags.map((t) => t.trim().toLowerCase()).filter(Boolean))].sort();
    const prev = (await tx.select().from(ticketTags).where(eq(ticketTags.ticketId, current.id))).map((r) => r.tag).sort();
    if (nextTags.join("\u0000") !== prev.join("\u0000")) {
      changes.tags = { from: prev, to: nextTags };
      if (nextTags.length) await tx.insert(tags).values(nextTags.map((name) => ({ name }))).onConflictDoNothing();
      await tx.delete(ticketTags).where(eq(ticketTags.ticketId, current.id));
      if (nextTags.length) await tx.insert(ticketTags).values(nextTags.map((tag) => ({ ticketId: current.id, tag })));
    }
  }
  const extra = input.extra ?? {};
  if (Object.keys(changes).length > 0 || Object.keys(extra).length > 0) {
    await tx
      .update(tickets)
      .set({ ...set, ...extra, updatedAt: sql`now()` })
      .where(eq(tickets.id, current.id));
  }
  if (Object.keys(changes).length > 0) {
    await recordAudit(tx, { actor: input.actor, entity: "ticket", entityId: current.id, action: "updated", changes });
  }
  return { before: current, changes, tags: nextTags };
}
