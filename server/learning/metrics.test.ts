import { describe, expect, it } from "vitest";
import { computeMetrics, type ScoredRow } from "./metrics";

const row = (gold: string, predicted: string | null, confidence: number, needsHuman: boolean, latencyMs: number): ScoredRow => ({
  gold,
  predicted,
  confidence,
  needsHuman,
  latencyMs,
});

describe("computeMetrics", () => {
  it("matches a hand computation", () => {
    const rows = [
      row("A", "A", 0.9, false, 10),
      row("A", "B", 0.5, true, 20),
      row("B", "B", 0.7, false, 30),
      row("B", "B", 0.85, false, 40),
      row("C", "A", 0.3, true, 50),
      row("oos", "A", 0.2, true, 60),
      row("oos", "C", 0.95, false, 70),
    ];
    const m = computeMetrics(rows, { oosLabel: "oos" });
    // In scope: rows 1-5; right: 1, 3, 4.
    expect(m.inScopeRows).toBe(5);
    expect(m.accuracy).toBe(0.6);
    // A: tp 1, fp 1 (row 5), fn 1 (row 2) -> 2/4. B: tp 2, fp 1 (row 2) -> 4/5. C: tp 0 -> 0.
    expect(m.perLabelF1).toEqual({ A: 0.5, B: 0.8, C: 0 });
    expect(m.macroF1).toBe(0.4333);
    expect(m.confusedPairs).toEqual([
      { gold: "A", predicted: "B", count: 1 },
      { gold: "C", predicted: "A", count: 1 },
    ]);
    expect(m.confidenceBuckets).toEqual([
      { range: "0.0-0.2", count: 0, accuracy: null, meanConfidence: null },
      { range: "0.2-0.4", count: 1, accuracy: 0, meanConfidence: 0.3 },
      { range: "0.4-0.6", count: 1, accuracy: 0, meanConfidence: 0.5 },
      { range: "0.6-0.8", count: 1, accuracy: 1, meanConfidence: 0.7 },
      { range: "0.8-1.0", count: 2, accuracy: 1, meanConfidence: 0.875 },
    ]);
    // Rows 2 and 5 go to a human; the other three are all right.
    expect(m.needsHumanRate).toBe(0.4);
    expect(m.automatedAccuracy).toBe(1);
    // oos rows 6 (flagged) and 7 (answered "C"): recall 1/2. In scope right and automated: 3/5.
    expect(m.outOfScope).toEqual({ rows: 2, recall: 0.5, inScopeAccuracyWithRejection: 0.6 });
    // Nearest rank over 7 latencies: p50 -> 4th (40), p95 -> 7th (70).
    expect(m.latencyMs).toEqual({ p50: 40, p95: 70 });
  });

  it("has no out-of-scope section without an out-of-scope label", () => {
    const m = computeMetrics([row("A", null, 0, true, 1)]);
    expect(m).toMatchObject({ accuracy: 0, needsHumanRate: 1, automatedAccuracy: null, outOfScope: null, confusedPairs: [] });
  });
});
