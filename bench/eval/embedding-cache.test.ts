import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ensureModelFile } from "@/models/fetch";
import { embeddingModelKey } from "./embedding-cache";

describe("embeddingModelKey", () => {
  it("keys a .gguf path on its content: the same bytes share a key, different bytes never do", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "emb-key-"));
    const a = path.join(dir, "a.gguf");
    const copy = path.join(dir, "copy.gguf");
    const b = path.join(dir, "b.gguf");
    await writeFile(a, "encoder v1");
    await writeFile(copy, "encoder v1");
    await writeFile(b, "encoder v2");
    const [ka, kcopy, kb] = await Promise.all([embeddingModelKey(a), embeddingModelKey(copy), embeddingModelKey(b)]);
    expect(ka).toBe(kcopy);
    expect(kb).not.toBe(ka);
  });

  it("gives a catalog id and its file named by path the same key, so they share cached vectors", async () => {
    const file = await ensureModelFile("all-minilm-l6-v2", { role: "embedding" });
    const byId = await embeddingModelKey("all-minilm-l6-v2");
    expect(byId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await embeddingModelKey(file)).toBe(byId);
  });
});
