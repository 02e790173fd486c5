import { ZodError, z } from "zod";
import { cleanDeep } from "@/server/clean-input";
import { AppError, publicMessage, reportError } from "@/server/errors";

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

/**
 * The error boundary of every HTTP route: typed errors become their status; anything else is logged by kind and id
 * only (never its message: a driver error quotes the query and its values) and answered generically with that id.
 * An unreachable database is a 503 with Retry-After, so clients retry instead of giving up.
 */
export function errorResponse(err: unknown, where: string) {
  if (err instanceof AppError && err.code !== "INTERNAL" && err.code !== "UNAVAILABLE") {
    return json(err.httpStatus, { error: { code: err.code, message: err.message, fields: err.fields ?? null } });
  }
  if (err instanceof ZodError) {
    return json(400, { error: { code: "INVALID_INPUT", message: z.prettifyError(err), fields: null } });
  }
  const r = reportError(`http ${where}`, err);
  const status = r.code === "UNAVAILABLE" ? 503 : 500;
  return json(status, { error: { code: r.code, message: publicMessage(r), errorId: r.id, fields: null } }, status === 503 ? { "retry-after": "5" } : {});
}

/** A JSON body, with every string cleaned (see server/clean-input.ts). */
export function parseJson(buf: Buffer): unknown {
  try {
    return cleanDeep(JSON.parse(buf.toString("utf8")));
  } catch {
    throw new AppError("INVALID_INPUT", "The body is not valid JSON.");
  }
}

/**
 * For handlers that read the body themselves (tRPC, next-auth): a 413 response when the body is over `max`,
 * else the request with its body read (at most `max` bytes held) so the handler cannot read more.
 */
export async function limitRequest(req: Request, max: number): Promise<Request | Response> {
  if (req.method === "GET" || req.method === "HEAD") return req;
  try {
    const body = await readBodyLimited(req, max);
    return new Request(req.url, { method: req.method, headers: req.headers, body: new Uint8Array(body), signal: req.signal });
  } catch (err) {
    return errorResponse(err, "body");
  }
}
