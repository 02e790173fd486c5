import { inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { ticketTags } from "@/db/schema";
import type { Actor } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { updateTicket, type TicketPatch } from "./update-ticket";

export type BulkPatch = Pick<TicketPatch, "status" | "priority" | "category" | "assigneeId" | "teamId"> & { addTags?: string[] };

/**
 * One action on many tickets from the inbox: all or nothing, in one transaction, each ticket through updateTicket so
 * each records its own audit entry and its own correction (a bulk category change teaches once per ticket).
 */
export async function bulkUpdateTickets(db: Db, input: { ticketIds: string[]; actor: Actor; patch: BulkPatch }) {
  const ids = [...new Set(input.ticketIds)];
  if (ids.length === 0) throw new AppError("INVALID_INPUT", "Select at least one ticket.");
  const { addTags, ...patch } = input.patch;
  return db.transaction(async (tx) => {
    const existing = new Map<string, string[]>();
    if (addTags?.length) {
      for (const r of await tx.select().from(ticketTags).where(inArray(ticketTags.ticketId, ids))) {
        existing.set(r.ticketId, [...(existing.get(r.ticketId) ?? []), r.tag]);
      }
    }
    let changed = 0;
    let corrections = 0;
    for (const ticketId of ids) {
      const r = await updateTicket(tx, {
        ticketId,
        actor: input.actor,
        patch: addTags?.length ? { ...patch, tags: [...(existing.get(ticketId) ?? []), ...addTags] } : patch,
      });
      if (r.changed) changed++;
      corrections += Object.keys(r.corrections).length;
    }
    return { updated: ids.length, changed, corrections };
  });
}
