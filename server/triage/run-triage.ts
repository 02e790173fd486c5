import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { messages, tickets, triageResults, type DraftCheckInfo, type LearnerStatus, type TriageStatus } from "@/db/schema";
import { SlmError, type GenerateResult, type SlmEngine } from "@/models/runtime/engine";
import { DEFAULT_TONE, draftReply, type DraftTone } from "@/models/tasks/draft";
import { checkDraft } from "@/models/tasks/draft-check";
import { detectLanguage } from "@/models/tasks/language";
import { triageTicket, TriageOutputError } from "@/models/tasks/triage";
import { enqueueWriteback } from "@/server/ingestion/webhooks/writeback";
import { DraftStreamPublisher, publish } from "@/server/realtime/publish";
import { safeMessage } from "@/server/errors";
import { enabledTaxonomy } from "@/server/tickets/enabled-taxonomy";
import { ticketThread } from "@/server/tickets/ticket-thread";
import { autoApply } from "./auto-apply";
import { enqueueShadow } from "./shadow";
import { prepareMessage } from "@/models/tasks/prepare-message";
import { decideFields, type LearnedAnswer } from "./decide-fields";

/** What the learner knows about a ticket before the SLM sees it (server/learning/classify-for-triage.ts). */
export interface TriageHintsResult {
  /** Narrows the grammar's category enum; unknown or disabled keys are ignored. */
  candidates?: string[];
  examples?: { text: string; category: string }[];
  /** Stored as is with the result, for analysis and corrections. */
  classifier?: Record<string, unknown>;
  /**
   * Set once the learner has verified examples: its answer binds. The SLM can then only pick the classifier's
   * category (candidates holds just that one), and the classifier's "needs human" (low confidence, or no close
   * verified example) holds whatever the SLM says, so a ticket that fits no category is not forced into one.
   */
  decision?: { needsHuman: boolean; reason?: string };
  /** "untrained" when the learner has no verified example yet; defaults to "used" with a decision. */
  status?: "used" | "untrained";
  /** The learner's own answers (calibrated confidence), where it has examples of the field. */
  category?: LearnedAnswer;
  priority?: LearnedAnswer;
  team?: LearnedAnswer;
  /** Replies agents sent to the most similar tickets, best first: the draft's grounding and its fallback. */
  replies?: string[];
}


export interface TriageDeps {
  db: Db;
  engine: SlmEngine;
  /** The registry's version of this triage (server/training/model-registry.ts); see `versionOf`. */
  modelVersion: string;
  /** The worker's: the full version for the engine a job leased (its encoder, classifier and prompts included). */
  versionOf?: (engine: SlmEngine) => Promise<string>;
  workerId: string;
  timeoutMs: number;
  tone?: DraftTone;
  hints?: (ticket: { ticketId: string; subject: string; text: string }) => Promise<TriageHintsResult | null>;
  /** Caps for tests and benchmarks; production uses the tasks' defaults. */
  maxTokens?: { triage?: number; draft?: number };
  skipDraft?: boolean;
  /**
   * "retrieval" (the worker's default, TRIAGE_DRAFT_SOURCE): the nearest sent reply that passes the checks is the
   * draft, and the SLM writes only when none does; "slm" (the default here): the SLM always writes, grounded.
   */
  draftSource?: "retrieval" | "slm";
  log?: (line: string) => void;
}

export interface TriageJobInfo {
  /** When the job became runnable: its creation or, for a retry, the time its backoff ended. */
  runnableAt: Date;
  attempts: number;
  maxAttempts: number;
  signal?: AbortSignal;
}

/** Retryable: the queue tries again with backoff. The result row already shows the reason. */
export class TriageAttemptError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TriageAttemptError";
  }
}

export type TriageJobOutcome = "done" | "needs_human" | "skipped";

/**
 * Triage of one inbound message by one model version: claim the (message, version) row, run the structured triage,
 * store it with timings, then stream a draft reply. Idempotent: a finished row is never redone unless someone asks
 * for a retry, which puts it back to `queued`.
 */
export async function runTriage(deps: TriageDeps, payload: { ticketId: string; messageId: string }, job: TriageJobInfo): Promise<TriageJobOutcome> {
  const { db, engine } = deps;
  const log = deps.log ?? (() => {});
  const [msg] = await db
    .select({
      id: messages.id,
      ticketId: messages.ticketId,
      text: messages.bodyText,
      html: messages.bodyHtml,
      subject: tickets.subject,
      ticketCategory: tickets.category,
      ticketPriority: tickets.priority,
    })
    .from(messages)
    .innerJoin(tickets, eq(tickets.id, messages.ticketId))
    .where(eq(messages.id, payload.messageId));
  if (!msg) {
    log(`[triage] message ${payload.messageId} is gone; nothing to do`);
    return "skipped";
  }

  const started = new Date();
  const claimed = await claim(db, { ...payload, ticketId: msg.ticketId }, deps, job, started);
  if (!claimed) {
    const [done] = await db
      .select({ id: triageResults.id, status: triageResults.status, draft: triageResults.draft, draftError: triageResults.draftError })
      .from(triageResults)
      .where(and(eq(triageResults.messageId, payload.messageId), eq(triageResults.modelVersion, deps.modelVersion)));
    // A worker that died between storing the triage and the draft: finish the draft, do not triage again.
    if (done && done.draft === null && done.draftError === null && !deps.skipDraft) {
      log(`[triage] message ${payload.messageId} was triaged but has no draft yet; drafting`);
      const [row] = await db.select().from(triageResults).where(eq(triageResults.id, done.id));
      const prepared = prepareMessage(msg);
      await writeDraft(
        deps,
        { ticketId: msg.ticketId, subject: prepared.subject, resultId: done.id },
        { category: row?.category, summary: row?.summary, language: row?.language, instructions: prepared.instructions, references: [] },
        job.signal,
      );
      return "skipped";
    }
    log(`[triage] message ${payload.messageId} already triaged by ${deps.modelVersion}; skipped`);
    return "skipped";
  }
  const resultId = claimed.id;
  await publish(db, { type: "triage", ticketId: msg.ticketId, resultId, status: "running", phase: "triage" });

  // Read at run time, not cached: the grammar always reflects the taxonomy as it is now.
  const taxonomy = await enabledTaxonomy(db);

  const finish = async (status: TriageStatus, set: Partial<typeof triageResults.$inferInsert>) => {
    await db.transaction(async (tx) => {
      await tx
        .update(triageResults)
        .set({ ...set, status, finishedAt: new Date(), updatedAt: new Date() })
        .where(eq(triageResults.id, resultId));
      // The queues filter and count these on the ticket; the latest triage decides them.
      if (status !== "failed" || set.needsHuman) {
        await tx
          .update(tickets)
          .set({ needsHuman: set.needsHuman ?? false, flagged: set.injection ?? false })
          .where(eq(tickets.id, msg.ticketId));
      }
      // A helpdesk that sent the ticket may want the result back; the job commits with the result or not at all.
      if (status === "done" || status === "needs_human") await enqueueWriteback(tx, { ticketId: msg.ticketId, triageResultId: resultId });
    });
    // NOTIFY payloads are capped at 8 kB; the full error stays on the row.
    await publish(db, { type: "triage", ticketId: msg.ticketId, resultId, status, phase: "triage", error: set.error?.slice(0, 500) ?? null });
  };

  if (taxonomy.length === 0) {
    await finish("needs_human", { needsHuman: true, error: "No category is enabled: an admin has to configure the taxonomy." });
    return "needs_human";
  }

  // What the model and the learner read: hidden text removed; the learner also never sees the sentences that try to
  // instruct the triage, so they cannot move its category or priority.
  const prepared = prepareMessage(msg);
  let learnerStatus = (deps.hints ? "used" : "off") as LearnerStatus;
  let learnerError = null as string | null;
  const hints = deps.hints
    ? await deps.hints({ ticketId: msg.ticketId, subject: prepared.subject, text: prepared.learnerText }).catch((err) => {
        // Triage goes on without it, and says so on the result, in the metrics and on the admin page.
        learnerStatus = "unavailable";
        learnerError = safeMessage(err);
        log(`[triage] learner unavailable: ${learnerError}`);
        return null;
      })
    : null;
  if (hints) learnerStatus = hints.status ?? (hints.decision ? "used" : "untrained");

  let outcome: TriageJobOutcome;
  let forDraft: DraftContext | null = null;
  try {
    const run = await triageTicket(
      engine,
      { subject: prepared.subject, text: prepared.text, categories: taxonomy, candidates: hints?.candidates, examples: hints?.examples },
      { timeoutMs: deps.timeoutMs, signal: job.signal, maxTokens: deps.maxTokens?.triage },
    );
    const r = run.result;
    if (prepared.hiddenInstructions && !r.flags.injection) {
      r.flags.injection = true;
      r.flags.injectionSignals.push("hidden-instructions");
      r.flags.reasons.push("The ticket hides instructions for the AI (invisible or encoded text); they were removed before the model read it.");
    }
    if (prepared.removed.length) r.flags.hiddenText = prepared.removed;
    const decided = decideFields({ slm: r, hints, learnerStatus, learnerError, prepared, ticketPriority: msg.ticketPriority });
    if (hints?.decision) {
      // The learner decides whether a person must look; the SLM's own needs_human is not asked once it is trained.
      r.flags.reasons = r.flags.reasons.filter((x) => x !== "The model asked for a human.");
      r.flags.needsHuman = hints.decision.needsHuman || r.flags.injection;
      if (hints.decision.needsHuman) r.flags.reasons.push(hints.decision.reason ?? "The classifier is not confident about any category.");
    } else if (learnerStatus === "unavailable") {
      r.flags.needsHuman = true;
      r.flags.reasons.push(`The learner was unavailable (${learnerError}); category and priority are the small model's unchecked guess.`);
    }
    outcome = r.flags.needsHuman ? "needs_human" : "done";
    await finish(outcome, {
      ...usageColumns(run.generation),
      category: r.category,
      priority: decided.priority,
      sentiment: decided.sentiment,
      language: decided.language,
      summary: decided.summary,
      evidence: r.evidence,
      tags: decided.tags,
      // The SLM's self-reported numbers stay in rawOutput; they are never shown as probabilities.
      confidence: null,
      fields: decided.fields,
      learnerStatus,
      needsHuman: r.flags.needsHuman,
      injection: r.flags.injection,
      flags: r.flags,
      allowedCategories: run.allowed,
      rawOutput: run.raw,
      classifier: hints?.classifier ?? (learnerError ? { error: learnerError } : null),
      error: null,
    });
    forDraft = {
      category: taxonomy.find((c) => c.key === r.category)?.label ?? r.category,
      summary: decided.summary,
      language: decided.language,
      instructions: prepared.instructions,
      references: hints?.replies ?? [],
    };
    await autoApply(db, { ticketId: msg.ticketId, modelVersion: deps.modelVersion, category: r.category, priority: decided.priority, fields: decided.fields, injection: r.flags.injection }).catch(
      (err) => log(`[triage] could not apply triage to ticket ${msg.ticketId}: ${safeMessage(err)}`),
    );
  } catch (err) {
    if (err instanceof TriageOutputError) {
      // The model answered but not usefully: a person triages, retrying the same prompt would give the same answer.
      outcome = "needs_human";
      await finish("needs_human", { ...usageColumns(err.generation), needsHuman: true, learnerStatus, rawOutput: err.generation.text, error: err.message });
    } else if (err instanceof SlmError && (err.kind === "shutdown" || err.kind === "aborted")) {
      await db.update(triageResults).set({ status: "queued", error: "Interrupted; will run again.", updatedAt: new Date() }).where(eq(triageResults.id, resultId));
      await publish(db, { type: "triage", ticketId: msg.ticketId, resultId, status: "queued" });
      throw new TriageAttemptError(err.message, { cause: err });
    } else {
      const message = safeMessage(err);
      const last = job.attempts >= job.maxAttempts;
      await finish("failed", { needsHuman: true, error: last ? `${message} (gave up after ${job.attempts} attempts)` : `${message} (attempt ${job.attempts} of ${job.maxAttempts}; retrying)` });
      throw new TriageAttemptError(message, { cause: err });
    }
  }
  await publish(db, { type: "ticket", ticketId: msg.ticketId, reason: "triaged" });

  if (!deps.skipDraft) await writeDraft(deps, { ticketId: msg.ticketId, subject: prepared.subject, resultId }, forDraft, job.signal);
  // A candidate in shadow mode sees a sample of what live triage saw, after it and behind every live job.
  await enqueueShadow(db, { ticketId: msg.ticketId, messageId: msg.id, liveResultId: resultId }).catch((err) => log(`[triage] could not queue the shadow run: ${safeMessage(err)}`));
  return outcome;
}

async function claim(
  db: Db,
  ids: { ticketId: string; messageId: string },
  deps: TriageDeps,
  job: TriageJobInfo,
  started: Date,
): Promise<{ id: string } | undefined> {
  const queueWaitMs = Math.max(0, started.getTime() - job.runnableAt.getTime());
  const [row] = await db
    .insert(triageResults)
    .values({
      ticketId: ids.ticketId,
      messageId: ids.messageId,
      modelVersion: deps.modelVersion,
      status: "running",
      attempts: 1,
      workerId: deps.workerId,
      enqueuedAt: job.runnableAt,
      startedAt: started,
      queueWaitMs,
    })
    .onConflictDoUpdate({
      target: [triageResults.messageId, triageResults.modelVersion],
      set: {
        status: "running",
        attempts: sql`${triageResults.attempts} + 1`,
        workerId: deps.workerId,
        enqueuedAt: job.runnableAt,
        startedAt: started,
        queueWaitMs,
        error: null,
        draft: null,
        draftError: null,
        updatedAt: started,
      },
      // Finished rows stay finished; `running` rows belong to a job the queue gave back after a crash.
      setWhere: inArray(triageResults.status, ["queued", "running", "failed"]),
    })
    .returning({ id: triageResults.id });
  return row;
}

interface DraftContext {
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
async function writeDraft(deps: TriageDeps, t: { ticketId: string; subject: string; resultId: string }, triage: DraftContext | null, signal?: AbortSignal) {
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

  if (deps.draftSource === "retrieval" && fallback) {
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
      },
      { timeoutMs: deps.timeoutMs, signal, maxTokens: deps.maxTokens?.draft, onText: (text) => stream.push(text) },
    );
    await stream.end();
    const text = gen.text.trim();
    const check = checkDraft(text, grounds);
    const draftCheck: DraftCheckInfo = { source: check.passed ? "slm" : fallback ? "retrieval" : "none", passed: check.passed, reasons: check.reasons, references: references.length };
    await db
      .update(triageResults)
      .set({
        draft: check.passed ? text : fallback,
        draftError: check.passed || fallback ? null : `The model's draft was rejected (${check.reasons.join("; ")}) and no sent reply to a similar ticket fits.`,
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

function usageColumns(g: GenerateResult) {
  return {
    promptTokens: g.usage.promptTokens,
    cachedPromptTokens: g.usage.cachedPromptTokens,
    completionTokens: g.usage.completionTokens,
    ttftMs: Math.round(g.timings.ttftMs),
    tokensPerSecond: g.timings.tokensPerSecond,
    totalMs: Math.round(g.timings.totalMs),
  };
}
