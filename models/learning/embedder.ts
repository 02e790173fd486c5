/**
 * Sentence embeddings through node-llama-cpp. Vectors come back L2-normalized, so a dot product is the cosine
 * similarity everywhere downstream (vector index, classifier).
 */
import type { Llama, LlamaEmbeddingContext, LlamaModel } from "node-llama-cpp";
import { resolveModel, type ModelEntry } from "@/models/catalog";
import { ensureModelFile } from "@/models/fetch";
import { llamaLogger } from "@/models/runtime/llama";

export interface EmbedderOptions {
  /** Catalog id or .gguf path. */
  model: string;
  /**
   * The id vectors are stored under (embeddings.model); defaults to the catalog id or path. A fine-tuned encoder
   * passes its registry id, so its vectors never mix with the base model's.
   */
  id?: string;
  /** For a fine-tuned file: the catalog model it was tuned from, whose window and prefixes still apply. */
  base?: string;
  /**
   * Thread budget (SLM_THREADS). Always explicit: node-llama-cpp defaults to 6 threads, ~100x slower on 2 cores.
   * Measured on 2 cores with MiniLM (short texts): 1 context x 2 threads 21.6 ms/text, 1 x 1 10.6 ms,
   * 2 x 1 6.3 ms, 2 x 2 138 ms. Thread sync costs more than a 6-layer model gains from it, so the budget
   * becomes that many single-threaded contexts.
   */
  threads: number;
  /** Reuse an existing Llama instance (one per process is enough). */
  llama?: Llama;
}

export class Embedder {
  readonly dimensions: number;
  readonly modelId: string;
  private next = 0;

  private constructor(
    private readonly model: LlamaModel,
    private readonly pool: LlamaEmbeddingContext[],
    private readonly entry: ModelEntry,
    private readonly maxTokens: number,
    id: string,
  ) {
    this.dimensions = model.embeddingVectorSize;
    this.modelId = id;
  }

  static async create(options: EmbedderOptions): Promise<Embedder> {
    const entry = resolveModel(options.base ?? options.model, "embedding");
    const modelPath = await ensureModelFile(options.model, { role: "embedding" });
    const llama = options.llama ?? (await (await import("node-llama-cpp")).getLlama({ logger: llamaLogger }));
    const model = await llama.loadModel({ modelPath });
    const contextSize = Math.min(entry.contextSize, model.trainContextSize);
    const pool: LlamaEmbeddingContext[] = [];
    for (let i = 0; i < Math.max(1, options.threads); i++) {
      // A BERT-style encoder sees the whole input in one batch, so the batch must hold a full context.
      pool.push(await model.createEmbeddingContext({ threads: 1, contextSize, batchSize: contextSize }));
    }
    // Room for [CLS] and [SEP], and the context refuses an input that fills it exactly.
    // A tuned file never takes its base's id: their vectors are not comparable.
    return new Embedder(model, pool, entry, contextSize - 3, options.id ?? (options.base ? options.model : entry.id));
  }

  /** Embeds a ticket or an example; long texts are cut at the model's window, as sentence-transformers does. */
  async embed(text: string, kind: "query" | "document" = "query"): Promise<Float32Array> {
    const ctx = this.pool[this.next++ % this.pool.length]!;
    const prefix = (kind === "query" ? this.entry.queryPrefix : this.entry.documentPrefix) ?? "";
    let tokens = this.model.tokenize(prefix + text);
    if (tokens.length > this.maxTokens) tokens = tokens.slice(0, this.maxTokens);
    const { vector } = await ctx.getEmbeddingFor(tokens);
    return normalize(Float32Array.from(vector));
  }

  /** Embeds many texts, keeping every context busy; results are in input order. */
  async embedMany(
    texts: readonly string[],
    options: { kind?: "query" | "document"; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<Float32Array[]> {
    const out = new Array<Float32Array>(texts.length);
    let cursor = 0;
    let done = 0;
    const worker = async () => {
      while (cursor < texts.length) {
        const i = cursor++;
        out[i] = await this.embed(texts[i]!, options.kind);
        options.onProgress?.(++done, texts.length);
      }
    };
    await Promise.all(this.pool.map(worker));
    return out;
  }

  async dispose(): Promise<void> {
    for (const ctx of this.pool) await ctx.dispose();
    await this.model.dispose();
  }
}

export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum);
  // A zero vector (empty input) stays zero: it is similar to nothing, which is what the classifier should see.
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}
