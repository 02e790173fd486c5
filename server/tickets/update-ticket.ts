import { and, eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { categories, tags, teams, tickets, ticketTags, users, type CorrectionSource, type TicketPriority, type TicketStatus } from "@/db/schema";
import { recordAudit, type Actor, type Changes } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { tagsValue, type VerifiedField } from "@/server/feedback/labels";
import { recordCorrections, type RecordedLabel } from "@/server/feedback/record-correction";
import { ticketLearningText } from "@/server/feedback/ticket-text";
import { getLatestTriage } from "@/server/triage/get-latest-triage";

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

export type RecordedCorrection = RecordedLabel & { aiValue: string | null; finalValue: string };

export interface UpdateTicketResult {
  changed: boolean;
  changes: Changes;
  corrections: Partial<Record<VerifiedField, RecordedCorrection>>;
}

const COLUMNS = ["status", "priority", "category", "assigneeId", "teamId", "sentiment", "language", "summary"] as const;

/** Who verified a label, by who changed the ticket. The system (triage's own auto-apply) verifies nothing. */
const SOURCE: Record<Actor["kind"], Extract<CorrectionSource, "agent" | "api" | "helpdesk"> | null> = {
  user: "agent",
  api: "api",
  helpdesk: "helpdesk",
  system: null,
};

/**
 * The one way a ticket's fields change, from the ticket page, a bulk action, the REST API or a helpdesk event. Each
 * change goes into the audit log, and every AI-triaged field the patch names (category, priority, team, sentiment,
 * language, summary, tags) is a verified label: recorded through recordCorrection, against what the latest triage
 * proposed, in the same transaction as the change. Naming a field with its current value verifies it too (that is
 * how "accept" works); clearing one (null, no tags) teaches nothing, as "none of these" is not a label.
 */
export async function updateTicket(db: DbOrTx, input: { ticketId: string; actor: Actor; patch: TicketPatch }): Promise<UpdateTicketResult> {
  const run = async (tx: DbOrTx): Promise<UpdateTicketResult> => {
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
      if (nextTags?.length) finals.tags = tagsValue(nextTags);
      // A person chose the category: the ticket no longer waits for human triage.
      if (finals.category && current.needsHuman) set.needsHuman = false;
    }

    if (Object.keys(changes).length > 0 || set.needsHuman === false) {
      await tx
        .update(tickets)
        .set({ ...set, updatedAt: sql`now()` })
        .where(eq(tickets.id, current.id));
    }
    if (Object.keys(changes).length > 0) {
      await recordAudit(tx, { actor: input.actor, entity: "ticket", entityId: current.id, action: "updated", changes });
    }

    const out: UpdateTicketResult = { changed: Object.keys(changes).length > 0, changes, corrections: {} };
    const fields = Object.entries(finals) as [VerifiedField, string][];
    if (!source || fields.length === 0) return out;
    const [text, latest] = await Promise.all([ticketLearningText(tx, current.id), getLatestTriage(tx, current.id)]);
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
            ticketId: current.id,
            source,
            userId: input.actor.kind === "user" ? input.actor.userId : null,
          },
        };
      }),
    );
    fields.forEach(([field, finalValue], i) => (out.corrections[field] = { ...recorded[i]!, aiValue: aiValues[field], finalValue }));
    return out;
  };
  // A Db opens the transaction; a transaction handle (a bulk action's) is one already.
  return "$sql" in db ? (db as Db).transaction(run) : run(db);
}
