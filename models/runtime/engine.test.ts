import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlmError, type SlmEngine } from "./engine";
import { loadTestEngine } from "@/test/test-engine";

const SYSTEM = "You are a helpful assistant. Answer in one short sentence.";
const PROMPTS = ["What colour is the sky?", "Name a fruit that is yellow.", "What do cows drink?"];

describe("SlmEngine (real model)", () => {
  let engine: SlmEngine;
  beforeAll(async () => {
    engine = await loadTestEngine({ sequences: PROMPTS.length });
  });
  afterAll(async () => {
    await engine?.dispose();
  });

  it("runs N concurrent calls on N sequences at once, each answering its own prompt", async () => {
    const together = await Promise.all(PROMPTS.map((prompt) => engine.generate({ label: "test", system: SYSTEM, prompt, maxTokens: 16, timeoutMs: 120_000 })));
    // Batched and sequential evaluation round differently in llama.cpp, so the texts need not match a one-at-a-time
    // run word for word; what must hold: every call got its own answer, and none queued behind another for a sequence.
    expect(new Set(together.map((r) => r.text)).size).toBe(PROMPTS.length);
    for (const r of together) {
      expect(r.text.trim().length).toBeGreaterThan(0);
      expect(r.usage.completionTokens).toBeGreaterThan(0);
      expect(r.usage.completionTokens).toBeLessThanOrEqual(16);
    }
    expect(Math.max(...together.map((r) => r.timings.waitMs))).toBeLessThan(Math.min(...together.map((r) => r.timings.totalMs)));
  });

  it("streams text in order: the pieces add up to the answer", async () => {
    const pieces: string[] = [];
    const r = await engine.generate({ label: "test", system: SYSTEM, prompt: "Say hello to Maria.", maxTokens: 20, timeoutMs: 120_000, onText: (t) => pieces.push(t) });
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join("")).toBe(r.text);
  });

  it("reuses the evaluated system prompt on the next call", async () => {
    const prompt = "What is two plus two?";
    await engine.generate({ label: "test", system: SYSTEM, prompt: "Warm up.", maxTokens: 2, timeoutMs: 120_000 });
    const r = await engine.generate({ label: "test", system: SYSTEM, prompt, maxTokens: 2, timeoutMs: 120_000 });
    const systemTokens = engine.model.tokenize(SYSTEM).length;
    expect(r.usage.cachedPromptTokens).toBeGreaterThanOrEqual(systemTokens);
    expect(r.usage.promptTokens).toBeLessThan(r.usage.cachedPromptTokens);
  });

  it("turns an abort and a timeout into typed errors and keeps the sequence usable", async () => {
    const controller = new AbortController();
    const call = engine.generate({ label: "test", system: SYSTEM, prompt: "Tell a long story about a ship.", maxTokens: 400, timeoutMs: 120_000, signal: controller.signal, onText: () => controller.abort() });
    await expect(call).rejects.toMatchObject({ name: "SlmError", kind: "aborted" });
    const timedOut = engine.generate({ label: "test", system: SYSTEM, prompt: "Tell a long story about a train.", maxTokens: 400, timeoutMs: 1 });
    await expect(timedOut).rejects.toBeInstanceOf(SlmError);
    await expect(timedOut).rejects.toMatchObject({ kind: "timeout" });
    const after = await engine.generate({ label: "test", system: SYSTEM, prompt: PROMPTS[0]!, maxTokens: 8, timeoutMs: 120_000 });
    expect(after.text.length).toBeGreaterThan(0);
  });
});
