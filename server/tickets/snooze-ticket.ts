import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { tickets } from "@/db/schema";
import { recordAudit, type Actor } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { publish } from "@/server/realtime/publish";

/**
 * Hides an open ticket from the open views until `until` (or wakes it now with null). Nothing runs at that time: the
 * views compare with now() (server/tickets/list-tickets.ts), and a customer message clears the snooze.
 */
export async function snoozeTicket(db: Db, input: { ticketId: string; until: Date | null; actor: Actor }) {
  if (input.until && input.until.getTime() <= Date.now()) throw new AppError("INVALID_INPUT", "Pick a time in the future.", { until: "Pick a time in the future" });
  return db.transaction(async (tx) => {
    const [before] = await tx.select({ status: tickets.status, snoozedUntil: tickets.snoozedUntil }).from(tickets).where(eq(tickets.id, input.ticketId)).for("update");
    if (!before) throw new AppError("NOT_FOUND", "Ticket not found.");
    if (input.until && (before.status === "solved" || before.status === "closed")) throw new AppError("CONFLICT", "A solved or closed ticket cannot be snoozed.");
    await tx.update(tickets).set({ snoozedUntil: input.until, updatedAt: new Date() }).where(eq(tickets.id, input.ticketId));
    await recordAudit(tx, {
      actor: input.actor,
      entity: "ticket",
      entityId: input.ticketId,
      action: input.until ? "snoozed" : "unsnoozed",
      changes: { snoozedUntil: { from: before.snoozedUntil?.toISOString() ?? null, to: input.until?.toISOString() ?? null } },
    });
    await publish(tx, { type: "ticket", ticketId: input.ticketId, reason: "snoozed" });
    return { snoozedUntil: input.until };
  });
}
