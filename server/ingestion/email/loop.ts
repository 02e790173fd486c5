/**
 * Recognizes mail that no human wrote: auto-replies, bounces and bulk mail. Such mail must never open a
 * ticket nor be answered, or two auto-responders can mail each other forever (RFC 3834).
 */
export type AutomatedKind = "auto-reply" | "bounce" | "bulk";

export interface LoopFacts {
  /** Lower-cased header name → value (first occurrence). */
  headers: Record<string, string>;
  /** SMTP MAIL FROM; "" for the null sender <>. Undefined when unknown (IMAP, HTTP). */
  envelopeFrom?: string;
  fromAddress?: string;
  contentType?: string;
}

const DAEMON = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;

export function detectAutomated(f: LoopFacts): { kind: AutomatedKind; reason: string } | null {
  const h = f.headers;
  const ct = (f.contentType ?? h["content-type"] ?? "").toLowerCase();
  if (ct.startsWith("multipart/report") && /report-type\s*=\s*"?(delivery-status|disposition-notification)/.test(ct)) {
    return { kind: "bounce", reason: "delivery or read report (multipart/report)" };
  }
  if (f.envelopeFrom === "" || /^\s*<\s*>\s*$/.test(h["return-path"] ?? "x")) {
    return { kind: "bounce", reason: "null sender <>" };
  }
  if (f.fromAddress && DAEMON.test(f.fromAddress)) return { kind: "bounce", reason: `sent by ${f.fromAddress}` };
  const autoSubmitted = h["auto-submitted"]?.trim().toLowerCase();
  if (autoSubmitted && !autoSubmitted.startsWith("no")) return { kind: "auto-reply", reason: `Auto-Submitted: ${autoSubmitted}` };
  if (h["x-autoreply"] || h["x-autorespond"] || h["x-autoresponder"]) return { kind: "auto-reply", reason: "X-Autoreply header" };
  const suppress = h["x-auto-response-suppress"]?.toLowerCase() ?? "";
  if (/\b(all|autoreply|oof)\b/.test(suppress) && /^(automatic reply|auto:|out of office)/i.test(h["subject"] ?? "")) {
    return { kind: "auto-reply", reason: "Outlook automatic reply" };
  }
  const precedence = h["precedence"]?.trim().toLowerCase();
  if (precedence && ["bulk", "junk", "list", "auto_reply"].includes(precedence)) {
    return { kind: precedence === "auto_reply" ? "auto-reply" : "bulk", reason: `Precedence: ${precedence}` };
  }
  if (h["list-id"] || h["list-unsubscribe"]) return { kind: "bulk", reason: "mailing list (List-Id / List-Unsubscribe)" };
  return null;
}
