import { eq } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { teams, type CorrectionSource } from "@/db/schema";
import type { Actor, Changes } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { applyTicketPatch, type TicketPatch } from "@/server/tickets/apply-ticket-patch";
import { getLatestTriage } from "@/server/tickets/get-latest-triage";
import { tagsValue, type VerifiedField } from "./labels";
import { recordCorrections, type RecordedLabel } from "./record-correction";
import { ticketLearningText } from "./ticket-text";

export type { TicketPatch };
export type RecordedCorrection = RecordedLabel & { aiValue: string | null; finalValue: string };

export interface UpdateTicketResult {
  changed: boolean;
  changes: Changes;
  corrections: Partial<Record<VerifiedField, RecordedCorrection>>;
}

/** Who verified a label, by who changed the ticket. The system (triage's own auto-apply) verifies nothing. */
const SOURCE: Record<Actor["kind"], Extract<CorrectionSource, "agent" | "api" | "helpdesk"> | null> = {
  user: "agent",
  api: "api",
  helpdesk: "helpdesk",
  system: null,
};

/**
 * The one way a ticket's fields change, from the ticket page, a bulk action, the REST API, a helpdesk event or
 * triage's auto-apply. Each change goes into the audit log, and every AI-triaged field the patch names (category,
 * priority, team, sentiment, language, summary, tags) is a verified label: recorded through recordCorrection, against
 * what the latest triage proposed, in the same transaction as the change. Naming a field with its current value
 * verifies it too (that is how "accept" works); clearing one (null, no tags) teaches nothing, as "none of these" is
 * not a label.
 */
export async function updateTicket(db: DbOrTx, input: { ticketId: string; actor: Actor; patch: TicketPatch }): Promise<UpdateTicketResult> {
  const run = async (tx: DbOrTx): Promise<UpdateTicketResult> => {
    const { patch } = input;
    const source = SOURCE[input.actor.kind];
    const finals: Partial<Record<VerifiedField, string>> = {};
    if (source) {
      for (const key of ["category", "priority", "sentiment", "language", "summary"] as const) {
        const v = patch[key]?.trim();
        if (v) finals[key] = v;
      }
      if (patch.teamId) {
        // Teams are learned by name: ids differ between installations, names survive an export and an import.
        const [team] = await tx.select({ name: teams.name }).from(teams).where(eq(teams.id, patch.teamId));
        if (!team) throw new AppError("INVALID_INPUT", "Unknown team.", { teamId: "Unknown team" });
        finals.team = team.name;
      }
    }
    // A person chose the category: the ticket no longer waits for human triage.
    const applied = await applyTicketPatch(tx, { ...input, extra: finals.category ? { needsHuman: false } : undefined });
    if (source && applied.tags?.length) finals.tags = tagsValue(applied.tags);

    const out: UpdateTicketResult = { changed: Object.keys(applied.changes).length > 0, changes: applied.changes, corrections: {} };
    const fields = Object.entries(finals) as [VerifiedField, string][];
    if (!source || fields.length === 0) return out;
    const [text, latest] = await Promise.all([ticketLearningText(tx, input.ticketId), getLatestTriage(tx, input.ticketId)]);
    const triaged = latest && (latest.status === "done" || latest.status === "needs_human") ? latest : null;
    const aiValues: Record<VerifiedField, string | null> = {
      category: triaged?.category ?? null,
      priority: triaged?.priority ?? null,
      team: null,
      sentiment: triaged?.sentiment ?? null,
      language: triaged?.language ?? null,
      summary: triaged?.summary ?? null,
      tags: triaged?.tags?.length ? tagsValue(triaged.tags) : null,
    };
    const recorded = await recordCorrections(
      tx,
      fields.map(([field, finalValue]) => {
        const aiValue = aiValues[field];
        return {
          label: {
            field,
            text,
            finalValue,
            aiValue,
            modelVersion: aiValue !== null ? (triaged?.modelVersion ?? null) : null,
            triageResultId: aiValue !== null ? (triaged?.id ?? null) : null,
            ticketId: input.ticketId,
            source,
            userId: input.actor.kind === "user" ? input.actor.userId : null,
          },
        };
      }),
    );
    fields.forEach(([field, finalValue], i) => {
      out.corrections[field] = { ...recorded[i]!, aiValue: aiValues[field], finalValue };
    });
    return out;
  };
  // A Db opens the transaction; a transaction handle (a bulk action's) is one already.
  return "$sql" in db ? (db as Db).transaction(run) : run(db);
}
