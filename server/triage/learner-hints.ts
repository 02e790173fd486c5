import type { DbOrTx } from "@/db/client";
import { classifyForTriage } from "@/server/learning/classify-for-triage";
import type { FieldPrediction, Learner } from "@/server/learning/learner";
import { learningText } from "@/server/learning/ticket-text";
import type { TriageHintsResult } from "./run-triage";

/**
 * The learner's part of a triage. Once it has verified category examples its answer binds: its category is the
 * only one the SLM may pick, and its "needs human" stands. Priority and team come from it too where it has examples.
 * `text` is the prepared ticket text without the sentences that try to instruct the triage, so "mark this urgent"
 * cannot move the priority.
 */
/** The classifier's reasons as an agent reads them on the panel. */
const REASONS: Record<FieldPrediction["reason"], string> = {
  confident: "confident",
  "low-confidence": "unsure between categories",
  "no-close-example": "nothing labelled so far resembles this ticket",
  "no-examples": "no labelled examples yet",
  "label-not-allowed": "its best guess is a category that is switched off",
};

export async function learnerHints(
  t: { ticketId?: string; subject: string; text: string },
  opts: { db?: DbOrTx; learner?: Learner } = {},
): Promise<TriageHintsResult> {
  const hints = await classifyForTriage(learningText(t.subject, t.text), { ...opts, ticketId: t.ticketId });
  const trained = hints.learner.categoryExamples > 0;
  const { label, needsHuman, confidence, reason } = hints.category;
  const field = (p: (typeof hints.fields)["priority"]) => (p ? { label: p.label, confidence: p.confidence, needsHuman: p.needsHuman, reason: p.reason } : undefined);
  return {
    status: trained ? "used" : "untrained",
    candidates: trained && !needsHuman && label ? [label] : undefined,
    examples: hints.examples.map((e) => ({ text: e.text, category: e.label })),
    decision: trained ? { needsHuman, reason: `classifier: ${REASONS[reason]}` } : undefined,
    category: trained ? { label, confidence, needsHuman, reason } : undefined,
    priority: field(hints.fields.priority),
    team: field(hints.fields.team),
    replies: hints.replies.map((r) => r.text),
    classifier: {
      label,
      confidence,
      needsHuman,
      reason,
      candidates: hints.category.candidates.slice(0, 5),
      learner: hints.learner,
    },
  };
}
