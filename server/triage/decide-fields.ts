import type { LearnerStatus, TicketPriority, TriageFieldsInfo } from "@/db/schema";
import { detectLanguage } from "@/models/tasks/language";
import type { PreparedMessage } from "@/models/tasks/prepare-message";
import { checkSummary } from "@/models/tasks/summary";
import type { TriageResult } from "@/models/tasks/triage";
import { shownConfidence } from "./field-calibration";

/** A learner's answer for one field; its probability is shown only where measured calibrated (field-calibration.ts). */
export interface LearnedAnswer {
  label: string | null;
  confidence: number;
  needsHuman: boolean;
  reason?: string;
}

/**
 * Each field from the part that does it best, measured (bench/triage-fields.ts): category, priority and team from
 * the learner with its calibrated probability; language from a language-identification library; the summary from
 * the SLM only when it passes the checks, else the ticket's most informative sentence. Anything not backed by a
 * measured source is marked unsure, and the SLM's own confidences are never passed on.
 */
export function decideFields(input: {
  slm: TriageResult;
  hints: { category?: LearnedAnswer; priority?: LearnedAnswer } | null;
  learnerStatus: LearnerStatus;
  learnerError: string | null;
  prepared: PreparedMessage;
  ticketPriority: TicketPriority | null;
}) {
  const { slm, hints, prepared } = input;
  const fields: TriageFieldsInfo = {};
  const noLearner =
    input.learnerStatus === "unavailable"
      ? `learner unavailable: ${input.learnerError}`
      : input.learnerStatus === "off"
        ? "learner switched off (SLM_TRIAGE_HINTS)"
        : "no verified examples yet";

  // Below an even chance the answer is more likely wrong than right: shown as unsure, with the learner's guess.
  const c = hints?.category;
  fields.category = c
    ? c.needsHuman || c.confidence < SURE
      ? { source: "learner", confidence: null, score: round(c.confidence), unsure: true, reason: c.needsHuman ? c.reason : "below an even chance" }
      : { source: "learner", confidence: shownConfidence("category", c.confidence), score: round(c.confidence), unsure: false }
    : { source: "slm", confidence: null, unsure: true, reason: noLearner };

  // Never the SLM's: it obeyed "priority: urgent" in the ticket. The learner read the ticket without such sentences.
  const p = hints?.priority;
  // A ticket that tries to set its priority keeps the one it has: 2 in 200 attacked bitext tickets still moved the
  // learner after the attack was cut out (bench:fields), so no suggestion is made on a flagged ticket.
  const learned = p && !p.needsHuman && p.label && p.confidence >= SURE && !slm.flags.injection;
  const priority = (learned ? p.label : (input.ticketPriority ?? "normal")) as TicketPriority;
  fields.priority =
    learned
      ? { source: "learner", confidence: shownConfidence("priority", p.confidence), score: round(p.confidence), unsure: false }
      : {
          source: "rules",
          confidence: null,
          unsure: true,
          reason: slm.flags.injection ? "the ticket tries to steer the triage; kept the ticket's" : p ? `learner unsure (${p.reason})` : "no verified priorities yet; kept the ticket's",
        };

  const lang = detectLanguage(prepared.text.length >= 40 ? prepared.text : `${prepared.subject}\n${prepared.text}`);
  fields.language = { source: "library", confidence: null, unsure: lang.language === null, reason: lang.language ? undefined : lang.reason };

  // The 135M model's sentiment measured barely above chance (bench:fields, README): not shown as an answer at all.
  fields.sentiment = { source: "none", confidence: null, unsure: true, reason: "no measured source for sentiment yet" };

  const summary = checkSummary({ summary: slm.summary, subject: prepared.subject, text: prepared.text, language: lang.language });
  fields.summary = { source: summary.source, confidence: null, unsure: summary.summary === null, reason: summary.rejected && `model summary rejected: ${summary.rejected}` };

  // A tag must name something the customer wrote ("2022-01-01t00:00:00z" did not).
  const words = `${prepared.subject} ${prepared.text}`.toLowerCase();
  const tags = slm.tags.filter((t) => t.split("-").every((w) => w.length > 1 && words.includes(w)));

  return { fields, priority, sentiment: null, language: lang.language, summary: summary.summary, tags };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
/** Below an even chance the learner's answer is more likely wrong than right: shown as unsure. */
export const SURE = 0.5;
