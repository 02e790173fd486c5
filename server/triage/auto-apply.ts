import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { tickets, triageSettings, type TicketPriority, type TriageFieldsInfo } from "@/db/schema";
import { type TicketPatch, updateTicket } from "@/server/learning/update-ticket";

/**
 * Writes triage's category or priority onto the ticket only where an admin turned auto-apply on for that field
 * (default off), only when the learner (not the SLM) answered with a probability at or above the field's
 * threshold (its precision there is measured on this installation's verified answers, see triage-settings.ts),
 * only on a ticket nobody has filed yet, and never on a ticket flagged as an injection.
 */
export async function autoApply(
  db: Db,
  t: { ticketId: string; modelVersion: string; category: string | null; priority: TicketPriority; fields: TriageFieldsInfo; injection: boolean },
): Promise<TicketPatch> {
  if (t.injection) return {};
  const settings = await db.select().from(triageSettings).where(eq(triageSettings.autoApply, true));
  if (settings.length === 0) return {};
  const [ticket] = await db.select({ category: tickets.category }).from(tickets).where(and(eq(tickets.id, t.ticketId)));
  if (!ticket) return {};
  const patch: TicketPatch = {};
  const sure = (field: "category" | "priority", min: number) => {
    const f = t.fields[field];
    return f?.source === "learner" && !f.unsure && (f.confidence ?? f.score ?? 0) >= min;
  };
  for (const s of settings) {
    if (s.field === "category" && t.category && !ticket.category && sure("category", s.minConfidence)) patch.category = t.category;
    // Priority is applied on the ticket's first triage only (while it has no category yet), like the category.
    if (s.field === "priority" && !ticket.category && sure("priority", s.minConfidence)) patch.priority = t.priority;
  }
  if (Object.keys(patch).length === 0) return {};
  await updateTicket(db, { ticketId: t.ticketId, actor: { kind: "system", label: `triage:${t.modelVersion}` }, patch });
  return patch;
}
