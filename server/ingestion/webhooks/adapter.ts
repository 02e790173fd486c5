import { and, eq } from "drizzle-orm";
import { tickets, webhookSources, type WebhookKind } from "@/db/schema";
import { updateTicket } from "@/server/learning/update-ticket";
import { receiveMessage } from "@/server/tickets/receive-message";
import { storable } from "../clean";
import { RejectedInput, type IngestAdapter } from "../adapter";
import { sanitizeEmailHtml } from "../email/parse";
import { normalizeWebhook } from "./normalize";

/** A verified helpdesk event → a ticket message, idempotent by the helpdesk's ticket and comment ids. */
export const webhookAdapter: IngestAdapter = {
  kind: "webhook",
  async process(db, raw, ctx) {
    const name = String(raw.meta.sourceName ?? "");
    const [source] = await db.select({ kind: webhookSources.kind }).from(webhookSources).where(eq(webhookSources.name, name));
    const kind = (source?.kind ?? raw.meta.sourceKind) as WebhookKind | undefined;
    if (!kind) throw new RejectedInput(`unknown webhook source "${name}"`);
    let body: unknown;
    try {
      body = JSON.parse(raw.bytes.toString("utf8"));
    } catch (err) {
      throw new RejectedInput(`body is not JSON: ${(err as Error).message}`);
    }
    const event = normalizeWebhook(kind, body);
    if (event.action === "ignore") return { status: "ignored", reason: event.reason };
    if (event.action === "update") {
      const [t] = await db
        .select({ id: tickets.id, number: tickets.number })
        .from(tickets)
        .where(and(eq(tickets.source, `${kind}:${name}`), eq(tickets.externalId, event.externalTicketId)));
      if (!t) return { status: "ignored", reason: `update for ticket ${event.externalTicketId}, which never reached Deskling` };
      // The helpdesk's agent decided these values: they are verified labels for the learner, like an agent's edit here.
      await updateTicket(db, { ticketId: t.id, actor: { kind: "helpdesk", label: name }, patch: event.patch });
      return { status: "processed", ticketId: t.id, ticketNumber: t.number, messageId: null, createdTicket: false };
    }
    const r = await receiveMessage(db, storable({
      channel: "webhook",
      from: event.from,
      subject: event.subject,
      text: event.text,
      html: event.html ? sanitizeEmailHtml(event.html) : null,
      source: `${kind}:${name}`,
      externalId: event.externalTicketId,
      // A stable Message-ID per helpdesk comment makes a re-delivered event a duplicate, not a second message.
      messageIdHeader: `<${encodeURIComponent(event.externalTicketId)}.${encodeURIComponent(event.externalMessageId)}@${encodeURIComponent(name)}.webhook.deskling.invalid>`,
      rawInboundId: raw.id,
      actor: { kind: "helpdesk", label: name },
      triagePriority: ctx.triagePriority,
    }));
    return { status: r.duplicate ? "duplicate" : "processed", ...r };
  },
};
