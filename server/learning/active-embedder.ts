import type { Llama } from "node-llama-cpp";
import type { DbOrTx } from "@/db/client";
import { Embedder } from "@/models/learning/embedder";
import { activeEncoder, type ActiveEncoder } from "./encoders";

/**
 * Loads the active encoder (encoders.ts). Kept apart so that asking which encoder is active, as the admin page does,
 * does not pull the model runtime and models/fetch.ts into the web server's bundle.
 */
export async function createActiveEmbedder(
  db: DbOrTx,
  opts: { threads: number; llama?: Llama; scope?: string; log?: (line: string) => void },
): Promise<{ embedder: Embedder; active: ActiveEncoder }> {
  const active = await activeEncoder(db, opts);
  const embedder = await Embedder.create({ model: active.model, id: active.id, base: active.base, threads: opts.threads, llama: opts.llama });
  return { embedder, active };
}
