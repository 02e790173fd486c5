import { cleanText } from "@/server/clean-input";
import type { InboundMessage } from "@/server/tickets/receive-message";

/** Hostile or broken input carries NUL and other characters Postgres or a reader cannot use; the raw bytes keep them. */
const stripNul = cleanText;

/** Every string field of an inbound message made storable; applied by each adapter before receiveMessage. */
export function storable(m: InboundMessage): InboundMessage {
  const opt = (s: string | null | undefined) => (s == null ? s : stripNul(s));
  return {
    ...m,
    from: { email: stripNul(m.from.email), name: opt(m.from.name) },
    subject: stripNul(m.subject),
    text: stripNul(m.text),
    html: opt(m.html),
    messageIdHeader: opt(m.messageIdHeader),
    inReplyTo: opt(m.inReplyTo),
    references: m.references?.map(stripNul),
    headers: m.headers && Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [stripNul(k), stripNul(v)])),
    attachments: m.attachments?.map((a) => ({ ...a, filename: stripNul(a.filename), contentType: stripNul(a.contentType) })),
  };
}
