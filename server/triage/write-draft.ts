import { eq } from "drizzle-orm";
import { triageResults, type DraftCheckInfo } from "@/db/schema";
import { DEFAULT_TONE, draftReply, type DraftAdjustment, type DraftTone } from "@/models/tasks/draft";
import { checkDraft } from "@/models/tasks/draft-check";
import { detectLanguage } from "@/models/tasks/language";
import { DraftStreamPublisher, publish } from "@/server/realtime/publish";
import { safeMessage } from "@/server/errors";
import { ticketThread } from "@/server/tickets/ticket-thread";
import type { Db } from "@/db/client";
import type { SlmEngine } from "@/models/runtime/engine";

/** What a draft needs of the worker's services (run-triage.ts's TriageDeps has them all). */
export interface DraftDeps {
  db: Db;
  engine: SlmEngine;
  timeoutMs: number;
  tone?: DraftTone;
  maxTokens?: { draft?: number };
  draftSource?: "retrieval" | "slm";
  log?: (line: string) => void;
}

export interface DraftContext {
  category?: string | null;
  summary?: string | null;
  language?: string | null;
  /** Sentences of the ticket that try to instruct the AI: the draft must not repeat or follow them. */
  instructions: string[];
  /** Sent replies to the most similar tickets, best first. */
  references: string[];
}

/**
 * The draft, grounded and checked: the prompt carries the nearest sent replies; the answer must pass checkDraft
 * (no invented links, addresses, numbers or amounts, no prompt markers, the customer's language, nothing of an
 * injected instruction). A rejected draft is replaced by the nearest sent reply in the customer's language, or none,
 * and the reasons are stored for the panel.
 */
export async function writeDraft(
  deps: DraftDeps,
  t: { ticketId: string; subject: string; resultId: string },
  triage: DraftContext | null,
  signal?: AbortSignal,
  /**
   * A regeneration: the model always writes (in the asked tone), and a rejected rewrite keeps the draft the agent
   * already had (`keep`) rather than replacing it with a retrieved reply or nothing.
   */
  redo?: { adjust: DraftAdjustment; keep: { draft: string; check: DraftCheckInfo | null } | null },
) {
  const { db } = deps;
  const thread = await ticketThread(db, t.ticketId);
  const references = triage?.references ?? [];
  const language = triage?.language ?? null;
  const grounds = { ticket: `${t.subject}\n${thread.map((m) => m.text).join("\n")}`, references, language, instructions: triage?.instructions ?? [] };
  // A retrieved reply stands in only when it is in the customer's language (unsure language: accepted) and names no
  // fact of its own ticket: an order number or amount found in just that one reply was the other customer's.
  const fallback =
    references.find(
      (r, i) => (!language || (detectLanguage(r).language ?? language) === language) && checkDraft(r, { ...grounds, references: references.filter((_, j) => j !== i) }).passed,
    ) ?? null;

  // A ticket that tries to instruct the AI gets the nearest sent reply whatever the draft source: no ticket text can
  // steer it. Measured: on BIPIA-attacked tickets the SLM's draft followed the attack in 25 of 40 (README, bench:fields).
  const steered = (triage?.instructions.length ?? 0) > 0;
  if ((deps.draftSource === "retrieval" || steered) && fallback && !redo) {
    // Measured: the nearest sent reply beats the SLM's draft against the real answer (README, bench:fields), and
    // it costs no generation.
    await db
      .update(triageResults)
      .set({ draft: fallback, draftError: null, draftCheck: { source: "retrieval", passed: true, reasons: [], references: references.length }, updatedAt: new Date() })
      .where(eq(triageResults.id, t.resultId));
    const [row] = await db.select({ status: triageResults.status }).from(triageResults).where(eq(triageResults.id, t.resultId));
    await publish(db, { type: "triage", ticketId: t.ticketId, resultId: t.resultId, status: row?.status ?? "done", phase: "draft" });
    return;
  }
  await publish(db, { type: "triage", ticketId: t.ticketId, resultId: t.resultId, status: "running", phase: "draft" });
  const stream = new DraftStreamPublisher(db, { ticketId: t.ticketId, resultId: t.resultId });
  try {
    const gen = await draftReply(
      deps.engine,
      {
        subject: t.subject,
        thread,
        triage: triage && { category: triage.category, summary: triage.summary, language },
        references: references.slice(0, 2),
        tone: deps.tone ?? DEFAULT_TONE,
        adjust: redo?.adjust,
      },
      { timeoutMs: deps.timeoutMs, signal, maxTokens: deps.maxTokens?.draft, onText: (text) => stream.push(text) },
    );
    await stream.end();
    const text = gen.text.trim();
    const check = checkDraft(text, grounds);
    const kept = !check.passed && redo?.keep ? redo.keep : null;
    const draftCheck: DraftCheckInfo = {
      source: check.passed ? "slm" : kept ? (kept.check?.source ?? "slm") : fallback ? "retrieval" : "none",
      passed: check.passed,
      reasons: check.reasons,
      references: references.length,
      ...(redo && { adjust: redo.adjust }),
    };
    const replacement = kept ? kept.draft : fallback;
    await db
      .update(triageResults)
      .set({
        draft: check.passed ? text : replacement,
        draftError: check.passed || replacement ? null : `The model's draft was rejected (${check.reasons.join("; ")}) and no sent reply to a similar ticket fits.`,
        draftCheck,
        draftPromptTokens: gen.usage.promptTokens,
        draftCompletionTokens: gen.usage.completionTokens,
        draftTtftMs: Math.round(gen.timings.ttftMs),
        draftTokensPerSecond: gen.timings.tokensPerSecond,
        draftTotalMs: Math.round(gen.timings.totalMs),
        updatedAt: new Date(),
      })
      .where(eq(triageResults.id, t.resultId));
    if (!check.passed) deps.log?.(`[triage] draft for ${t.ticketId} rejected: ${check.reasons.join("; ")}`);
  } catch (err) {
    await stream.end();
    // The triage itself is stored; a missing draft only means the agent writes the reply.
    const message = safeMessage(err);
    if (redo?.keep) {
      // A failed rewrite leaves the draft as it was; the stored row still says what the panel shows.
      deps.log?.(`[triage] redraft for ${t.ticketId} failed: ${message}`);
      await publish(db, { type: "triage", ticketId: t.ticketId, resultId: t.resultId, status: "done", phase: "draft", error: `The rewrite failed: ${message}` });
      return;
    }
    await db
      .update(triageResults)
      .set({
        draft: fallback,
        draftError: fallback ? null : message,
        draftCheck: fallback ? { source: "retrieval", passed: false, reasons: [`the model failed: ${message}`], references: references.length } : null,
        updatedAt: new Date(),
      })
      .where(eq(triageResults.id, t.resultId));
    deps.log?.(`[triage] draft for ${t.ticketId} failed: ${message}`);
  }
  const [row] = await db.select({ status: triageResults.status }).from(triageResults).where(eq(triageResults.id, t.resultId));
  await publish(db, { type: "triage", ticketId: t.ticketId, resultId: t.resultId, status: row?.status ?? "done", phase: "draft" });
}
