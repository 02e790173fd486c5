/**
 * chrF (Popović 2015): character n-gram F-score, n = 1…6, recall weighted by β = 2, whitespace ignored, averaged
 * over n; 0–100. The usual metric for drafts against a reference reply, as sacreBLEU computes it (without word n-grams).
 */
export function chrF(hypothesis: string, reference: string, maxN = 6, beta = 2): number {
  const hyp = hypothesis.replace(/\s+/g, "");
  const ref = reference.replace(/\s+/g, "");
  let p = 0;
  let r = 0;
  let orders = 0;
  for (let n = 1; n <= maxN; n++) {
    const h = grams(hyp, n);
    const g = grams(ref, n);
    const hTotal = hyp.length - n + 1;
    const gTotal = ref.length - n + 1;
    if (hTotal <= 0 || gTotal <= 0) continue;
    let match = 0;
    for (const [k, c] of h) match += Math.min(c, g.get(k) ?? 0);
    p += match / hTotal;
    r += match / gTotal;
    orders++;
  }
  if (orders === 0) return 0;
  p /= orders;
  r /= orders;
  const b2 = beta * beta;
  return p + r === 0 ? 0 : (100 * (1 + b2) * p * r) / (b2 * p + r);
}

function grams(s: string, n: number) {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= s.length; i++) {
    const k = s.slice(i, i + n);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}
