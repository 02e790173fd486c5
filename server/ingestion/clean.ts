import { cleanText } from "@/server/clean-input";
import type { InboundMessage } from "@/server/tickets/receive-message";

/**
 * Every string field of an inbound message made storable (hostile or broken input carries NUL and other characters Postgres
 * or a reader cannot use; the raw bytes keep them); applied by each adapter before receiveMessage.
 */
export function storable(m: InboundMessage): InboundMessage {
  const opt = (s: string | null | undefined) => (s == null ? s : cleanText(s));
  return {
    ...m,
    from: { email: cleanText(m.from.email), name: opt(m.from.name) },
    subject: cleanText(m.subject),
    text: cleanText(m.text),
    html: opt(m.html),
    messageIdHeader: opt(m.messageIdHeader),
    inReplyTo: opt(m.inReplyTo),
    references: m.references?.map(cleanText),
    headers: m.headers && Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [cleanText(k), cleanText(v)])),
    attachments: m.attachments?.map((a) => ({ ...a, filename: cleanText(a.filename), contentType: cleanText(a.contentType) })),
  };
}
