import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { teams, type CorrectionSource } from "@/db/schema";
import type { Actor } from "@/server/audit/record-audit";
import { getLatestTriage } from "@/server/tickets/get-latest-triage";
import { updateTicket, type TicketPatch } from "@/server/tickets/update-ticket";
import type { LearnedField } from "./labels";
import { recordCorrection, type RecordedLabel } from "./record-correction";
import { ticketLearningText } from "./ticket-text";

export interface LearnedUpdateResult {
  changed: boolean;
  fields: string[];
  corrections: Partial<Record<LearnedField, RecordedLabel & { aiValue: string | null; finalValue: string }>>;
}

/**
 * A verified change to a ticket's triaged fields, from an agent, the API or a helpdesk: applies the patch, then
 * records a correction for every learned field the patch names, changed or not (leaving the AI's value in place is
 * a verification too). The AI value and model version come from the ticket's latest triage, never from the caller.
 * Clearing a field (null) teaches nothing: "none of these" is not a label.
 */
export async function updateTicketAndLearn(
  db: Db,
  input: { ticketId: string; actor: Actor; patch: TicketPatch; source: Extract<CorrectionSource, "agent" | "api" | "helpdesk"> },
): Promise<LearnedUpdateResult> {
  const result = await updateTicket(db, { ticketId: input.ticketId, actor: input.actor, patch: input.patch });
  const finals: Partial<Record<LearnedField, string>> = {};
  if (input.patch.category) finals.category = input.patch.category;
  if (input.patch.priority) finals.priority = input.patch.priority;
  if (input.patch.teamId) {
    // Teams are learned by name: ids differ between installations, names survive an export and an import.
    const [team] = await db.select({ name: teams.name }).from(teams).where(eq(teams.id, input.patch.teamId));
    if (team) finals.team = team.name;
  }
  const out: LearnedUpdateResult = { changed: result.changed, fields: Object.keys(result.changes), corrections: {} };
  if (Object.keys(finals).length === 0) return out;

  const [text, triage] = await Promise.all([ticketLearningText(db, input.ticketId), getLatestTriage(db, input.ticketId)]);
  const triaged = triage && (triage.status === "done" || triage.status === "needs_human") ? triage : null;
  const aiValues: Partial<Record<LearnedField, string | null>> = {
    category: triaged?.category ?? null,
    priority: triaged?.priority ?? null,
    team: null,
  };
  for (const [field, finalValue] of Object.entries(finals) as [LearnedField, string][]) {
    const aiValue = aiValues[field] ?? null;
    const recorded = await recordCorrection(db, {
      field,
      text,
      finalValue,
      aiValue,
      modelVersion: aiValue !== null ? (triaged?.modelVersion ?? null) : null,
      triageResultId: aiValue !== null ? (triaged?.id ?? null) : null,
      ticketId: input.ticketId,
      source: input.source,
      userId: input.actor.kind === "user" ? input.actor.userId : null,
    });
    out.corrections[field] = { ...recorded, aiValue, finalValue };
  }
  return out;
}
