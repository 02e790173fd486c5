import { detectInjection, sentencesOf } from "./injection";
import { detectLanguage } from "./language";

/**
 * The last gate before an agent sees a draft. A small model invents links, amounts and order numbers, copies its
 * prompt, switches language, or repeats what an attacker wrote into the ticket; any of those rejects the draft.
 * Facts may only come from the ticket, the retrieved (verified, sent) replies and the macros.
 */
export interface DraftCheck {
  passed: boolean;
  reasons: string[];
}

export interface DraftGrounds {
  /** The customer's thread (prepared text). */
  ticket: string;
  /** Retrieved sent replies and macros the prompt carried. */
  references: readonly string[];
  /** The ticket's language, or null when unsure (then the language is not checked). */
  language: string | null;
  /** The ticket's sentences that read as instructions to the model (detectInjection), if any. */
  instructions: readonly string[];
}

const FACTS: { kind: string; re: RegExp; norm: (s: string) => string }[] = [
  { kind: "link", re: /\bhttps?:\/\/[^\s)>\]]+|\bwww\.[^\s)>\]]+/gi, norm: (s) => s.toLowerCase().replace(/^https?:\/\//, "").replace(/[.,;:!?]+$/, "") },
  { kind: "e-mail address", re: /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, norm: (s) => s.toLowerCase() },
  // International (+49 …, 0049 …) or grouped (555-123-4567, (555) 123 4567) numbers; bare digit runs are order numbers.
  { kind: "phone number", re: /(?:\+|\b00)\d[\d ()-]{6,}\d\b|\(?\b\d{3}\)?[ -]\d{3}[ -]\d{4}\b/g, norm: digits },
  { kind: "amount", re: /[$€£¥]\s?\d[\d.,']*|\b\d[\d.,']*\s?(?:€|\$|eur|euros?|usd|dollars?|gbp|pounds?|chf)\b/gi, norm: digits },
  { kind: "order or reference number", re: /#\s?[A-Z0-9-]*\d{3,}[A-Z0-9-]*|\b[A-Z]{0,4}-?\d{5,}\b/gi, norm: digits },
];

function digits(s: string) {
  return s.replace(/\D/g, "");
}

const MARKERS = /<\/?\s*ticket|‹\/?ticket›|\bsubject\s*:|<\|im_|^\s*(customer|agent)\s*:/im;
const SECRETS = /\b(password|passcode|pin code|security code|cvv|one-time code)\b/i;

export function checkDraft(draft: string, grounds: DraftGrounds): DraftCheck {
  const reasons: string[] = [];
  const known = [grounds.ticket, ...grounds.references].join("\n");
  for (const f of FACTS) {
    const knownValues = new Set([...known.matchAll(f.re)].map((m) => f.norm(m[0])).filter(Boolean));
    const invented = [...draft.matchAll(f.re)].map((m) => m[0].trim()).filter((v) => f.norm(v) && !knownValues.has(f.norm(v)) && !isContained(f.norm(v), knownValues));
    if (invented.length) reasons.push(`invents ${f.kind}${invented.length > 1 ? "s" : ""}: ${[...new Set(invented)].slice(0, 3).join(", ")}`);
  }
  if (MARKERS.test(draft)) reasons.push("copies the prompt's markers");
  // "You've successfully completed the response. Please share your next…" invents nothing and answers nothing.
  const known4 = contentWords(known);
  if (known4.size >= 3 && ![...contentWords(draft)].some((w) => known4.has(w))) reasons.push("does not address the ticket");
  const lang = detectLanguage(draft).language;
  if (grounds.language && lang && lang !== grounds.language) reasons.push(`written in "${lang}", the customer wrote in "${grounds.language}"`);
  if (grounds.instructions.length) {
    if (grounds.instructions.some((i) => overlap(i, draft) >= 0.5)) reasons.push("repeats the instructions injected into the ticket");
    else if (detectInjection(draft).suspicious || SECRETS.test(draft)) reasons.push("follows or echoes the injected instructions");
  } else if (SECRETS.test(draft) && !SECRETS.test(known)) reasons.push("asks for a secret (password or code)");
  return { passed: reasons.length === 0, reasons };
}

/** A number the draft writes shorter or longer than the ticket (e.g. "00123842" vs "123842") is still the same one. */
function isContained(v: string, known: Set<string>) {
  if (v.length < 4) return false;
  for (const k of known) if (k.length >= 4 && (k.includes(v) || v.includes(k))) return true;
  return false;
}

const STOP = new Set("that this with from your have will would could should about there their what when which please thank thanks hello".split(" "));
function contentWords(s: string) {
  return new Set(s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 4 && !STOP.has(w)));
}

/** Share of the instruction's content words the draft repeats. */
function overlap(instruction: string, draft: string) {
  const words = (s: string) => new Set(s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 4));
  const a = words(instruction);
  if (a.size < 3) return 0;
  const b = words(draft);
  return [...a].filter((w) => b.has(w)).length / a.size;
}

/** The ticket's sentences that try to instruct the model: the draft must not repeat them. */
export function instructionSentences(text: string): string[] {
  return sentencesOf(text).filter((s) => detectInjection(s).suspicious);
}
