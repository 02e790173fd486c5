/** ROUGE-L (Lin 2004): F1 of the longest common subsequence of lowercased word tokens, 0–100. */
export function rougeL(hypothesis: string, reference: string): number {
  const tok = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const h = tok(hypothesis);
  const r = tok(reference);
  if (!h.length || !r.length) return 0;
  let prev = new Array<number>(r.length + 1).fill(0);
  for (const w of h) {
    const row = new Array<number>(r.length + 1).fill(0);
    for (let j = 1; j <= r.length; j++) row[j] = w === r[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, row[j - 1]!);
    prev = row;
  }
  const lcs = prev[r.length]!;
  if (lcs === 0) return 0;
  const p = lcs / h.length;
  const rec = lcs / r.length;
  return (100 * 2 * p * rec) / (p + rec);
}
