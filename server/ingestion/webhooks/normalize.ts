import { createHash } from "node:crypto";
import { z } from "zod";
import type { WebhookKind } from "@/db/schema";
import { RejectedInput } from "../adapter";

/** One helpdesk event, reduced to what Deskling keeps. */
export type WebhookEvent =
  | {
      action: "message";
      externalTicketId: string;
      externalMessageId: string;
      subject: string;
      from: { email: string; name: string | null };
      text: string;
      html: string | null;
    }
  | { action: "ignore"; reason: string };

const id = z.union([z.string().min(1), z.number().int()]).transform(String);
const email = z.email().transform((e) => e.toLowerCase());

/**
 * Zendesk: the JSON body of a trigger/automation "Notify webhook" action (placeholders filled by Zendesk).
 * The body to paste in Zendesk is in the OpenAPI document (x-webhook-shapes).
 */
export const zendeskShape = z.object({
  event: z.enum(["ticket.created", "comment.created", "ticket.updated"]),
  ticket: z.object({
    id,
    subject: z.string().default(""),
    requester: z.object({ email, name: z.string().nullish() }),
  }),
  comment: z.object({ id, body: z.string(), html_body: z.string().nullish(), public: z.boolean().default(true) }).nullish(),
});

/** Freshdesk: an automation rule's "Trigger webhook" with the classic placeholder payload. */
export const freshdeskShape = z.object({
  freshdesk_webhook: z.object({
    triggered_event: z.string().default("ticket_created"),
    ticket_id: id,
    ticket_subject: z.string().default(""),
    ticket_description: z.string().nullish(),
    ticket_latest_public_comment: z.string().nullish(),
    ticket_contact_email: email,
    ticket_contact_name: z.string().nullish(),
  }),
});

/** Any other system: the documented generic shape. */
export const genericShape = z.object({
  event: z.enum(["message.created", "ticket.updated"]),
  ticket: z.object({ external_id: id, subject: z.string().default("") }),
  message: z
    .object({
      external_id: id,
      from: z.object({ email, name: z.string().nullish() }),
      text: z.string().min(1),
      html: z.string().nullish(),
    })
    .nullish(),
});

const UPDATED = "ticket-updated events are acknowledged but not yet recorded as corrections";

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body);
  if (!r.success) throw new RejectedInput(`payload does not match the expected shape: ${z.prettifyError(r.error)}`);
  return r.data;
}

export function normalizeWebhook(kind: WebhookKind, body: unknown): WebhookEvent {
  if (kind === "zendesk") {
    const p = parse(zendeskShape, body);
    if (p.event === "ticket.updated") return { action: "ignore", reason: UPDATED };
    if (!p.comment) throw new RejectedInput(`${p.event} without a comment`);
    if (!p.comment.public) return { action: "ignore", reason: "private comment" };
    return {
      action: "message",
      externalTicketId: p.ticket.id,
      externalMessageId: p.comment.id,
      subject: p.ticket.subject,
      from: { email: p.ticket.requester.email, name: p.ticket.requester.name ?? null },
      text: p.comment.body,
      html: p.comment.html_body ?? null,
    };
  }
  if (kind === "freshdesk") {
    const p = parse(freshdeskShape, body).freshdesk_webhook;
    const created = /creat/i.test(p.triggered_event);
    const text = (created ? p.ticket_description : p.ticket_latest_public_comment) ?? "";
    if (!created && !text) return { action: "ignore", reason: UPDATED };
    if (!text) throw new RejectedInput("ticket_description is empty");
    return {
      action: "message",
      externalTicketId: p.ticket_id,
      // Freshdesk placeholders carry no comment id: the text itself identifies a repeated delivery.
      externalMessageId: created ? "description" : createHash("sha256").update(text).digest("hex").slice(0, 32),
      subject: p.ticket_subject,
      from: { email: p.ticket_contact_email, name: p.ticket_contact_name ?? null },
      text,
      html: null,
    };
  }
  const p = parse(genericShape, body);
  if (p.event === "ticket.updated") return { action: "ignore", reason: UPDATED };
  if (!p.message) throw new RejectedInput("message.created without a message");
  return {
    action: "message",
    externalTicketId: p.ticket.external_id,
    externalMessageId: p.message.external_id,
    subject: p.ticket.subject,
    from: { email: p.message.from.email, name: p.message.from.name ?? null },
    text: p.message.text,
    html: p.message.html ?? null,
  };
}
