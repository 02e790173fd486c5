import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { apiKeys, type ApiKey } from "@/db/schema";
import { AppError } from "@/server/errors";

import type { ApiScope } from "./scopes";

export { API_SCOPES, type ApiScope } from "./scopes";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/**
 * Keys verified in the last few seconds, by hash: a client sending hundreds of requests a second costs one lookup
 * per key every VERIFIED_TTL_MS instead of one (and a last-used write check) per request. Revoking in this process
 * drops the entry at once; another process refuses a revoked key within the TTL.
 */
const VERIFIED_TTL_MS = 5000;
const verified = new WeakMap<Db, Map<string, { row: ApiKey; at: number }>>();
const verifiedIn = (db: Db) => {
  let m = verified.get(db);
  if (!m) verified.set(db, (m = new Map()));
  return m;
};

/** Creates a key; the full secret is returned once and never stored. */
export async function createApiKey(db: Db, input: { name: string; scopes: ApiScope[]; createdBy: string | null }) {
  const name = input.name.trim();
  if (!name) throw new AppError("INVALID_INPUT", "Name the key.", { name: "Required" });
  if (!input.scopes.length) throw new AppError("INVALID_INPUT", "Pick at least one scope.", { scopes: "Required" });
  const prefix = randomBytes(6).toString("hex");
  const key = `dsk_${prefix}_${randomBytes(24).toString("base64url")}`;
  const [row] = await db
    .insert(apiKeys)
    .values({ name, prefix, hash: sha256(key), scopes: [...new Set(input.scopes)], createdBy: input.createdBy })
    .returning({ id: apiKeys.id, prefix: apiKeys.prefix });
  return { ...row!, key };
}

export async function revokeApiKey(db: Db, id: string) {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(eq(apiKeys.id, id))
    .returning({ id: apiKeys.id });
  if (!row) throw new AppError("NOT_FOUND", "API key not found.");
  const cache = verifiedIn(db);
  for (const [hash, v] of cache) if (v.row.id === id) cache.delete(hash);
}

export async function listApiKeys(db: Db) {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      scopes: apiKeys.scopes,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .orderBy(desc(apiKeys.createdAt));
}

/** The key from `Authorization: Bearer <key>` or `X-Api-Key`. */
export function keyFromHeaders(headers: Headers) {
  const auth = headers.get("authorization");
  if (auth?.toLowerCase().startsWith("bearer ")) return auth.slice(7).trim();
  return headers.get("x-api-key")?.trim() || null;
}

/** Authenticates a request's key and checks it carries `scope`. 401 for a missing/bad/revoked key, 403 for scope. */
export async function verifyApiKey(db: Db, headers: Headers, scope: ApiScope): Promise<ApiKey> {
  const key = keyFromHeaders(headers);
  const m = key ? /^dsk_([0-9a-f]{12})_[A-Za-z0-9_-]{32}$/.exec(key) : null;
  if (!key || !m) throw new AppError("UNAUTHORIZED", "Missing or malformed API key.");
  const hash = sha256(key);
  const cache = verifiedIn(db);
  const hit = cache.get(hash);
  const row = hit && Date.now() - hit.at < VERIFIED_TTL_MS ? hit.row : await lookUp(db, m[1]!, hash);
  if (row !== hit?.row) cache.set(hash, { row, at: Date.now() });
  if (!row.scopes.includes(scope)) throw new AppError("FORBIDDEN", `This key lacks the ${scope} scope.`);
  return row;
}

async function lookUp(db: Db, prefix: string, hash: string) {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.prefix, prefix));
  if (!row || !timingSafeEqual(Buffer.from(hash), Buffer.from(row.hash)) || row.revokedAt) {
    console.warn(`[api] rejected API key dsk_${prefix}_… (${row ? (row.revokedAt ? "revoked" : "wrong secret") : "unknown prefix"})`);
    throw new AppError("UNAUTHORIZED", "Invalid or revoked API key.");
  }
  // One write a minute per key at most: last-used is for humans, not an audit trail.
  await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - interval '1 minute'`))));
  return row;
}
