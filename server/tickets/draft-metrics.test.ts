import { describe, expect, it } from "vitest";
import { chrF, editDistance } from "./draft-metrics";

describe("draft metrics", () => {
  it("measures Levenshtein distance in characters", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("same", "same")).toBe(0);
  });

  it("scores chrF like sacrebleu: 100 for the same text, lower the more it was rewritten", () => {
    expect(chrF("Thanks, we refunded you.", "Thanks, we refunded you.")).toBeCloseTo(100);
    // sacrebleu 2.5.1: sentence_chrf("the cat sat on the mat", ["the cat is on the mat"]).score == 64.578
    expect(chrF("the cat sat on the mat", "the cat is on the mat")).toBeCloseTo(64.58, 1);
    expect(chrF("Completely different words", "Nothing alike here at all")).toBeLessThan(30);
  });
});
