import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { ticketPriority } from "@/db/schema";
import { LANGUAGES, SENTIMENTS } from "@/models/tasks/triage";
import type { Actor } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { tagsValue, type VerifiedField } from "./labels";
import { getLatestTriage } from "@/server/tickets/get-latest-triage";
import { updateTicket, type TicketPatch, type UpdateTicketResult } from "./update-ticket";

/** The patch that sets one verified field; team values are team ids, as on the ticket; tags are comma-separated. */
export function patchFor(field: VerifiedField, value: string): TicketPatch {
  const bad = (what: string) => new AppError("INVALID_INPUT", `Not a ${field}: ${what}`, { value: `Not a valid ${field}` });
  switch (field) {
    case "category":
      return { category: value };
    case "priority": {
      const p = z.enum(ticketPriority.enumValues).safeParse(value);
      if (!p.success) throw bad(value);
      return { priority: p.data };
    }
    case "team": {
      const id = z.uuid().safeParse(value);
      if (!id.success) throw bad(value);
      return { teamId: id.data };
    }
    case "sentiment":
      if (!(SENTIMENTS as readonly string[]).includes(value)) throw bad(value);
      return { sentiment: value };
    case "language":
      if (!(LANGUAGES as readonly string[]).includes(value)) throw bad(value);
      return { language: value };
    case "summary":
      return { summary: value };
    case "tags":
      return { tags: value.split(",") };
  }
}

/**
 * An agent's accept or change of one AI field on the ticket page. Accepting (no value) sets what the latest triage
 * proposed; either way the ticket changes and the correction is recorded together, through updateTicket.
 */
export async function verifyField(
  db: DbOrTx,
  input: { ticketId: string; actor: Actor; field: VerifiedField; value?: string },
): Promise<UpdateTicketResult> {
  let value = input.value;
  if (value === undefined) {
    const triage = await getLatestTriage(db, input.ticketId);
    const ai = triage && (triage.status === "done" || triage.status === "needs_human") ? triage : null;
    const proposed =
      input.field === "tags" ? (ai?.tags?.length ? tagsValue(ai.tags) : null) : input.field === "team" ? null : (ai?.[input.field] ?? null);
    if (!proposed) throw new AppError("INVALID_INPUT", `The AI proposed no ${input.field} to accept.`);
    value = proposed;
  }
  return updateTicket(db, { ticketId: input.ticketId, actor: input.actor, patch: patchFor(input.field, value) });
}
