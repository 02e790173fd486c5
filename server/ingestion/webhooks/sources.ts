import { randomBytes } from "node:crypto";
import { asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { webhookSources, type WebhookKind } from "@/db/schema";
import { AppError } from "@/server/errors";

/** Registers a helpdesk; its signing secret is returned once (paste it into the helpdesk). */
export async function createWebhookSource(db: Db, input: { name: string; kind: WebhookKind; secret?: string }) {
  const name = input.name.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name)) {
    throw new AppError("INVALID_INPUT", "Use lower-case letters, digits and dashes.", { name: "Letters, digits, dashes" });
  }
  const secret = input.secret ?? randomBytes(32).toString("base64url");
  const [row] = await db.insert(webhookSources).values({ name, kind: input.kind, secret }).onConflictDoNothing().returning({ id: webhookSources.id });
  if (!row) throw new AppError("CONFLICT", `A source named "${name}" exists.`, { name: "Taken" });
  return { id: row.id, name, kind: input.kind, secret, url: `/api/ingest/webhooks/${name}` };
}

export async function listWebhookSources(db: Db) {
  return db
    .select({
      id: webhookSources.id,
      name: webhookSources.name,
      kind: webhookSources.kind,
      createdAt: webhookSources.createdAt,
      disabledAt: webhookSources.disabledAt,
      // The token is write-only: admins see where results go, never the credential.
      writebackUrl: webhookSources.writebackUrl,
    })
    .from(webhookSources)
    .orderBy(asc(webhookSources.name));
}

export async function disableWebhookSource(db: Db, id: string) {
  const [row] = await db
    .update(webhookSources)
    .set({ disabledAt: sql`coalesce(${webhookSources.disabledAt}, now())` })
    .where(eq(webhookSources.id, id))
    .returning({ id: webhookSources.id });
  if (!row) throw new AppError("NOT_FOUND", "Webhook source not found.");
}

/** Sets (url + token) or clears (null) where a source's triage results are written back (webhooks/writeback.ts). */
export async function setWebhookWriteback(db: Db, id: string, target: { url: string; token: string } | null) {
  let url: string | null = null;
  if (target) {
    const parsed = URL.canParse(target.url) ? new URL(target.url) : null;
    if (!parsed || (parsed.protocol !== "https:" && parsed.protocol !== "http:") || parsed.username || parsed.password) {
      throw new AppError("INVALID_INPUT", "The base URL must be an http(s) URL without credentials.", { url: "http(s)://host[/path]" });
    }
    if (!target.token.trim()) throw new AppError("INVALID_INPUT", "An API token is required.", { token: "Required" });
    url = parsed.href.replace(/\/+$/, "");
  }
  const [row] = await db
    .update(webhookSources)
    .set({ writebackUrl: url, writebackToken: target ? target.token.trim() : null })
    .where(eq(webhookSources.id, id))
    .returning({ id: webhookSources.id });
  if (!row) throw new AppError("NOT_FOUND", "Webhook source not found.");
  return { id, writebackUrl: url };
}
