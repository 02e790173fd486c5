import { createHmac, timingSafeEqual } from "node:crypto";
import type { WebhookKind } from "@/db/schema";

function safeEqual(a: string, b: string) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Checks a webhook's HMAC-SHA256 signature over the exact bytes received.
 * - zendesk: Zendesk's own scheme, base64(HMAC(timestamp + body)) in X-Zendesk-Webhook-Signature,
 *   the timestamp in X-Zendesk-Webhook-Signature-Timestamp.
 * - freshdesk, generic: "sha256=<hex HMAC(body)>" in X-Deskling-Signature (Freshdesk cannot sign; put the value
 *   in the rule's custom headers via a relay, or use the generic shape).
 */
export function verifyWebhookSignature(kind: WebhookKind, secret: string, body: Buffer, headers: Headers): boolean {
  if (kind === "zendesk") {
    const sig = headers.get("x-zendesk-webhook-signature");
    const ts = headers.get("x-zendesk-webhook-signature-timestamp");
    if (!sig || !ts) return false;
    const expected = createHmac("sha256", secret).update(ts).update(body).digest("base64");
    return safeEqual(sig, expected);
  }
  const sig = headers.get("x-deskling-signature");
  if (!sig) return false;
  return safeEqual(sig, `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
}

/** The header(s) a sender sets: used by tests and by the docs' examples. */
export function signWebhook(kind: WebhookKind, secret: string, body: string | Buffer, timestamp = new Date().toISOString()): Record<string, string> {
  if (kind === "zendesk") {
    return {
      "x-zendesk-webhook-signature": createHmac("sha256", secret).update(timestamp).update(body).digest("base64"),
      "x-zendesk-webhook-signature-timestamp": timestamp,
    };
  }
  return { "x-deskling-signature": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}` };
}
