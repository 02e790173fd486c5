import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "@/config/env";
import { Embedder } from "./embedder";
import { seededRandom } from "./random";
import { VectorIndex } from "./vector-index";

describe("VectorIndex", () => {
  it("returns the top-k by cosine similarity, best first, ignoring vector length", () => {
    const index = new VectorIndex(3, 1);
    index.add("a", "billing", [1, 0, 0]);
    index.add("b", "billing", [10, 1, 0]);
    index.add("c", "shipping", [0, 1, 0]);
    index.add("d", "other", [0, 0, 1]);
    const hits = index.search([3, 0.2, 0], 2);
    expect(hits.map((h) => h.id)).toEqual(["b", "a"]);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    expect(hits[1]!.score).toBeCloseTo(3 / Math.hypot(3, 0.2), 5);
    expect(index.capacity).toBeGreaterThanOrEqual(4);
  });

  it("replaces an existing id and removes by swapping the last row in", () => {
    const index = new VectorIndex(2);
    index.add("a", "x", [1, 0]);
    index.add("b", "y", [0, 1]);
    index.add("c", "z", [1, 1]);
    index.add("a", "x2", [0, 1]);
    expect(index.size).toBe(3);
    expect(index.get("a")!.label).toBe("x2");
    expect(index.remove("a")).toBe(true);
    expect(index.remove("a")).toBe(false);
    expect(index.size).toBe(2);
    // "c" was moved into row 0: its vector and label must have come along.
    expect(index.get("c")!.label).toBe("z");
    expect(index.search([1, 1], 1)[0]).toMatchObject({ id: "c", label: "z" });
    expect(index.search([0, 1], 5).map((h) => h.id)).toEqual(["b", "c"]);
  });

  it("grows past its initial capacity without losing rows", () => {
    const index = new VectorIndex(4, 2);
    for (let i = 0; i < 100; i++) index.add(`e${i}`, `l${i % 3}`, [i + 1, 1, 0, 0]);
    expect(index.size).toBe(100);
    expect(index.search([1, 0, 0, 0], 1)[0]!.id).toBe("e99");
    expect(index.search([1, 1, 0, 0], 1)[0]!.id).toBe("e0");
  });

  it("rejects vectors of the wrong dimension and handles an empty index", () => {
    const index = new VectorIndex(3);
    expect(index.search([1, 0, 0], 5)).toEqual([]);
    expect(() => index.add("a", "x", [1, 2])).toThrow(/dims/);
  });
});

describe("VectorIndex on real embeddings (int8 rows)", () => {
  // Near-paraphrases on purpose: the int8 rounding matters most where neighbours are close.
  const TEXTS = [
    "I was charged twice for the same order",
    "There are two payments for one purchase on my card",
    "My invoice shows the wrong amount",
    "The bill I received is higher than the price I was quoted",
    "Can I get a refund for my last order?",
    "I want my money back, the product broke after a day",
    "Where is my package? The tracking has not moved in a week",
    "My parcel still has not arrived",
    "The parcel was delivered to the wrong address",
    "The courier left my box at my neighbour's house",
    "When will my order arrive?",
    "How long does shipping to Canada take?",
    "I forgot my password and cannot log in",
    "The password reset email never arrives",
    "How do I delete my account?",
    "Please close my account and remove my data",
    "I want to change the email address on my profile",
    "How do I update my phone number?",
    "The app crashes when I open my invoice",
    "The website shows an error when I click checkout",
    "Can I upgrade my plan to the yearly subscription?",
    "Please cancel my monthly subscription",
    "Do you ship to Australia?",
    "Is this jacket available in a larger size?",
  ];
  let embedder: Embedder;
  let vectors: Float32Array[];

  beforeAll(async () => {
    embedder = await Embedder.create({ model: env.EMBED_MODEL, threads: env.SLM_THREADS });
    vectors = await embedder.embedMany(TEXTS, { kind: "query" });
  });
  afterAll(async () => {
    await embedder?.dispose();
  });

  const cosine = (a: Float32Array, b: Float32Array) => {
    let dot = 0, na = 0, nb = 0;
    for (let i = 0; i < a.length; i++) {
      dot += a[i]! * b[i]!;
      na += a[i]! * a[i]!;
      nb += b[i]! * b[i]!;
    }
    return dot / Math.sqrt(na * nb);
  };

  it("ranks neighbours as float32 search does, with scores within 2e-3", () => {
    const index = new VectorIndex(embedder.dimensions);
    TEXTS.forEach((t, i) => index.add(`t${i}`, t, vectors[i]!));
    // Each text asks for its neighbours with itself left out, so the top hit is a genuine, close competitor.
    for (let q = 0; q < TEXTS.length; q++) {
      const exact = TEXTS.map((_, i) => ({ id: `t${i}`, score: cosine(vectors[q]!, vectors[i]!) }))
        .filter((h) => h.id !== `t${q}`)
        .sort((a, b) => b.score - a.score);
      const hits = index.search(vectors[q]!, 4).filter((h) => h.id !== `t${q}`);
      expect(hits[0]!.id).toBe(exact[0]!.id);
      for (const h of hits) expect(Math.abs(h.score - exact.find((e) => e.id === h.id)!.score)).toBeLessThan(2e-3);
    }
    // A stored vector comes back normalized and within rounding of the original.
    const back = index.get("t0")!.vector;
    expect(cosine(back, vectors[0]!)).toBeGreaterThan(0.9999);
  });

  it("samples distinct rows with their labels", () => {
    const index = new VectorIndex(embedder.dimensions);
    TEXTS.forEach((t, i) => index.add(`t${i}`, t, vectors[i]!));
    const d = embedder.dimensions;
    const { rows, labels } = index.sample(10, seededRandom(3));
    expect(labels).toHaveLength(10);
    expect(new Set(labels).size).toBe(10);
    for (let i = 0; i < labels.length; i++) {
      const row = Float32Array.from(rows.data.subarray(i * d, (i + 1) * d), (x) => x * rows.scale[i]!);
      expect(cosine(row, vectors[TEXTS.indexOf(labels[i]!)]!)).toBeGreaterThan(0.9999);
      expect(Math.hypot(...row)).toBeCloseTo(1, 2);
    }
    // Asking for more than there is gives every row, in storage order.
    expect(index.sample(100, seededRandom(3)).labels).toEqual(TEXTS);
  });
});
