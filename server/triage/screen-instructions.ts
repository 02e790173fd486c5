import { INSTRUCTION_HEAD, type ScreenResult, screenInstructions } from "@/models/tasks/injection-head";
import { getProcessLearner } from "@/server/learning/classify-for-triage";
import type { Learner } from "@/server/learning/learner";

/**
 * Reads a ticket sentence by sentence for tasks addressed to an AI (indirect prompt injection), with the instruction
 * head on the learner's own vectors, so it costs embeddings only. Null when the head cannot read this installation's
 * vectors (a promoted fine-tuned encoder): the pattern rules then stand alone.
 */
export async function screenTicket(text: string, opts: { learner?: Learner } = {}): Promise<ScreenResult | null> {
  if (!INSTRUCTION_HEAD) return null;
  const learner = opts.learner ?? (await getProcessLearner());
  if (learner.modelId !== INSTRUCTION_HEAD.embeddingModel) return null;
  return screenInstructions(text, (part) => learner.embed(part), INSTRUCTION_HEAD);
}
