import { inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { slaPolicies, tickets, type TicketPriority } from "@/db/schema";
import { recordAudit, type Changes } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";

export interface SlaTarget {
  priority: TicketPriority;
  /** Null: this priority has no target (its row is removed). */
  firstReplyMinutes: number | null;
  resolutionMinutes: number | null;
}

/**
 * An admin sets the SLA targets per priority (minutes), or removes a priority's. The deadline of every open ticket of
 * a changed priority is recomputed at once by the database's own rule (the tickets_sla_due trigger, migration
 * 0011), so the inbox's timers and the "SLA at risk" view follow the new policy. Audited per priority.
 */
export async function saveSlaPolicies(db: Db, input: { actorId: string; targets: SlaTarget[] }) {
  for (const t of input.targets) {
    if ((t.firstReplyMinutes === null) !== (t.resolutionMinutes === null)) {
      throw new AppError("INVALID_INPUT", "Set both targets or neither.", { [t.priority]: "Set both targets or neither" });
    }
    if (t.firstReplyMinutes !== null && t.resolutionMinutes !== null && t.resolutionMinutes < t.firstReplyMinutes) {
      throw new AppError("INVALID_INPUT", "Resolution cannot come before the first reply.", { [t.priority]: "Resolution must be at least the first reply" });
    }
  }
  return db.transaction(async (tx) => {
    const current = new Map((await tx.select().from(slaPolicies).for("update")).map((p) => [p.priority, p]));
    const changed: TicketPriority[] = [];
    for (const t of input.targets) {
      const was = current.get(t.priority);
      const changes: Changes = {};
      for (const key of ["firstReplyMinutes", "resolutionMinutes"] as const) {
        if ((was?.[key] ?? null) !== t[key]) changes[key] = { from: was?.[key] ?? null, to: t[key] };
      }
      if (Object.keys(changes).length === 0) continue;
      if (t.firstReplyMinutes === null || t.resolutionMinutes === null) {
        await tx.delete(slaPolicies).where(inArray(slaPolicies.priority, [t.priority]));
      } else {
        const values = { firstReplyMinutes: t.firstReplyMinutes, resolutionMinutes: t.resolutionMinutes, updatedAt: new Date() };
        await tx.insert(slaPolicies).values({ priority: t.priority, ...values }).onConflictDoUpdate({ target: slaPolicies.priority, set: values });
      }
      await recordAudit(tx, { actor: { kind: "user", userId: input.actorId }, entity: "sla_policy", entityId: t.priority, action: t.firstReplyMinutes === null ? "removed" : was ? "updated" : "created", changes });
      changed.push(t.priority);
    }
    if (changed.length) {
      // Setting a column fires the trigger (UPDATE OF priority) even when the value stays; only open tickets have a deadline.
      await tx
        .update(tickets)
        .set({ priority: sql`${tickets.priority}` })
        .where(sql`${tickets.status} not in ('solved', 'closed') and ${inArray(tickets.priority, changed)}`);
    }
    return { changed };
  });
}
