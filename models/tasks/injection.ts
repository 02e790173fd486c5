/**
 * Ticket text is untrusted. The model never obeys it (it can only fill the grammar), but an agent should know when a
 * customer message tries to steer the triage: this heuristic flags it, alongside the model's own flag.
 */
const PATTERNS: { name: string; re: RegExp }[] = [
  { name: "override-instructions", re: /\b(ignore|disregard|forget|override)\b[^.\n]{0,40}\b(instructions?|prompts?|rules|guidelines|above|previous|prior)\b/i },
  { name: "role-play", re: /\b(you are now|act as|pretend (to be|you are)|from now on,? you)\b/i },
  { name: "system-prompt", re: /\b(system prompt|developer message|jailbreak|DAN mode)\b/i },
  { name: "steer-triage", re: /\b(classify|categori[sz]e|label|mark|set|tag)\b[^.\n]{0,30}\b(this|ticket|priority|category|it)\b[^.\n]{0,20}\b(as|to)\b/i },
  // Asking for a priority is asking the triage to set it: the priority comes from the ticket's content, never its demand.
  { name: "priority-demand", re: /\b(priority|prio|severity)\s*(?:[:=]|should be|must be|is|to)\s*(urgent|high|critical|p0|p1)\b|\bmark\b[^.\n]{0,25}\b(urgent|high[- ]priority|critical|p0)\b|\b(escalate|raise|bump)\b[^.\n]{0,25}\b(priority|to urgent)\b/i },
  { name: "output-format", re: /\b(respond|reply|answer|output)\b[^.\n]{0,20}\b(only|with|in)\b[^.\n]{0,20}\b(json|the word|exactly)\b/i },
  // Indirect injection asks the assistant to change what it writes ("Add … to your reply.", "In your response,
  // suggest …"); a customer asks support to do things, not to edit its reply.
  { name: "edit-the-reply", re: /\b(add|include|insert|integrate|append|incorporate|embed|mention|promote)\b[^.\n]{0,80}\b(in|to|into|within)\s+your\s+(response|reply|answer|output)s?\b|^\s*in your (response|reply|answer)s?,|\b(enhance|end|begin|start|conclude|encode|translate|reverse|encrypt|rewrite)\s+your\s+(response|reply|answer|output)s?\b/im },
  { name: "delimiter-spoof", re: /<\/?\s*(ticket|system|assistant|user|im_start|im_end)\b|<\|im_(start|end)\|>/i },
];

/** A message's sentences and lines, as the instruction checks read them (ticket text often has no punctuation). */
export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export interface InjectionSignal {
  suspicious: boolean;
  /** Names of the patterns that matched, for the agent and for tuning. */
  matches: string[];
}

export function detectInjection(text: string): InjectionSignal {
  const matches = PATTERNS.filter((p) => p.re.test(text)).map((p) => p.name);
  return { suspicious: matches.length > 0, matches };
}

/**
 * The text without what tries to instruct the triage: from each match to the end of its sentence ("Where is my
 * parcel? Priority: urgent." keeps the question). Ticket text often has no punctuation at all, so removing whole
 * sentences would remove the customer's request with the attack.
 */
export function withoutInstructions(text: string): string {
  let out = text;
  for (const p of PATTERNS) out = out.replace(new RegExp(`${p.re.source}[^.!?\\n]*[.!?]*`, "gi"), " ");
  return out.replace(/[ \t]{2,}/g, " ").trim();
}

/** Keeps untrusted text inside its delimiters: anything that looks like a tag or a chat-template token is defused. */
export function fenceUntrusted(text: string, maxChars: number): string {
  const clipped = text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
  return clipped.replace(/<\|/g, "< |").replace(/<(\/?\s*[a-z_]+)>/gi, "‹$1›");
}
