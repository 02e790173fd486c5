import { createHash } from "node:crypto";
import { ADAPTED_DRAFT_SAMPLING, DEFAULT_TONE, DRAFT_SAMPLING, draftSystemPrompt, draftUserPrompt } from "./draft";
import { zodToGrammarSchema } from "./json-schema";
import { SAMPLE_TAXONOMY } from "./sample-taxonomy";
import { triageOutputSchema, triageSystemPrompt, triageUserPrompt } from "./triage";

/**
 * The prompts' version for the model registry: a fingerprint of what the triage and draft prompts render for a fixed
 * input, the triage output schema and the draft sampling. Any change to their wording, fencing or settings gives a
 * new version by itself, so no one has to remember to bump a number. The admins' tone and taxonomy are data, not
 * part of it.
 */
function promptVersion(): string {
  const ticket = { subject: "S", text: "T" };
  const parts = [
    triageSystemPrompt(SAMPLE_TAXONOMY),
    triageUserPrompt({ ...ticket, categories: SAMPLE_TAXONOMY, candidates: ["ORDER"], examples: [{ text: "E", category: "ORDER" }] }),
    JSON.stringify(zodToGrammarSchema(triageOutputSchema(SAMPLE_TAXONOMY.map((c) => c.key)))),
    draftSystemPrompt(DEFAULT_TONE),
    draftUserPrompt({ subject: "S", thread: [{ from: "customer", text: "T" }], triage: { category: "C", summary: "M", language: "de" }, references: ["R"], tone: DEFAULT_TONE }),
    JSON.stringify(DRAFT_SAMPLING),
    JSON.stringify(ADAPTED_DRAFT_SAMPLING),
  ];
  return `prompt-${createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 8)}`;
}

export const PROMPT_VERSION = promptVersion();
