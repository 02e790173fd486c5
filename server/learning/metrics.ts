/**
 * Evaluation metrics over classified test rows. Pure, so the definitions can be checked against a hand computation.
 *
 * Definitions (in-scope = gold label is not the out-of-scope label):
 * - accuracy: the classifier's best label equals the gold label, over in-scope rows, whether or not it asked for a
 *   human (what the suggestion shown to an agent is worth).
 * - per-label F1 over in-scope rows, for every gold label; macro-F1 is their unweighted mean.
 * - needsHumanRate: in-scope rows sent to a human; automatedAccuracy: accuracy on the in-scope rows that were not.
 * - with out-of-scope rows: oosRecall = out-of-scope rows sent to a human; inScopeAccuracyWithRejection = in-scope
 *   rows answered correctly *and* not sent to a human (the CLINC150 paper's in-scope accuracy).
 * - latency: nearest-rank percentiles of the per-row classification time.
 */

export interface ScoredRow {
  gold: string;
  /** Best label, or null when the learner had nothing to offer. */
  predicted: string | null;
  confidence: number;
  needsHuman: boolean;
  latencyMs: number;
}

export interface EvalMetrics {
  rows: number;
  inScopeRows: number;
  accuracy: number;
  macroF1: number;
  perLabelF1: Record<string, number>;
  confusedPairs: { gold: string; predicted: string; count: number }[];
  confidenceBuckets: { range: string; count: number; accuracy: number | null; meanConfidence: number | null }[];
  needsHumanRate: number;
  automatedAccuracy: number | null;
  outOfScope: { rows: number; recall: number; inScopeAccuracyWithRejection: number } | null;
  latencyMs: { p50: number; p95: number };
}

const BUCKETS = [0, 0.2, 0.4, 0.6, 0.8, 1];

export function computeMetrics(rows: readonly ScoredRow[], opts: { oosLabel?: string; topConfusions?: number } = {}): EvalMetrics {
  const inScope = rows.filter((r) => r.gold !== opts.oosLabel);
  const oos = opts.oosLabel === undefined ? [] : rows.filter((r) => r.gold === opts.oosLabel);
  const correct = (r: ScoredRow) => r.predicted === r.gold;

  const golds = [...new Set(inScope.map((r) => r.gold))].sort();
  const perLabelF1: Record<string, number> = {};
  for (const label of golds) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const r of inScope) {
      if (r.predicted === label && r.gold === label) tp++;
      else if (r.predicted === label) fp++;
      else if (r.gold === label) fn++;
    }
    perLabelF1[label] = round(tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn));
  }

  const pairs = new Map<string, { gold: string; predicted: string; count: number }>();
  for (const r of inScope) {
    if (correct(r) || r.predicted === null) continue;
    const key = `${r.gold}\0${r.predicted}`;
    const p = pairs.get(key) ?? { gold: r.gold, predicted: r.predicted, count: 0 };
    p.count++;
    pairs.set(key, p);
  }

  const confidenceBuckets = BUCKETS.slice(0, -1).map((lo, i) => {
    const hi = BUCKETS[i + 1]!;
    const last = i === BUCKETS.length - 2;
    const inBucket = inScope.filter((r) => r.confidence >= lo && (last ? r.confidence <= hi : r.confidence < hi));
    return {
      range: `${lo.toFixed(1)}-${hi.toFixed(1)}`,
      count: inBucket.length,
      accuracy: inBucket.length ? round(inBucket.filter(correct).length / inBucket.length) : null,
      meanConfidence: inBucket.length ? round(inBucket.reduce((s, r) => s + r.confidence, 0) / inBucket.length) : null,
    };
  });

  const automated = inScope.filter((r) => !r.needsHuman);
  const latencies = rows.map((r) => r.latencyMs).sort((a, b) => a - b);
  return {
    rows: rows.length,
    inScopeRows: inScope.length,
    accuracy: ratio(inScope.filter(correct).length, inScope.length),
    macroF1: golds.length ? round(golds.reduce((s, l) => s + perLabelF1[l]!, 0) / golds.length) : 0,
    perLabelF1,
    confusedPairs: [...pairs.values()]
      .sort((a, b) => b.count - a.count || a.gold.localeCompare(b.gold) || a.predicted.localeCompare(b.predicted))
      .slice(0, opts.topConfusions ?? 10),
    confidenceBuckets,
    needsHumanRate: ratio(inScope.length - automated.length, inScope.length),
    automatedAccuracy: automated.length ? ratio(automated.filter(correct).length, automated.length) : null,
    outOfScope: oos.length
      ? {
          rows: oos.length,
          recall: ratio(oos.filter((r) => r.needsHuman).length, oos.length),
          inScopeAccuracyWithRejection: ratio(inScope.filter((r) => correct(r) && !r.needsHuman).length, inScope.length),
        }
      : null,
    latencyMs: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95) },
  };
}

/** Nearest rank on sorted values: the smallest value with at least p of the rows at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return round(sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!, 2);
}

function ratio(n: number, d: number) {
  return d === 0 ? 0 : round(n / d);
}

function round(x: number, digits = 4) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
