import { describe, expect, it } from "vitest";
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
