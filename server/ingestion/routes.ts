import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { webhookSources } from "@/db/schema";
import { env } from "@/config/env";
import { AppError } from "@/server/errors";
import { verifyApiKey } from "./api/keys";
import { errorResponse, json, readBodyLimited } from "./http";
import { ingest, type IngestResult } from "./pipeline";
import { verifyWebhookSignature } from "./webhooks/verify";

/** The inbound HTTP endpoints (route files under app/api/ingest only forward here): verify → store raw → process → respond. */

function accepted(r: IngestResult) {
  // A stored item that failed to process is still accepted (kept, listed, replayable): the sender must not resend it.
  return json(r.status === "processed" ? 201 : r.status === "received" ? 202 : 200, {
    inboundId: r.rawId,
    status: r.status,
    ticketId: r.ticketId,
    ticketNumber: r.ticketNumber,
    messageId: r.messageId,
    reason: r.reason,
  });
}

/** POST /api/ingest/email: one raw RFC 822 message as the body; API key with the ingest:email scope. */
export async function ingestEmailHttp(req: Request) {
  try {
    const key = await verifyApiKey(getDb(), req.headers, "ingest:email");
    const bytes = await readBodyLimited(req, env.INGEST_MAX_BYTES);
    if (bytes.length === 0) throw new AppError("INVALID_INPUT", "Empty body: send the raw message (message/rfc822).");
    return accepted(await ingest(getDb(), { kind: "email", source: "http:email", bytes, contentType: "message/rfc822", meta: { keyPrefix: key.prefix } }));
  } catch (err) {
    if (err instanceof AppError && err.code === "TOO_LARGE") console.warn(`[ingest] http email refused: ${err.message}`);
    return errorResponse(err, "ingest email");
  }
}

/** POST /api/ingest/webhooks/<source>: a helpdesk event, HMAC-signed with that source's secret. */
export async function ingestWebhookHttp(req: Request, sourceName: string) {
  try {
    const db = getDb();
    const [source] = await db.select().from(webhookSources).where(eq(webhookSources.name, sourceName));
    if (!source || source.disabledAt) throw new AppError("NOT_FOUND", "Unknown webhook source.");
    const bytes = await readBodyLimited(req, env.INGEST_MAX_BYTES);
    if (!verifyWebhookSignature(source.kind, source.secret, bytes, req.headers)) {
      console.warn(`[ingest] webhook ${sourceName}: bad or missing signature (${bytes.length} bytes) — rejected`);
      throw new AppError("UNAUTHORIZED", "Bad or missing signature.");
    }
    return accepted(
      await ingest(db, {
        kind: "webhook",
        source: `webhook:${sourceName}`,
        bytes,
        contentType: req.headers.get("content-type"),
        meta: { sourceName, sourceKind: source.kind },
        // Helpdesks retry deliveries: the same body from the same source is one event, stored once.
        dedupeKey: `webhook:${sourceName}:${createHash("sha256").update(bytes).digest("hex")}`,
      }),
    );
  } catch (err) {
    if (err instanceof AppError && err.code === "TOO_LARGE") console.warn(`[ingest] webhook ${sourceName} refused: ${err.message}`);
    return errorResponse(err, `webhook ${sourceName}`);
  }
}
