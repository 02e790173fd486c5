import { createHash } from "node:crypto";
import { simpleParser, type AddressObject } from "mailparser";
import sanitizeHtml from "sanitize-html";
import { env } from "@/config/env";
import { detectAutomated, type AutomatedKind } from "./loop";
import { splitReply } from "./quote";

export interface ParsedEmail {
  from: { email: string; name: string | null };
  subject: string;
  /** The new text: quoted history and signature removed. */
  text: string;
  /** The whole text body, quotes included. */
  fullText: string;
  /** Sanitized: safe to render in the agent UI. */
  html: string | null;
  messageId: string;
  /** True when the mail had no Message-ID and one was derived from its bytes (so re-fetches still dedupe). */
  messageIdSynthetic: boolean;
  inReplyTo: string | null;
  references: string[];
  /** Lower-cased names, for display and audit. */
  headers: Record<string, string>;
  attachments: { filename: string; contentType: string; content: Buffer }[];
  /** Attachments not stored (over the count limit); still present in the raw message. */
  skippedAttachments: number;
  automated: { kind: AutomatedKind; reason: string } | null;
}

const KEPT_HEADERS = ["from", "to", "cc", "reply-to", "subject", "date", "message-id", "in-reply-to", "auto-submitted", "precedence"];

export class UnparseableEmail extends Error {
  override name = "UnparseableEmail";
}

function firstAddress(a: AddressObject | AddressObject[] | undefined) {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  for (const obj of list) for (const v of obj.value) if (v.address) return { email: v.address.toLowerCase(), name: v.name || null };
  return null;
}

function msgIds(v: string | string[] | undefined): string[] {
  const all = (Array.isArray(v) ? v : v ? [v] : []).flatMap((s) => s.match(/<[^<>\s]+>/g) ?? []);
  return [...new Set(all)];
}

export function sanitizeEmailHtml(html: string) {
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, "img", "font", "center"],
    allowedAttributes: { ...sanitizeHtml.defaults.allowedAttributes, img: ["alt", "width", "height"], "*": ["style"] },
    // Remote images are tracking pixels: dropped; inline cid: images are not served yet.
    allowedSchemes: ["http", "https", "mailto"],
    allowedSchemesByTag: { img: [] },
  });
}

/** Parses one raw RFC 822 message. Throws UnparseableEmail for mail that cannot become a ticket message. */
export async function parseEmail(raw: Buffer, opts: { envelopeFrom?: string } = {}): Promise<ParsedEmail> {
  const mail = await simpleParser(raw, { skipImageLinks: true, maxHtmlLengthToParse: 2 * 1024 * 1024 });
  const headers: Record<string, string> = {};
  for (const { key, line } of mail.headerLines) {
    if (headers[key] !== undefined) continue;
    const value = line.slice(line.indexOf(":") + 1).replace(/\r?\n[ \t]+/g, " ").trim();
    headers[key] = value;
  }
  const from = firstAddress(mail.from);
  const automated = detectAutomated({ headers, envelopeFrom: opts.envelopeFrom, fromAddress: from?.email });
  if (!from && !automated) throw new UnparseableEmail("no sender address in From:");

  const fullText = (mail.text ?? "").replace(/\r\n?/g, "\n");
  const { text } = splitReply(fullText);
  const ids = msgIds(mail.messageId);
  const synthetic = ids.length === 0;
  const messageId = synthetic ? `<sha256-${createHash("sha256").update(raw).digest("hex")}@deskling.invalid>` : ids[0]!;

  const stored = mail.attachments.filter((a) => !a.related).slice(0, env.INGEST_MAX_ATTACHMENTS);
  const kept: Record<string, string> = {};
  for (const k of KEPT_HEADERS) if (headers[k]) kept[k] = headers[k];
  return {
    from: from ?? { email: "", name: null },
    subject: (mail.subject ?? "").trim(),
    text: text || "(no text)",
    fullText,
    html: typeof mail.html === "string" ? sanitizeEmailHtml(mail.html) : null,
    messageId,
    messageIdSynthetic: synthetic,
    inReplyTo: msgIds(mail.inReplyTo)[0] ?? null,
    references: msgIds(mail.references),
    headers: kept,
    attachments: stored.map((a) => ({
      filename: a.filename ?? "attachment",
      contentType: a.contentType || "application/octet-stream",
      content: a.content,
    })),
    skippedAttachments: mail.attachments.filter((a) => !a.related).length - stored.length,
    automated,
  };
}
