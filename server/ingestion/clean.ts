import type { InboundMessage } from "@/server/tickets/receive-message";

/** Postgres text and jsonb cannot hold U+0000; hostile or broken input carries it. The raw bytes keep it. */
export const stripNul = (s: string) => s.replace(/\u0000/g, "");

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
