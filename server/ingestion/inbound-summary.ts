import libmime from "libmime";
import { decode8bitHeaders } from "./email/header-charset";

export interface InboundSummary {
  sender: string | null;
  subject: string | null;
}

function emailSummary(head: Buffer): InboundSummary {
  const text = decode8bitHeaders(head).toString("utf8").split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, " ");
  const header = (name: string) => new RegExp(`^${name}[ \\t]*:[ \\t]*(.*)$`, "im").exec(text)?.[1]?.trim() || null;
  const decode = (v: string | null) => {
    if (!v) return null;
    try {
      return libmime.decodeWords(v).slice(0, 300);
    } catch {
      return v.slice(0, 300);
    }
  };
  return { sender: decode(header("from") ?? header("reply-to") ?? header("sender") ?? header("return-path")), subject: decode(header("subject")) };
}

/** JSON bodies of the REST API and the generic webhook shape; other shapes (and cut-off bodies) give nulls. */
function jsonSummary(head: Buffer): InboundSummary {
  try {
    type Party = string | { email?: string } | undefined;
    const b = JSON.parse(head.toString("utf8")) as {
      from?: Party;
      subject?: string;
      message?: { from?: Party };
      ticket?: { subject?: string; requester?: Party };
    };
    const from = b.from ?? b.message?.from ?? b.ticket?.requester;
    return {
      sender: (typeof from === "string" ? from : from?.email) ?? null,
      subject: b.subject ?? b.ticket?.subject ?? null,
    };
  } catch {
    return { sender: null, subject: null };
  }
}

/**
 * Sender and subject of a stored item, read from the start of its raw bytes for the admin's inbound list: failed and
 * ignored items never became messages, so this is the only place they are named.
 */
export function summarizeInbound(kind: "email" | "webhook" | "api", head: Buffer): InboundSummary {
  return kind === "email" ? emailSummary(head) : jsonSummary(head);
}
