import { ZodError, z } from "zod";
import { AppError } from "@/server/errors";

/**
 * Reads a request body up to `max` bytes. Refuses early on a declared Content-Length, and stops reading a
 * chunked body as soon as it passes the limit, so an oversized upload never sits whole in memory.
 */
export async function readBodyLimited(req: Request, max: number): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > max) throw new AppError("TOO_LARGE", `Body over the ${max}-byte limit.`);
  if (!req.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new AppError("TOO_LARGE", `Body over the ${max}-byte limit.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

/** Typed errors become their HTTP status; anything else is logged and answered generically. */
export function errorResponse(err: unknown, where: string) {
  if (err instanceof AppError) {
    return json(err.httpStatus, { error: { code: err.code, message: err.message, fields: err.fields ?? null } });
  }
  if (err instanceof ZodError) {
    return json(400, { error: { code: "INVALID_INPUT", message: z.prettifyError(err), fields: null } });
  }
  console.error(`[http] ${where}:`, err);
  return json(500, { error: { code: "INTERNAL", message: "Something went wrong; it has been logged.", fields: null } });
}

export function parseJson(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString("utf8"));
  } catch {
    throw new AppError("INVALID_INPUT", "The body is not valid JSON.");
  }
}
