import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { messages, tickets, triageResults, type LearnerStatus, type TriageStatus } from "@/db/schema";
import { SlmError, type GenerateResult, type SlmEngine } from "@/models/runtime/engine";
import type { DraftTone } from "@/models/tasks/draft";
import type { ScreenResult } from "@/models/tasks/injection-head";
import { triageTicket, TriageOutputError } from "@/models/tasks/triage";
import { enqueueWriteback } from "@/server/ingestion/webhooks/writeback";
import { publish } from "@/server/realtime/publish";
import { safeMessage } from "@/server/errors";
import { enabledTaxonomy } from "@/server/tickets/enabled-taxonomy";
import { ticketThread } from "@/server/tickets/ticket-thread";
import { autoApply } from "./auto-apply";
import { prepareMessage } from "@/models/tasks/prepare-message";
import { decideFields, type LearnedAnswer } from "./decide-fields";
import { enqueueShadow } from "./shadow";
import { screenOut } from "./screen-out";
import { writeDraft, type DraftContext } from "./write-draft";

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
  /** Finds sentences addressed to an AI that the pattern rules miss (server/triage/screen-instructions.ts). */
  screen?: (text: string) => Promise<ScreenResult | null>;
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
  const screenedOut = await screenOut(deps, prepared, log);
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
    if (screenedOut.length && !r.flags.injection) {
      r.flags.injection = true;
      r.flags.injectionSignals.push("instruction-classifier");
      r.flags.reasons.push(`The ticket contains a task for the AI rather than for support ("${screenedOut[0]!.slice(0, 120)}"); it was kept from the triage.`);
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
