import { inArray } from "drizzle-orm";
import { getDb, type DbOrTx } from "@/db/client";
import { examples } from "@/db/schema";
import { getSharedLlama } from "@/models/runtime/llama";
import { env } from "@/server/env";
import { Embedder } from "@/server/learning/embedder";
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
  const ids = category.neighbours.map((n) => n.exampleId);
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

let processLearner: Promise<Learner> | undefined;
let processEmbedder: Embedder | undefined;

/**
 * The worker's learner for the live examples, started on first use: the embedding model on the process's shared
 * llama.cpp binding, SLM_THREADS single-threaded contexts (see Embedder), LISTEN on its own connection.
 */
export function getProcessLearner(log: (line: string) => void = console.log): Promise<Learner> {
  processLearner ??= (async () => {
    const llama = await getSharedLlama({ gpu: env.SLM_GPU, log });
    const embedder = await Embedder.create({ model: env.EMBED_MODEL, threads: env.SLM_THREADS, llama });
    processEmbedder = embedder;
    log(`[learner] embedding model ${embedder.modelId} (${embedder.dimensions} dims), ${env.SLM_THREADS} contexts`);
    return Learner.start({ db: getDb(), embedder, log });
  })();
  processLearner.catch(() => (processLearner = undefined));
  return processLearner;
}

export async function stopProcessLearner(): Promise<void> {
  const current = processLearner;
  processLearner = undefined;
  const learner = await current?.catch(() => undefined);
  await learner?.stop();
  await processEmbedder?.dispose();
  processEmbedder = undefined;
}
