import os from "node:os";
import { getLlama, LlamaCompletion, type Llama } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Embedder } from "@/models/learning/embedder";
import { MODEL_CATALOG, resolveModel, UnknownModelError } from "./catalog";
import { ensureModelFile, sha256File } from "./fetch";

const threads = Math.min(2, os.availableParallelism());
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe("model catalog", () => {
  it("resolves ids and .gguf paths, rejects anything else", () => {
    expect(resolveModel("all-minilm-l6-v2").role).toBe("embedding");
    expect(resolveModel("/tmp/x.gguf", "embedding").source).toEqual({ kind: "file", path: "/tmp/x.gguf" });
    expect(() => resolveModel("gpt-5")).toThrow(UnknownModelError);
    expect(new Set(MODEL_CATALOG.map((m) => m.id)).size).toBe(MODEL_CATALOG.length);
  });
});

describe("default models", { timeout: 600_000 }, () => {
  let llama: Llama;
  let embedder: Embedder;
  beforeAll(async () => {
    llama = await getLlama({ build: "never" });
    embedder = await Embedder.create({ model: "all-minilm-l6-v2", threads, llama });
  });
  afterAll(async () => {
    await embedder?.dispose();
  });

  it.each(["smollm2-135m-instruct", "all-minilm-l6-v2"] as const)("%s is cached with its pinned sha256", async (id) => {
    const file = await ensureModelFile(id);
    const entry = resolveModel(id);
    expect(await sha256File(file)).toBe(entry.sha256);
  });

  it("chat model generates text", async () => {
    const model = await llama.loadModel({ modelPath: await ensureModelFile("smollm2-135m-instruct") });
    const context = await model.createContext({ threads, contextSize: 512 });
    const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
    const text = await completion.generateCompletion("The capital of France is", { maxTokens: 4 });
    expect(text.trim().length).toBeGreaterThan(0);
    await context.dispose();
    await model.dispose();
  });

  it("embeddings are 384-d unit vectors that rank a paraphrase above an unrelated text", async () => {
    const [charged, double, weather] = await embedder.embedMany([
      "I was charged twice",
      "double charge on my card",
      "what's the weather",
    ]);
    expect(charged!.length).toBe(384);
    expect(Math.sqrt(dot(charged!, charged!))).toBeCloseTo(1, 4);
    expect(dot(charged!, double!)).toBeGreaterThan(dot(charged!, weather!) + 0.3);
  });

  it("embeds a text longer than the model window instead of failing", async () => {
    const v = await embedder.embed("refund please ".repeat(400));
    expect(v.length).toBe(384);
    expect(Number.isFinite(v[0]!)).toBe(true);
  });
});
