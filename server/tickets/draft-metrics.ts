/**
 * How far a sent reply moved from the AI draft it started from: the SLM's training signal (and analytics'
 * "drafts used as is" figure). Pure functions; the reply is the reference, the draft the hypothesis.
 */

// Levenshtein is O(n·m): past this many cells (a draft edited into a long letter) the figure is left out.
const MAX_CELLS = 40_000_000;

/** Levenshtein distance in characters (UTF-16 code units), or null when the texts are too long to compare. */
export function editDistance(a: string, b: string): number | null {
  if (a === b) return 0;
  if (!a.length || !b.length) return Math.max(a.length, b.length);
  if (a.length * b.length > MAX_CELLS) return null;
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

function charNgrams(text: string, n: number): Map<string, number> {
  const chars = [...text.replace(/\s+/g, "")];
  const out = new Map<string, number>();
  for (let i = 0; i + n <= chars.length; i++) {
    const g = chars.slice(i, i + n).join("");
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/**
 * chrF as sacrebleu 2 computes it (character n-grams 1–6, whitespace removed, β = 2, the F-score of each order
 * averaged over the orders both texts have): 0–100, 100 when the draft was sent unchanged.
 */
export function chrF(hypothesis: string, reference: string, order = 6, beta = 2): number {
  const factor = beta * beta;
  let score = 0;
  let effective = 0;
  for (let n = 1; n <= order; n++) {
    const hyp = charNgrams(hypothesis, n);
    const ref = charNgrams(reference, n);
    let nHyp = 0;
    let nRef = 0;
    let match = 0;
    for (const c of hyp.values()) nHyp += c;
    for (const [g, c] of ref) {
      nRef += c;
      match += Math.min(c, hyp.get(g) ?? 0);
    }
    if (nHyp > 0 && nRef > 0) effective++;
    const p = nHyp > 0 ? match / nHyp : 0;
    const r = nRef > 0 ? match / nRef : 0;
    const denom = factor * p + r;
    if (denom > 0) score += ((1 + factor) * p * r) / denom;
  }
  return effective ? (100 * score) / effective : 0;
}
