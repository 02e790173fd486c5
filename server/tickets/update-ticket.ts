import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { categories, tags, tickets, ticketTags, users, type TicketPriority, type TicketStatus } from "@/db/schema";
import { recordAudit, type Actor, type Changes } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";

export interface TicketPatch {
  status?: TicketStatus;
  priority?: TicketPriority;
  category?: string | null;
  assigneeId?: string | null;
  teamId?: string | null;
  tags?: string[];
}

/**
 * Changes a ticket's fields and records each change in the audit log. Returns the changes so callers
 * (the API, the ticket page, helpdesk events) can record AI corrections for the fields that triage set.
 */
export async function updateTicket(db: Db, input: { ticketId: string; actor: Actor; patch: TicketPatch }) {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(tickets).where(eq(tickets.id, input.ticketId)).for("update");
    if (!current) throw new AppError("NOT_FOUND", "Ticket not found.");
    const { patch } = input;
    const changes: Changes = {};
    const set: Partial<typeof tickets.$inferInsert> = {};
    for (const key of ["status", "priority", "category", "assigneeId", "teamId"] as const) {
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
    if (patch.tags) {
      const next = [...new Set(patch.tags.map((t) => t.trim().toLowerCase()).filter(Boolean))].sort();
      const prev = (await tx.select().from(ticketTags).where(eq(ticketTags.ticketId, current.id))).map((r) => r.tag).sort();
      if (next.join("\u0000") !== prev.join("\u0000")) {
        changes.tags = { from: prev, to: next };
        if (next.length) await tx.insert(tags).values(next.map((name) => ({ name }))).onConflictDoNothing();
        await tx.delete(ticketTags).where(eq(ticketTags.ticketId, current.id));
        if (next.length) await tx.insert(ticketTags).values(next.map((tag) => ({ ticketId: current.id, tag })));
      }
    }
    if (Object.keys(changes).length === 0) return { changed: false as const, changes };
    await tx
      .update(tickets)
      .set({ ...set, updatedAt: sql`now()` })
      .where(eq(tickets.id, current.id));
    await recordAudit(tx, { actor: input.actor, entity: "ticket", entityId: current.id, action: "updated", changes });
    return { changed: true as const, changes };
  });
}

