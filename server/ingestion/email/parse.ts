import { createHash } from "node:crypto";
import { simpleParser, type AddressObject, type ParsedMail } from "mailparser";
import sanitizeHtml from "sanitize-html";
import { env } from "@/config/env";
import { decode8bitHeaders } from "./header-charset";
import { angleAddress, detectAutomated, type AutomatedKind } from "./loop";
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

const ADDRESS = /^[^\s@<>()",;:\\[\]\u0000]+@[^\s@<>()",;:\\[\]\u0000]+\.[^\s@<>()",;:\\[\]\u0000.]+$/;

function firstAddress(a: AddressObject | AddressObject[] | undefined) {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  for (const obj of list) for (const v of obj.value) if (v.address) return { email: v.address.toLowerCase(), name: v.name || null };
  return null;
}

/**
 * An address out of a header the parser could not read (RFC 822 obsolete syntax such as
 * "jdoe@machine(comment).  example", stray spaces around "@" and "."), or null.
 */
function lenientAddress(value: string | undefined) {
  if (!value) return null;
  const bare = value.replace(/\([^()]*\)/g, "").replace(/\s*([@.])\s*/g, "$1");
  const m = /<([^<>\s]+@[^<>\s]+)>/.exec(bare) ?? /([^\s<>"',;:]+@[^\s<>"',;:]+)/.exec(bare);
  const email = m?.[1]?.replace(/\.$/, "").toLowerCase();
  return email && ADDRESS.test(email) ? email : null;
}

/**
 * The sender when From: has no usable address: Reply-To, then Sender, then Return-Path, then the SMTP envelope,
 * then a lenient reading of the raw From: line. A message is failed only when none of them holds an address.
 */
function fallbackSender(raw: Buffer, mail: ParsedMail, headers: Record<string, string>, envelopeFrom: string | undefined) {
  const name = mail.from?.value.find((v) => v.name)?.name || null;
  const candidates: [string, string | null | undefined][] = [
    ["reply-to", firstAddress(mail.replyTo)?.email],
    ["sender", firstAddress(mail.headers.get("sender") as AddressObject | undefined)?.email ?? lenientAddress(headers["sender"])],
    ["return-path", lenientAddress(headers["return-path"])],
    ["envelope", envelopeFrom ? lenientAddress(envelopeFrom) : null],
    ["from", lenientAddress(headers["from"] ?? rawHeader(raw, "from"))],
  ];
  for (const [header, email] of candidates) if (email && ADDRESS.test(email)) return { email, name, header };
  return null;
}

/**
 * A header line read from the bytes: RFC 822 allowed spaces before the colon ("From  : x"), which the parser
 * takes for an mbox separator and drops.
 */
function rawHeader(raw: Buffer, name: string) {
  const head = raw.subarray(0, 64 * 1024).toString("latin1").split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, " ");
  return new RegExp(`^${name}[ \\t]*:(.*)$`, "im").exec(head)?.[1];
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

/**
 * Every Content-Type in the message below the top-level header, read from the bytes: the parser folds report parts
 * (message/delivery-status) into the text, and a bounce forwarded inside another message is still a bounce.
 */
function partTypes(raw: Buffer) {
  const text = raw.subarray(0, 1024 * 1024).toString("latin1");
  const bodyStart = text.search(/\r?\n\r?\n/);
  if (bodyStart < 0) return [];
  return [...text.slice(bodyStart).matchAll(/^content-type:[ \t]*([a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+)/gim)].map((m) => m[1]!.toLowerCase());
}

/** Parses one raw RFC 822 message. Throws UnparseableEmail for mail that cannot become a ticket message. */
export async function parseEmail(raw: Buffer, opts: { envelopeFrom?: string } = {}): Promise<ParsedEmail> {
  const mail = await simpleParser(decode8bitHeaders(raw), { skipImageLinks: true, maxHtmlLengthToParse: 2 * 1024 * 1024 });
  const headers: Record<string, string> = {};
  for (const { key, line } of mail.headerLines) {
    if (headers[key] !== undefined) continue;
    const value = line.slice(line.indexOf(":") + 1).replace(/\r?\n[ \t]+/g, " ").trim();
    headers[key] = value;
  }
  const from = firstAddress(mail.from);
  const automated = detectAutomated({
    headers,
    envelopeFrom: opts.envelopeFrom,
    fromAddress: from?.email,
    returnPath: angleAddress(headers["return-path"]),
    sender: firstAddress(mail.headers.get("sender") as AddressObject | undefined)?.email,
    replyTo: firstAddress(mail.replyTo)?.email,
    partTypes: partTypes(raw),
    subject: mail.subject,
    body: mail.text?.slice(0, 4096),
  });
  const sender = from ? { ...from, header: "from" } : fallbackSender(raw, mail, headers, opts.envelopeFrom);
  if (!sender && !automated) throw new UnparseableEmail("no sender address in From, Reply-To, Sender, Return-Path or the SMTP envelope");

  const fullText = (mail.text ?? "").replace(/\r\n?/g, "\n");
  const { text } = splitReply(fullText);
  const ids = msgIds(mail.messageId);
  const synthetic = ids.length === 0;
  const messageId = synthetic ? `<sha256-${createHash("sha256").update(raw).digest("hex")}@deskling.invalid>` : ids[0]!;

  const stored = mail.attachments.filter((a) => !a.related).slice(0, env.INGEST_MAX_ATTACHMENTS);
  const kept: Record<string, string> = {};
  for (const k of KEPT_HEADERS) if (headers[k]) kept[k] = headers[k];
  // Where the sender came from when From: had none, for whoever reads the ticket's headers.
  if (sender && sender.header !== "from") kept["x-deskling-sender-from"] = sender.header;
  return {
    from: sender ? { email: sender.email, name: sender.name } : { email: "", name: null },
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
