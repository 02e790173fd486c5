import { detectLanguage } from "./language";

/**
 * A useful summary or none. The 135M model wrote "nega", "jj", copied `<ticket> Subject:` or answered in another
 * language: such an answer is rejected, and the ticket's most informative sentence is shown instead (extractive,
 * so it can only be as wrong as the customer's own words).
 */
export interface CheckedSummary {
  summary: string | null;
  source: "slm" | "extractive";
  /** Why the model's summary was not used. */
  rejected?: string;
}

const MARKERS = /<\/?\s*ticket|‹\/?ticket›|\bsubject\s*:|<\|im_|\b(customer|agent|assistant|user)\s*:|^\s*[{["]/i;
const STOP = new Set(
  ("the a an and or but to of in on at for with from by is are was were be been am i my me we our you your it this that " +
    "have has had do does did can could would should will please hello hi dear thanks thank regards").split(" "),
);

const contentWords = (s: string) =>
  s
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3 && !STOP.has(w));

export function summaryProblem(summary: string, ticket: string, ticketLanguage: string | null): string | null {
  const s = summary.trim();
  if (s.length < 15 || s.split(/\s+/).length < 3) return "too short";
  if (MARKERS.test(s)) return "copies prompt markers";
  const lang = detectLanguage(s).language;
  if (ticketLanguage && lang && lang !== ticketLanguage) return `written in "${lang}", the ticket is in "${ticketLanguage}"`;
  const words = new Set(contentWords(ticket));
  const own = contentWords(s);
  // Half its words from the ticket: a summary copied from a few-shot example ("Cancel order #4587345") is not.
  if (own.filter((w) => words.has(w)).length < Math.max(1, own.length / 2)) return "does not match the ticket's words";
  // The small model writes other languages poorly ("Situation 77120 ist seit zwei Wochen unterwegs und die Sendö" for
  // a German ticket): outside English every word must be the customer's own.
  if (ticketLanguage && ticketLanguage !== "en" && own.some((w) => !words.has(w))) return "invents words in a language the model writes poorly";
  const ticketDigits = new Set(ticket.match(/\d{3,}/g) ?? []);
  if ((s.match(/\d{3,}/g) ?? []).some((n) => ![...ticketDigits].some((t) => t.includes(n) || n.includes(t)))) return "names a number the ticket does not";
  return null;
}

/** The sentence with the most distinct content words (greetings and sign-offs score nothing), clipped. */
export function extractiveSummary(subject: string, text: string, maxChars = 160): string | null {
  const sentences = text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => contentWords(s).length >= 2);
  const best = sentences
    .map((s, i) => ({ s, score: new Set(contentWords(s)).size - i * 0.01 }))
    .sort((a, b) => b.score - a.score)[0]?.s;
  const pick = best ?? (contentWords(subject).length ? subject.trim() : null);
  if (!pick) return null;
  return pick.length > maxChars ? `${pick.slice(0, maxChars - 1).replace(/\s+\S*$/, "")}…` : pick;
}

export function checkSummary(input: { summary: string | null; subject: string; text: string; language: string | null }): CheckedSummary {
  const problem = input.summary ? summaryProblem(input.summary, `${input.subject}\n${input.text}`, input.language) : "empty";
  if (!problem) return { summary: input.summary!.trim(), source: "slm" };
  return { summary: extractiveSummary(input.subject, input.text), source: "extractive", rejected: problem };
}
