import type { IngestAdapter } from "../adapter";
import { receiveMessage } from "@/server/tickets/receive-message";
import { storable } from "../clean";
import { parseEmail } from "./parse";
import { resolveThread, ticketToken } from "./thread";

/** Raw RFC 822 mail (SMTP, IMAP or HTTP upload) → a ticket message, unless a machine wrote it. */
export const emailAdapter: IngestAdapter = {
  kind: "email",
  async process(db, raw, ctx) {
    const envelopeFrom = typeof raw.meta.envelopeFrom === "string" ? raw.meta.envelopeFrom : undefined;
    const mail = await parseEmail(raw.bytes, { envelopeFrom });
    if (mail.automated) return { status: "ignored", reason: `${mail.automated.kind}: ${mail.automated.reason}` };
    const ticketId = await resolveThread(db, {
      fromEmail: mail.from.email,
      subject: mail.subject,
      inReplyTo: mail.inReplyTo,
      references: mail.references,
    });
    // Our own token is noise in the subject of a new ticket.
    const subject = ticketToken(mail.subject) !== null && !ticketId ? mail.subject.replace(/\s*\[#\d+\]\s*/, " ").trim() : mail.subject;
    const headers = mail.skippedAttachments
      ? { ...mail.headers, "x-deskling-skipped-attachments": String(mail.skippedAttachments) }
      : mail.headers;
    const r = await receiveMessage(db, storable({
      channel: "email",
      from: mail.from,
      subject,
      text: mail.text,
      html: mail.html,
      ticketId,
      messageIdHeader: mail.messageId,
      inReplyTo: mail.inReplyTo,
      references: mail.references,
      headers,
      rawInboundId: raw.id,
      attachments: mail.attachments,
      triagePriority: ctx.triagePriority,
      actor: { kind: "system", label: raw.source },
    }));
    return { status: r.duplicate ? "duplicate" : "processed", ...r };
  },
};
