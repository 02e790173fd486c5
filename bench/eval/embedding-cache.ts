/**
 * Embeddings of evaluation texts, cached in models/.cache/eval-embeddings keyed by model and the texts' hash,
 * so classifier experiments re-run in seconds instead of re-encoding ~28k texts.
 *
 * The model key is the file's content, not its name: a fine-tuned encoder re-exported to the same path, or two
 * catalog pins of one id, never read each other's vectors.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { Embedder } from "@/models/learning/embedder";
import { resolveModel } from "@/models/catalog";
import { MODEL_CACHE_DIR, sha256File } from "@/models/fetch";

export interface EmbeddingMatrix {
  dims: number;
  /** Row-major, one L2-normalized vector per text. */
  data: Float32Array;
}

const modelKeys = new Map<string, Promise<string>>();

/**
 * The model's sha256: a catalog pin, or a .gguf file's own hash (once per process). So a file named by path and
 * the same bytes named by catalog id share vectors. Unpinned catalog entries (hf:) fall back to their id.
 */
export function embeddingModelKey(idOrPath: string): Promise<string> {
  let key = modelKeys.get(idOrPath);
  if (!key) {
    const entry = resolveModel(idOrPath, "embedding");
    key =
      entry.source.kind === "file"
        ? sha256File(entry.source.path).then((sha) => `sha256:${sha}`)
        : Promise.resolve(entry.sha256 ? `sha256:${entry.sha256}` : `id:${entry.id}`);
    modelKeys.set(idOrPath, key);
  }
  return key;
}

export async function cachedEmbeddings(
  name: string,
  texts: readonly string[],
  getEmbedder: () => Promise<Embedder>,
  log: (line: string) => void = () => {},
): Promise<EmbeddingMatrix> {
  const embedder = await getEmbedder();
  const modelKey = await embeddingModelKey(embedder.modelId);
  const hash = createHash("sha256").update(modelKey).update("\0").update(texts.join("\n")).digest("hex").slice(0, 16);
  const file = path.join(MODEL_CACHE_DIR, "eval-embeddings", `${name}-${hash}.f32`);
  const dims = embedder.dimensions;
  if (existsSync(file)) {
    const buf = await readFile(file);
    return { dims, data: new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4) };
  }
  const started = Date.now();
  const vectors = await embedder.embedMany(texts, {
    onProgress: (done, total) => {
      if (done % 1000 === 0 || done === total) log(`${name}: ${done}/${total} (${((Date.now() - started) / done).toFixed(1)} ms/text)`);
    },
  });
  const data = new Float32Array(texts.length * dims);
  vectors.forEach((v, i) => data.set(v, i * dims));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, Buffer.from(data.buffer));
  await rename(`${file}.tmp`, file);
  return { dims, data };
}
