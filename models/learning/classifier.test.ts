import { describe, expect, it } from "vitest";
import { seededRandom } from "./random";
import { calibrateMinSimilarity, ExampleClassifier, knnVotes, SoftmaxRegression, softmax, type Prediction } from "./classifier";
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
    const model = SoftmaxRegression.train(flat, labels, DIMS);
    const best = (v: Float32Array) => model.scores(v).sort((x, y) => y.score - x.score)[0]!.label;
    expect(model.labels).toEqual(["a", "b", "c"]);
    expect([best(around(0)), best(around(1)), best(around(2))]).toEqual(["a", "b", "c"]);
  });

  // Three labels in 2-D, partly overlapping (b's [0.7, 0.6] sits among a's and c's [0.6, 0.7] among b's).
  const X = [[1, 0], [0.9, 0.3], [0.2, 0.8], [0, 1], [0.1, 0.9], [0.7, 0.6], [-1, 0], [-0.8, -0.4], [0.6, 0.7]];
  const Y = ["a", "a", "a", "b", "b", "b", "c", "c", "c"];
  // scikit-learn 1.7.2: LogisticRegression(C=10, tol=1e-12, max_iter=100000).fit(X, Y); intercepts centred.
  const SKLEARN_W = [[1.2540111392, -0.9299106348], [-0.1404126791, 2.0489292705], [-1.1135984601, -1.1190186357]];
  const SKLEARN_B = [0.1780217978, -0.9763495793, 0.7983277815];

  it("converges to scikit-learn's solution of the same objective", () => {
    const model = SoftmaxRegression.train(Float32Array.from(X.flat()), Y, 2, { c: 10, tolerance: 1e-8 });
    expect(model.fit).toMatchObject({ converged: true });
    const bMean = (model.b[0]! + model.b[1]! + model.b[2]!) / 3;
    for (let k = 0; k < 3; k++) {
      expect(model.w[k * 2]!).toBeCloseTo(SKLEARN_W[k]![0]!, 4);
      expect(model.w[k * 2 + 1]!).toBeCloseTo(SKLEARN_W[k]![1]!, 4);
      expect(model.b[k]! - bMean).toBeCloseTo(SKLEARN_B[k]!, 4);
    }
  });

  it("stops where the gradient of summed log-loss + ||W||^2/(2C) vanishes, checked independently", () => {
    const model = SoftmaxRegression.train(Float32Array.from(X.flat()), Y, 2, { c: 10 });
    // The gradient written out by hand: sum_i (p_i - onehot_i) x_i + W / C, and sum_i (p_i - onehot_i) for b.
    const gw = [0, 0, 0, 0, 0, 0];
    const gb = [0, 0, 0];
    X.forEach((x, i) => {
      const z = [0, 1, 2].map((k) => model.b[k]! + model.w[k * 2]! * x[0]! + model.w[k * 2 + 1]! * x[1]!);
      const e = z.map((v) => Math.exp(v - Math.max(...z)));
      const p = e.map((v) => v / e.reduce((s, u) => s + u, 0));
      for (let k = 0; k < 3; k++) {
        const d = p[k]! - (model.labels[k] === Y[i] ? 1 : 0);
        gb[k]! += d;
        gw[k * 2]! += d * x[0]!;
        gw[k * 2 + 1]! += d * x[1]!;
      }
    });
    gw.forEach((g, j) => (gw[j] = g + model.w[j]! / 10));
    // The default tolerance bounds the mean gradient: 1e-4 x 9 rows on the summed one.
    for (const g of [...gw, ...gb]) expect(Math.abs(g)).toBeLessThan(9e-4);
    expect(model.fit!.gradientMax).toBeLessThan(1e-4);
  });

  it("a warm start from the previous model reaches the same optimum in fewer iterations", () => {
    const labels = Array.from({ length: 60 }, (_, i) => ["a", "b", "c", "d"][i % 4]!);
    const flat = new Float32Array(61 * DIMS);
    labels.forEach((_, i) => flat.set(around(i % 4, 1.5), i * DIMS));
    const before = SoftmaxRegression.train(flat.subarray(0, 60 * DIMS), labels, DIMS, { tolerance: 1e-7 });
    // One correction arrives: a fifth label's first example.
    flat.set(around(7), 60 * DIMS);
    const after = [...labels, "e"];
    const fresh = SoftmaxRegression.train(flat, after, DIMS, { tolerance: 1e-7 });
    const warm = SoftmaxRegression.train(flat, after, DIMS, { tolerance: 1e-7 }, before.state);
    expect(warm.fit!.converged && fresh.fit!.converged).toBe(true);
    expect(warm.fit!.objective).toBeCloseTo(fresh.fit!.objective, 6);
    expect(warm.fit!.iterations).toBeLessThan(fresh.fit!.iterations);
  });
});

describe("temperature from cross-validation", () => {
  it("makes the confidence honest on rows the model never saw", () => {
    const labels = ["a", "b", "c", "d", "e", "f"];
    const sample = (n: number) => {
      const flat = new Float32Array(n * DIMS);
      const ys: string[] = [];
      for (let i = 0; i < n; i++) {
        flat.set(around(i % labels.length, 0.8), i * DIMS);
        ys.push(labels[i % labels.length]!);
      }
      return { flat, ys };
    };
    const train = sample(5 * labels.length);
    const test = sample(600);
    // Expected calibration error of the top probability, 10 equal-width bins.
    const ece = (model: SoftmaxRegression) => {
      const bins = Array.from({ length: 10 }, () => ({ n: 0, right: 0, conf: 0 }));
      test.ys.forEach((gold, i) => {
        const p = softmax(model.scores(test.flat.subarray(i * DIMS, (i + 1) * DIMS)), 1).sort((x, y) => y.score - x.score)[0]!;
        const bin = bins[Math.min(9, Math.floor(p.score * 10))]!;
        bin.n++;
        bin.conf += p.score;
        if (p.label === gold) bin.right++;
      });
      return bins.reduce((sum, b) => sum + (b.n ? Math.abs(b.right - b.conf) : 0), 0) / test.ys.length;
    };
    const raw = SoftmaxRegression.train(train.flat, train.ys, DIMS, { calibrationFolds: 0 });
    const calibrated = SoftmaxRegression.train(train.flat, train.ys, DIMS);
    expect(raw.temperature).toBe(1);
    // At C=10 and 5 examples per label the raw probabilities are too modest: the fitted temperature sharpens them.
    expect(calibrated.temperature).toBeLessThan(1);
    expect(ece(calibrated)).toBeLessThan(ece(raw) / 2);
    expect(ece(calibrated)).toBeLessThan(0.1);
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
