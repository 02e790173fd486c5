import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { categories, messages, tickets, triageResults } from "@/db/schema";
import type { DraftAdjustment } from "@/models/tasks/draft";
import { recordAudit, type Actor } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { enqueue } from "@/server/jobs/enqueue";
import { JOB_PRIORITY } from "@/server/jobs/jobs";
import { prepareMessage } from "@/models/tasks/prepare-message";
import type { TriageDeps } from "./run-triage";
import { screenOut } from "./screen-out";
import { writeDraft } from "./write-draft";

/**
 * "Friendlier / more formal / shorter": the ticket's latest finished triage gets its draft rewritten by the worker, at
 * the front of the queue. One pending rewrite per result (the job key): asking again changes its tone.
 */
export async function requestRedraft(db: Db, input: { ticketId: string; adjust: DraftAdjustment; actor: Actor }) {
  return db.transaction(async (tx) => {
    const [latest] = await tx
      .select({ id: triageResults.id, status: triageResults.status })
      .from(triageResults)
      .where(eq(triageResults.ticketId, input.ticketId))
      .orderBy(desc(triageResults.createdAt))
      .limit(1);
    if (!latest || !["done", "needs_human"].includes(latest.status)) throw new AppError("CONFLICT", "This ticket has no finished triage to draft from yet.");
    await enqueue(tx, "redraft", { triageResultId: latest.id, adjust: input.adjust }, { jobKey: `redraft:${latest.id}`, priority: JOB_PRIORITY.now });
    await recordAudit(tx, { actor: input.actor, entity: "ticket", entityId: input.ticketId, action: `redraft_requested:${input.adjust}` });
    return { triageResultId: latest.id };
  });
}

/**
 * The worker's side: the same grounded, checked draft path as triage (write-draft.ts), with the tone asked for; the
 * rewrite streams to the page like the first draft, and one the checks reject leaves the previous draft in place.
 */
export async function runRedraft(deps: TriageDeps, payload: { triageResultId: string; adjust: DraftAdjustment }, signal?: AbortSignal) {
  const [row] = await deps.db
    .select({ result: triageResults, text: messages.bodyText, html: messages.bodyHtml, subject: tickets.subject, categoryLabel: categories.label })
    .from(triageResults)
    .innerJoin(messages, eq(messages.id, triageResults.messageId))
    .innerJoin(tickets, eq(tickets.id, triageResults.ticketId))
    .leftJoin(categories, eq(categories.key, triageResults.category))
    .where(and(eq(triageResults.id, payload.triageResultId), inArray(triageResults.status, ["done", "needs_human"])));
  if (!row) return "skipped" as const;
  const r = row.result;
  const prepared = prepareMessage(row);
  // The rewrite is held to the same instructions as the first draft: the screen's finds too, not only the rules'.
  await screenOut(deps, prepared, deps.log ?? (() => {}));
  const hints = deps.hints ? await deps.hints({ ticketId: r.ticketId, subject: prepared.subject, text: prepared.learnerText }).catch(() => null) : null;
  await writeDraft(
    deps,
    { ticketId: r.ticketId, subject: prepared.subject, resultId: r.id },
    { category: row.categoryLabel ?? r.category, summary: r.summary, language: r.language, instructions: prepared.instructions, references: hints?.replies ?? [] },
    signal,
    { adjust: payload.adjust, keep: r.draft ? { draft: r.draft, check: r.draftCheck } : null },
  );
  return "done" as const;
}
