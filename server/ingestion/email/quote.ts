/**
 * Splits an email body into the new text and what follows it (quoted history, signature). Heuristic by nature:
 * the full original is always kept in raw_inbound, so a wrong cut loses nothing, it only hides text.
 */
const HISTORY_MARKERS: RegExp[] = [
  // Gmail, Apple Mail, Thunderbird: "On <date>, <name> wrote:" (possibly wrapped onto two lines).
  /^\s*On\b[^\n]{0,200}\n?[^\n]{0,200}\bwrote:\s*$/m,
  /^\s*Le\b[^\n]{0,200}\ba écrit\s*:\s*$/m,
  /^\s*Am\b[^\n]{0,200}\bschrieb[^\n]{0,80}:\s*$/m,
  /^\s*El\b[^\n]{0,200}\bescribió:\s*$/m,
  // Outlook.
  /^\s*-{2,}\s*Original Message\s*-{2,}\s*$/im,
  /^\s*_{10,}\s*\n\s*From:/m,
  /^\s*From:\s[^\n]+\n\s*(Sent|Date):\s[^\n]+\n/m,
  // Forwarded and mobile clients.
  /^\s*-{2,}\s*Forwarded message\s*-{2,}\s*$/im,
  /^\s*Sent from my (iPhone|iPad|Android|mobile)[^\n]*$/im,
  // The RFC 3676 signature delimiter.
  /^-- $/m,
];

export function splitReply(body: string): { text: string; rest: string } {
  const normalized = body.replace(/\r\n?/g, "\n");
  let cut = normalized.length;
  for (const re of HISTORY_MARKERS) {
    const m = re.exec(normalized);
    if (m && m.index < cut) cut = m.index;
  }
  // A trailing block of "> " lines is quoted history even without a header line.
  const lines = normalized.slice(0, cut).split("\n");
  let end = lines.length;
  while (end > 0 && (/^\s*>/.test(lines[end - 1]!) || lines[end - 1]!.trim() === "")) end--;
  const kept = lines.slice(0, end).join("\n");
  const text = kept.trim();
  // Never return nothing: a message that is all quote (e.g. a top-level forward) keeps its whole body.
  if (!text) return { text: normalized.trim(), rest: "" };
  return { text, rest: normalized.slice(kept.length).trim() };
}
