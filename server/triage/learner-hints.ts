import { classifyForTriage } from "@/server/learning/classify-for-triage";
import { learningText } from "@/server/learning/ticket-text";
import type { TriageHintsResult } from "./run-triage";

/**
 * The learner's answer, once it has verified category examples, binds: its category is the only one the SLM may
 * pick, and its "needs human" stands. Before any example exists the SLM triages alone (zero-shot).
 */
export async function learnerHints(t: { subject: string; text: string }): Promise<TriageHintsResult | null> {
  const hints = await classifyForTriage(learningText(t.subject, t.text));
  const trained = hints.learner.categoryExamples > 0;
  const { label, needsHuman } = hints.category;
  return {
    candidates: trained && !needsHuman && label ? [label] : undefined,
    examples: hints.examples.map((e) => ({ text: e.text, category: e.label })),
    decision: trained ? { needsHuman, reason: `classifier: ${hints.category.reason}` } : undefined,
    classifier: {
      label,
      confidence: hints.category.confidence,
      needsHuman,
      reason: hints.category.reason,
      candidates: hints.category.candidates.slice(0, 5),
      learner: hints.learner,
    },
  };
}
