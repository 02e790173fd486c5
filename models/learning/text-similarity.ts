/**
 * How close a draft is to the reply an agent sent: chrF (character n-gram F-score, sacrebleu's defaults: n = 1..6,
 * β = 2, whitespace ignored) and ROUGE-L (F-measure of the longest common word subsequence). Both 0–100.
 */

const CHRF_ORDER = 6;
const CHRF_BETA = 2;

export function chrF(hypothesis: string, reference: string): number {
  const hyp = hypothesis.replace(/\s+/g, "");
  const ref = reference.replace(/\s+/g, "");
  if (!hyp || !ref) return hyp === ref ? 100 : 0;
  let precision = 0;
  let recall = 0;
  let orders = 0;
  for (let n = 1; n <= CHRF_ORDER; n++) {
    const h = ngrams(hyp, n);
    const r = ngrams(ref, n);
    const hTotal = hyp.length - n + 1;
    const rTotal = ref.length - n + 1;
    if (hTotal <= 0 || rTotal <= 0) continue;
    let match = 0;
    for (const [g, c] of h) match += Math.min(c, r.get(g) ?? 0);
    precision += match / hTotal;
    recall += match / rTotal;
    orders++;
  }
  if (!orders) return 0;
  precision /= orders;
  recall /= orders;
  if (precision + recall === 0) return 0;
  const b2 = CHRF_BETA * CHRF_BETA;
  return (100 * ((1 + b2) * precision * recall)) / (b2 * precision + recall);
}

export function rougeL(hypothesis: string, reference: string): number {
  const h = words(hypothesis);
  const r = words(reference);
  if (!h.length || !r.length) return h.length === r.length ? 100 : 0;
  const lcs = lcsLength(h, r);
  if (!lcs) return 0;
  const p = lcs / h.length;
  const rec = lcs / r.length;
  return (100 * 2 * p * rec) / (p + rec);
}

function ngrams(s: string, n: number) {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= s.length; i++) {
    const g = s.slice(i, i + n);
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

function words(s: string) {
  return s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** O(n·m) time, O(m) memory: replies are a few hundred words. */
function lcsLength(a: string[], b: string[]) {
  let prev = new Array<number>(b.length + 1).fill(0);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}
