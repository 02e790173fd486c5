import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { embeddings } from "@/db/schema";
import type { Embedder } from "@/models/learning/embedder";
import { bytesToVector, textHash } from "./vectors";

const LOOKUP_CHUNK = 1000;

/**
 * Vectors for many texts: the ones already stored for this model come from the database, the rest are embedded in
 * batches across the embedder's contexts. Nothing is written here; the caller stores new vectors with its examples,
 * in its own transaction. Returns vectors in input order and which ones are new.
 */
export async function embedWithCache(
  db: DbOrTx,
  embedder: Embedder,
  texts: readonly string[],
  onProgress?: (done: number, total: number) => void,
): Promise<{ vectors: Float32Array[]; isNew: boolean[] }> {
  const hashes = texts.map(textHash);
  const known = new Map<string, Float32Array>();
  const unique = [...new Set(hashes)];
  for (let i = 0; i < unique.length; i += LOOKUP_CHUNK) {
    const rows = await db
      .select({ textHash: embeddings.textHash, vector: embeddings.vector })
      .from(embeddings)
      .where(and(eq(embeddings.model, embedder.modelId), inArray(embeddings.textHash, unique.slice(i, i + LOOKUP_CHUNK))));
    for (const r of rows) known.set(r.textHash, bytesToVector(r.vector));
  }
  const todo = new Map<string, string>();
  hashes.forEach((h, i) => {
    if (!known.has(h) && !todo.has(h)) todo.set(h, texts[i]!.trim());
  });
  const cached = hashes.filter((h) => !todo.has(h)).length;
  onProgress?.(cached, hashes.length);
  const fresh = await embedder.embedMany([...todo.values()], {
    kind: "query",
    onProgress: onProgress ? (done) => onProgress(cached + done, hashes.length) : undefined,
  });
  [...todo.keys()].forEach((h, i) => known.set(h, fresh[i]!));
  const seen = new Set<string>();
  return {
    vectors: hashes.map((h) => known.get(h)!),
    // Only the first occurrence of a new text is marked, so it is inserted once.
    isNew: hashes.map((h) => todo.has(h) && !seen.has(h) && seen.add(h) !== undefined),
  };
}
