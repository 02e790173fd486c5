import { createHash } from "node:crypto";

/**
 * Examples and their vectors are keyed by the text's hash, so a text is embedded once per model however many
 * fields or scopes label it. Only surrounding whitespace is dropped: anything else may change the embedding.
 */
export function textHash(text: string): string {
  return createHash("sha256").update(text.trim()).digest("hex");
}

/** float32 little-endian, the layout of a Float32Array on every platform Node runs on. */
export function vectorToBytes(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export function bytesToVector(b: Buffer | Uint8Array): Float32Array {
  // Copy: the driver's buffer may be a view into a larger pooled allocation with an unaligned offset.
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}
