import { inArray } from "drizzle-orm";
import { getDb, type DbOrTx } from "@/db/client";
import { examples, LIVE_SCOPE } from "@/db/schema";
import { getSharedLlama } from "@/models/runtime/llama";
import { env } from "@/config/env";
import type { Embedder } from "@/models/learning/embedder";
import { createActiveEmbedder } from "./active-embedder";
import { ENCODER_CHANNEL } from "./encoders";
import { allowedLabels, LEARNED_FIELDS } from "./labels";
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
  /** Which learner state produced this, for the triage result's model version. */
  learner: { embeddingModel: string; categoryExamples: number };
}

/**
 * What the learner knows about a ticket, for the triage job: the classifier's category (or needs-human) with its
 * top candidates, priority and team where examples exist, and the nearest verified examples with their text.
 * `text` must be ticketLearningText() of the ticket, the same text corrections store.
 */
export async function classifyForTriage(text: string, opts: { db?: DbOrTx; learner?: Learner; examples?: number } = {}): Promise<TriageHints> {
  const db = opts.db ?? getDb();
  const learner = opts.learner ?? (await getProcessLearner());
  const vector = await learner.embed(text);
  const category = learner.classifyVector("category", vector, {
    allowedLabels: await allowedLabels(db, "category", { forTriage: true }),
    neighbours: opts.examples ?? 3,
  });
  const fields: TriageHints["fields"] = {};
  for (const field of LEARNED_FIELDS) {
    if (field === "category" || learner.size(field) === 0) continue;
    fields[field] = learner.classifyVector(field, vector, { allowedLabels: await allowedLabels(db, field, { forTriage: true }) });
  }
  // Category names and descriptions count as examples too ("taxonomy:<KEY>"), but they are no rows: querying the
  // uuid column with them failed the whole lookup, so on a fresh install triage ran without any hints.
  const ids = category.neighbours.map((n) => n.exampleId).filter((id) => !id.startsWith("taxonomy:"));
  const texts = ids.length
    ? new Map((await db.select({ id: examples.id, text: examples.text }).from(examples).where(inArray(examples.id, ids))).map((r) => [r.id, r.text]))
    : new Map<string, string>();
  return {
    category,
    fields,
    examples: category.neighbours
      .filter((n) => texts.has(n.exampleId))
      .map((n) => ({ text: texts.get(n.exampleId)!, label: n.label, similarity: n.similarity })),
    learner: { embeddingModel: learner.modelId, categoryExamples: learner.size("category") },
  };
}

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
