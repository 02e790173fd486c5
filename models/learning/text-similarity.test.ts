import { describe, expect, it } from "vitest";
import { chrF, rougeL } from "./text-similarity";

describe("text similarity", () => {
  it("chrF: identical is 100, disjoint is 0, whitespace does not count", () => {
    expect(chrF("Your order ships today.", "Your order ships today.")).toBe(100);
    expect(chrF("xyz", "abc")).toBe(0);
    expect(chrF("Your order  ships\ntoday.", "Your order ships today.")).toBe(100);
  });

  it("chrF matches sacrebleu's sentence chrF on a known pair", () => {
    // Computed with sacrebleu 2 (CHRF().sentence_score(hypothesis, [reference]).score).
    expect(chrF("the cat sat on the mat", "the cat is on the mat")).toBeCloseTo(64.5779, 3);
    const hyp = "Thank you for reaching out. To cancel, go to Orders.";
    expect(chrF(hyp, "To cancel your order, open Orders and click Cancel. Thank you!")).toBeCloseTo(35.3845, 3);
  });

  it("ROUGE-L is the F-measure of the longest common word subsequence", () => {
    // LCS("the cat sat on the mat", "the cat is on the mat") = the cat on the mat (5 of 6 words each side).
    expect(rougeL("the cat sat on the mat", "The cat is on the mat!")).toBeCloseTo((100 * 5) / 6, 5);
    expect(rougeL("", "something")).toBe(0);
  });
});
