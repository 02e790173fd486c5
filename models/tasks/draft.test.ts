import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SlmEngine } from "../runtime/engine";
import { loadTestEngine } from "@/test/test-engine";
import { DEFAULT_TONE, draftReply } from "./draft";

describe("draft reply (real model)", () => {
  let engine: SlmEngine;
  beforeAll(async () => {
    engine = await loadTestEngine({ sequences: 1 });
  });
  afterAll(async () => {
    await engine?.dispose();
  });

  it("does not loop on one sentence (the default model did, without a repeat penalty)", async () => {
    const r = await draftReply(
      engine,
      {
        subject: "Cancel order #123842",
        thread: [{ from: "customer", text: "i dont know how to cancel order 00123842" }],
        triage: { category: "Cancellation fee", summary: "The customer wants to cancel an order." },
        tone: DEFAULT_TONE,
      },
      { timeoutMs: 300_000, maxTokens: 160 },
    );
    const sentences = r.text.split(/(?<=[.!?])\s+/).map((s) => s.trim().toLowerCase()).filter((s) => s.length > 10);
    expect(sentences.length).toBeGreaterThan(0);
    const counts = new Map<string, number>();
    for (const s of sentences) counts.set(s, (counts.get(s) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
  });
});
