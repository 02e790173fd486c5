import { and, asc, eq, inArray, ne } from "drizzle-orm";
import { getDb, type DbOrTx } from "@/db/client";
import { corrections, examples, LIVE_SCOPE, messages } from "@/db/schema";
import { getSharedLlama } from "@/models/runtime/llama";
import { env } from "@/config/env";
import type { Embedder } from "@/models/learning/embedder";
import { createActiveEmbedder } from "./active-embedder";
import { ENCODER_CHANNEL } from "./encoders";
import { allowedLabels, LEARNED_FIELDS, taxonomyExamples } from "./labels";
import { Learner, type FieldPrediction } from "./learner";

export interface RetrievedExample {
  text: string;
  label: string;
  similarity: number;
}

export interface TriageHints {
  /** The category decision: an enabled category key, or null with needsHuman. */
  category: FieldPrediction;
  /** Priority and team, for the fields that have verified examples. */
  fields: Partial<Record<"priority" | "team", FieldPrediction>>;
  /** Closest verified category examples, best first: few-shot material for the SLM prompt. */
  examples: RetrievedExample[];
  /**
   * Replies agents sent on the most similar earlier tickets, most similar first: grounding for the draft, and the
   * draft itself when the model's is rejected.
   */
  replies: { text: string; similarity: number }[];
  /** Which learner state produced this, for the triage result's model version. */
  learner: { embeddingModel: string; categoryExamples: number };
}

/**
 * What the learner knows about a ticket, for the triage job: the classifier's category (or needs-human) with its
 * top candidates, priority and team where examples exist, and the nearest verified examples with their text.
 * `text` must be ticketLearningText() of the ticket, the same text corrections store.
 */
export async function classifyForTriage(
  text: string,
  /** `ticketId`: the ticket being triaged, whose own sent reply is never offered back to it as a similar ticket's. */
  opts: { db?: DbOrTx; learner?: Learner; examples?: number; replies?: number; ticketId?: string } = {},
): Promise<TriageHints> {
  const db = opts.db ?? getDb();
  const learner = opts.learner ?? (await getProcessLearner());
  const vector = await learner.embed(text);
  const shown = opts.examples ?? 3;
  // More neighbours than the prompt shows: the nearest tickets that have a sent reply are further down the list.
  const category = learner.classifyVector("category", vector, {
    allowedLabels: await allowedLabels(db, "category", { forTriage: true }),
    neighbours: Math.max(shown, 12),
  });
  const fields: TriageHints["fields"] = {};
  for (const field of LEARNED_FIELDS) {
    if (field === "category" || learner.size(field) === 0) continue;
    fields[field] = learner.classifyVector(field, vector, { allowedLabels: await allowedLabels(db, field, { forTriage: true }) });
  }
  const nearest = category.neighbours.slice(0, shown);
  const texts = await neighbourTexts(db, nearest.map((n) => n.exampleId));
  return {
    category: { ...category, neighbours: nearest },
    fields,
    replies: await sentReplies(db, category.neighbours, opts.replies ?? 2, opts.ticketId),
    examples: nearest
      .filter((n) => texts.has(n.exampleId))
      .map((n) => ({ text: texts.get(n.exampleId)!, label: n.label, similarity: n.similarity })),
    learner: { embeddingModel: learner.modelId, categoryExamples: learner.size("category") },
  };
}

/**
 * Texts of the neighbours: verified examples are rows (uuid ids); a category's name-and-description example is not
 * a row (id `taxonomy:<key>`, see taxonomyExamples) and must never reach the uuid column, or the query fails and
 * the whole learner drops out of triage.
 */
async function neighbourTexts(db: DbOrTx, ids: string[]): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  const rowIds = ids.filter((id) => UUID.test(id));
  if (rowIds.length) {
    for (const r of await db.select({ id: examples.id, text: examples.text }).from(examples).where(inArray(examples.id, rowIds))) texts.set(r.id, r.text);
  }
  if (rowIds.length < ids.length) {
    for (const t of await taxonomyExamples(db)) if (ids.includes(t.id)) texts.set(t.id, t.text);
  }
  return texts;
}

/** The first reply an agent sent on each neighbour's ticket (verified: it went out), best neighbour first. */
async function sentReplies(db: DbOrTx, neighbours: { exampleId: string; similarity: number }[], limit: number, excludeTicketId?: string) {
  const ids = neighbours.map((n) => n.exampleId).filter((id) => UUID.test(id));
  if (!ids.length || limit === 0) return [];
  const rows = await db
    .selectDistinctOn([examples.id], { exampleId: examples.id, text: messages.bodyText })
    .from(examples)
    .innerJoin(corrections, eq(corrections.id, examples.correctionId))
    .innerJoin(messages, and(eq(messages.ticketId, corrections.ticketId), eq(messages.direction, "outbound")))
    .where(and(inArray(examples.id, ids), excludeTicketId ? ne(corrections.ticketId, excludeTicketId) : undefined))
    .orderBy(examples.id, asc(messages.createdAt));
  const byId = new Map(rows.map((r) => [r.exampleId, r.text]));
  const seen = new Set<string>();
  const out: { text: string; similarity: number }[] = [];
  for (const n of neighbours) {
    const text = byId.get(n.exampleId)?.trim();
    if (!text || seen.has(text)) continue;
    seen.add(text);
    out.push({ text, similarity: n.similarity });
    if (out.length === limit) break;
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let processLearner: Promise<{ learner: Learner; embedder: Embedder }> | undefined;
let encoderListener: Promise<{ unlisten: () => Promise<void> }> | undefined;

/**
 * The worker's learner for the live examples, started on first use: the active encoder (the configured embedding
 * model or its promoted fine-tune) on the process's shared llama.cpp binding, SLM_THREADS single-threaded contexts
 * (see Embedder), LISTEN on its own connection. A promotion notice swaps it for one on the new encoder.
 */
export async function getProcessLearner(log: (line: string) => void = console.log): Promise<Learner> {
  encoderListener ??= getDb().$sql.listen(ENCODER_CHANNEL, (payload) => {
    const notice = JSON.parse(payload) as { scope: string; modelId: string };
    if (notice.scope !== LIVE_SCOPE) return;
    log(`[learner] encoder ${notice.modelId} promoted; switching on the next ticket`);
    void retire(processLearner);
    processLearner = undefined;
  });
  await encoderListener;
  const current = (processLearner ??= (async () => {
    const db = getDb();
    const llama = await getSharedLlama({ gpu: env.SLM_GPU, log });
    const { embedder, active } = await createActiveEmbedder(db, { threads: env.SLM_THREADS, llama, log });
    log(`[learner] embedding model ${embedder.modelId} (${embedder.dimensions} dims), ${env.SLM_THREADS} contexts`);
    try {
      return { learner: await Learner.start({ db, embedder, log, classifierOptions: active.classifierOptions, taxonomyExamples: true }), embedder };
    } catch (err) {
      await embedder.dispose();
      throw err;
    }
  })());
  current.catch(() => {
    if (processLearner === current) processLearner = undefined;
  });
  return (await current).learner;
}

/** Stops a replaced learner once the ticket being classified with it has had time to finish. */
async function retire(old: typeof processLearner, graceMs = 30_000): Promise<void> {
  const state = await old?.catch(() => undefined);
  if (!state) return;
  await new Promise((resolve) => setTimeout(resolve, graceMs).unref());
  await state.learner.stop();
  await state.embedder.dispose();
}

export async function stopProcessLearner(): Promise<void> {
  const listener = encoderListener;
  encoderListener = undefined;
  await (await listener?.catch(() => undefined))?.unlisten();
  const current = processLearner;
  processLearner = undefined;
  await retire(current, 0);
}
