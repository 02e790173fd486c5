import { describe, expect, it } from "vitest";
import { seededRandom } from "./random";
import { calibrateMinSimilarity, ExampleClassifier, knnVotes, SoftmaxRegression, type Prediction } from "./classifier";
import { VectorIndex } from "./vector-index";

const DIMS = 16;
const random = seededRandom(42);

/** Unit-ish vectors scattered around a label's own axis. */
function around(axis: number, noise = 0.3): Float32Array {
  const v = Float32Array.from({ length: DIMS }, () => (random() - 0.5) * noise);
  v[axis]! += 1;
  return v;
}

function trained(perLabel = 8) {
  const index = new VectorIndex(DIMS);
  ["billing", "shipping", "login"].forEach((label, axis) => {
    for (let i = 0; i < perLabel; i++) index.add(`${label}-${i}`, label, around(axis));
  });
  return { index, classifier: ExampleClassifier.fromIndex(index) };
}

describe("SoftmaxRegression", () => {
  it("separates labels it was trained on", () => {
    const vectors: Float32Array[] = [];
    const labels: string[] = [];
    ["a", "b", "c"].forEach((label, axis) => {
      for (let i = 0; i < 5; i++) {
        vectors.push(around(axis));
        labels.push(label);
      }
    });
    const flat = new Float32Array(vectors.length * DIMS);
    vectors.forEach((v, i) => flat.set(v, i * DIMS));
    const model = SoftmaxRegression.train(flat, labels, DIMS, { epochs: 50 });
    const best = (v: Float32Array) => model.scores(v).sort((x, y) => y.score - x.score)[0]!.label;
    expect(model.labels).toEqual(["a", "b", "c"]);
    expect([best(around(0)), best(around(1)), best(around(2))]).toEqual(["a", "b", "c"]);
  });
});

describe("knnVotes", () => {
  it("weights closer neighbours more", () => {
    const votes = knnVotes(
      [
        { id: "1", label: "a", score: 0.9 },
        { id: "2", label: "b", score: 0.7 },
        { id: "3", label: "b", score: 0.7 },
      ],
      0.05,
    );
    const a = votes.find((v) => v.label === "a")!.score;
    expect(a).toBeGreaterThan(0.9);
    expect(votes.reduce((s, v) => s + v.score, 0)).toBeCloseTo(1, 6);
  });
});

describe("ExampleClassifier", () => {
  it("labels a new ticket near its examples, confidently, with ranked candidates", () => {
    const { classifier } = trained();
    const p = classifier.classify(around(1, 0.2));
    expect(p.label).toBe("shipping");
    expect(p.needsHuman).toBe(false);
    expect(p.confidence).toBeGreaterThan(0.5);
    expect(p.candidates[0]!.label).toBe("shipping");
    expect(p.candidates.map((c) => c.score)).toEqual([...p.candidates.map((c) => c.score)].sort((x, y) => y - x));
  });

  it("sends a ticket unlike every example to a human", () => {
    const { classifier } = trained();
    const p = classifier.classify(around(9, 0.05));
    expect(p.needsHuman).toBe(true);
    expect(p.reason).toBe("no-close-example");
    expect(p.nearestSimilarity).toBeLessThan(0.35);
  });

  it("learns from a correction: the new label counts at once, and still after retraining", () => {
    const { classifier } = trained();
    const refund = around(5, 0.05);
    expect(classifier.classify(refund).label).not.toBe("refund");
    classifier.add("refund-0", "refund", around(5, 0.05));
    classifier.add("refund-1", "refund", around(5, 0.05));
    expect(classifier.needsRetrain).toBe(true);
    expect(classifier.classify(refund).label).toBe("refund");
    classifier.retrain();
    expect(classifier.needsRetrain).toBe(false);
    const p = classifier.classify(refund);
    expect(p.label).toBe("refund");
    expect(p.needsHuman).toBe(false);
    expect(classifier.labels).toContain("refund");
  });

  it("relabeling an example moves it between labels; removing it undoes it", () => {
    const { classifier, index } = trained(1);
    classifier.add("login-0", "billing", index.get("login-0")!.vector);
    expect(classifier.labels).not.toContain("login");
    expect(classifier.remove("login-0")).toBe(true);
    expect(classifier.remove("login-0")).toBe(false);
    expect(index.size).toBe(2);
  });

  it("asks for a human when there are no examples at all", () => {
    const p = ExampleClassifier.fromIndex(new VectorIndex(DIMS)).classify(around(0));
    expect(p).toMatchObject({ needsHuman: true, reason: "no-examples" });
  });
});

describe("calibrateMinSimilarity", () => {
  const p = (label: string, nearestSimilarity: number, confidence = 0.9): Prediction => ({
    label,
    confidence,
    candidates: [],
    nearestSimilarity,
    needsHuman: false,
    reason: "confident",
  });

  it("loses at most the budget of right answers, counting wrong and unconfident ones as already lost", () => {
    // 10 rows: 8 right and confident at similarities .5-.9, one wrong, one right but unconfident.
    const preds = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9].map((s) => p("a", s)).concat([p("b", 0.4), p("a", 0.3, 0.1)]);
    const gold = Array(10).fill("a");
    // 20% of 10 = 2 rows may go to a human: .5 and .55 go, .6 stays.
    const t = calibrateMinSimilarity(preds, gold, { budget: 0.2 });
    expect(t).toBeGreaterThan(0.55);
    expect(t).toBeLessThan(0.6);
    // No budget: nothing right is lost, and the threshold never drops below the default backstop.
    expect(calibrateMinSimilarity(preds, gold, { budget: 0 })).toBeCloseTo(0.5, 5);
    expect(calibrateMinSimilarity([p("a", 0.2)], ["a"], { budget: 0 })).toBe(0.35);
  });
});
