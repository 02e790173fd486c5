import type { DbOrTx } from "@/db/client";
import type { TriageConfidence } from "@/db/schema";
import { updateTicket, type TicketPatch } from "@/server/learning/update-ticket";

/**
 * Which AI fields triage may write onto a ticket by itself, and above which confidence. Off by default: an agent
 * accepts or changes every AI value on the ticket page, and only that verification teaches the learner. An admin
 * setting (calibrated thresholds per field) passes a policy here through TriageDeps.autoApply.
 */
export type AutoApplyPolicy = Partial<Record<"category" | "priority", { minConfidence: number }>>;

export const AUTO_APPLY_OFF: AutoApplyPolicy = {};

/**
 * Applies the fields the policy allows, for a ticket whose field is still empty (a value a person set is never
 * overwritten). The system actor records no correction: nobody verified these values.
 */
export async function autoApplyTriage(
  db: DbOrTx,
  input: {
    ticketId: string;
    modelVersion: string;
    policy: AutoApplyPolicy;
    current: { category: string | null };
    proposed: { category: string | null; priority: TicketPatch["priority"] | null; confidence: TriageConfidence | null; needsHuman: boolean };
  },
): Promise<string[]> {
  const { policy, proposed, current } = input;
  if (proposed.needsHuman || !proposed.confidence) return [];
  const patch: TicketPatch = {};
  const allowed = (field: "category" | "priority") => policy[field] && proposed.confidence![field] >= policy[field]!.minConfidence;
  if (allowed("category") && proposed.category && !current.category) patch.category = proposed.category;
  if (allowed("priority") && proposed.priority) patch.priority = proposed.priority;
  if (Object.keys(patch).length === 0) return [];
  const r = await updateTicket(db, { ticketId: input.ticketId, actor: { kind: "system", label: `triage:${input.modelVersion}` }, patch });
  return Object.keys(r.changes);
}
