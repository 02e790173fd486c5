/**
 * Shadow mode, candidate side: the `slm-shadow` job. The candidate adapter triages and drafts one live ticket as the
 * live triage did (same prepared text, taxonomy, learner hints and grounding), and the result is stored in
 * shadow_results only: nothing is published, applied, written back or shown to agents. The draft reads the thread
 * as it stood when the ticket was triaged, never the reply an agent sent since, which is what it is compared with.
 */
import type { Task } from "graphile-worker";
import { eq } from "drizzle-orm";
import { messages, shadowResults, slmRuns, tickets } from "@/db/schema";
import type { SlmEngine } from "@/models/runtime/engine";
import { EngineSlot } from "@/models/runtime/engine-slot";
import { DEFAULT_TONE, draftReply, type DraftTone } from "@/models/tasks/draft";
import { triageTicket } from "@/models/tasks/triage";
import { safeMessage } from "@/server/errors";
import { jobPayloads } from "@/server/jobs/jobs";
import { enabledTaxonomy } from "@/server/tickets/enabled-taxonomy";
import { ticketThread } from "@/server/tickets/ticket-thread";
import { prepareMessage } from "@/models/tasks/prepare-message";
import { decideFields } from "./decide-fields";
import type { TriageDeps } from "./run-triage";

export interface ShadowDeps extends Pick<TriageDeps, "db" | "hints" | "timeoutMs" | "maxTokens" | "log"> {
  /** Loads the base model with these adapters (the worker's settings, one sequence). */
  loadEngine: (lora: string[]) => Promise<SlmEngine>;
  tone?: DraftTone;
}

export type ShadowOutcome = "stored" | "skipped";

export async function runShadow(deps: ShadowDeps, engine: SlmEngine, p: { runId: string; ticketId: string; messageId: string; liveResultId: string }): Promise<ShadowOutcome> {
  const { db } = deps;
  const [msg] = await db
    .select({ text: messages.bodyText, html: messages.bodyHtml, createdAt: messages.createdAt, subject: tickets.subject, ticketPriority: tickets.priority })
    .from(messages)
    .innerJoin(tickets, eq(tickets.id, messages.ticketId))
    .where(eq(messages.id, p.messageId));
  if (!msg) return "skipped";
  const started = performance.now();
  const prepared = prepareMessage(msg);
  const taxonomy = await enabledTaxonomy(db);
  const hints = deps.hints ? await deps.hints({ ticketId: p.ticketId, subject: prepared.subject, text: prepared.learnerText }).catch(() => null) : null;
  const row = { runId: p.runId, ticketId: p.ticketId, messageId: p.messageId, liveResultId: p.liveResultId, modelVersion: engine.modelVersion };
  try {
    const run = await triageTicket(
      engine,
      { subject: prepared.subject, text: prepared.text, categories: taxonomy, candidates: hints?.candidates, examples: hints?.examples },
      { timeoutMs: deps.timeoutMs, maxTokens: deps.maxTokens?.triage },
    );
    const learnerStatus = hints ? (hints.status ?? (hints.decision ? "used" : "untrained")) : deps.hints ? "unavailable" : "off";
    const decided = decideFields({ slm: run.result, hints, learnerStatus, learnerError: null, prepared, ticketPriority: msg.ticketPriority });
    const draft = await draftReply(
      engine,
      {
        subject: prepared.subject,
        thread: await ticketThread(db, p.ticketId, { until: msg.createdAt }),
        triage: { category: taxonomy.find((c) => c.key === run.result.category)?.label ?? run.result.category, summary: decided.summary, language: decided.language },
        references: (hints?.replies ?? []).slice(0, 2),
        tone: deps.tone ?? DEFAULT_TONE,
      },
      { timeoutMs: deps.timeoutMs, maxTokens: deps.maxTokens?.draft },
    );
    const fields = { category: run.result.category, priority: decided.priority, sentiment: decided.sentiment, language: decided.language, summary: decided.summary };
    await db
      .insert(shadowResults)
      .values({ ...row, ...fields, draft: draft.text.trim(), totalMs: Math.round(performance.now() - started) })
      .onConflictDoNothing();
  } catch (err) {
    await db.insert(shadowResults).values({ ...row, error: safeMessage(err) }).onConflictDoNothing();
  }
  return "stored";
}

/**
 * The task: one candidate engine per process, loaded on the first job of a run and swapped when another run is in
 * shadow mode (running jobs finish on the engine they leased). A run that is no longer in shadow mode is skipped.
 */
export function createShadowTask(deps: ShadowDeps): { task: Task; dispose: () => Promise<void> } {
  let current: { runId: string; slot: EngineSlot } | null = null;
  let loading: Promise<void> = Promise.resolve();
  const engineFor = async (runId: string, adapterPath: string) => {
    // One load at a time; a failed load fails its job only, the next job tries again.
    loading = loading.catch(() => {}).then(async () => {
      if (current?.runId === runId) return;
      const engine = await deps.loadEngine([adapterPath]);
      if (current) await current.slot.swap(engine);
      current = { runId, slot: current?.slot ?? new EngineSlot(engine) };
    });
    await loading;
    return current!.slot.acquire();
  };
  const task: Task = async (payload) => {
    const p = jobPayloads["slm-shadow"].parse(payload);
    const [run] = await deps.db.select({ status: slmRuns.status, adapterPath: slmRuns.adapterPath }).from(slmRuns).where(eq(slmRuns.id, p.runId));
    if (run?.status !== "shadow" || !run.adapterPath) return void deps.log?.(`[shadow] run ${p.runId} is not in shadow mode; skipped`);
    const lease = await engineFor(p.runId, run.adapterPath);
    try {
      await runShadow(deps, lease.engine, p);
    } finally {
      lease.release();
    }
  };
  return { task, dispose: async () => void (await current?.slot.dispose()) };
}
