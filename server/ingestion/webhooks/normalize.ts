import { createHash } from "node:crypto";
import { z } from "zod";
import type { TicketPriority, TicketStatus, WebhookKind } from "@/db/schema";
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
  | { action: "update"; externalTicketId: string; patch: HelpdeskPatch }
  | { action: "ignore"; reason: string };

/** What a helpdesk says a human decided about a ticket: applied here and recorded as verified labels. */
export interface HelpdeskPatch {
  priority?: TicketPriority;
  status?: TicketStatus;
  category?: string;
  tags?: string[];
}

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
    // Present on comment events; an update event needs only the id and the changed fields.
    requester: z.object({ email, name: z.string().nullish() }).nullish(),
    priority: z.string().nullish(),
    status: z.string().nullish(),
    tags: z.union([z.array(z.string()), z.string()]).nullish(),
  }),
  comment: z
    .object({
      id,
      body: z.string(),
      html_body: z.string().nullish(),
      public: z.boolean().default(true),
      // Zendesk placeholders {{ticket.latest_comment.author.email}} / .role: set them so agents' comments are not taken for the customer's.
      author_email: z.string().nullish(),
      author_role: z.string().nullish(),
    })
    .nullish(),
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
    ticket_priority: z.string().nullish(),
    ticket_status: z.string().nullish(),
  }),
});

/** Any other system: the documented generic shape. */
export const genericShape = z.object({
  event: z.enum(["message.created", "ticket.updated"]),
  ticket: z.object({
    external_id: id,
    subject: z.string().default(""),
    priority: z.enum(["low", "normal", "high", "urgent"]).nullish(),
    status: z.enum(["new", "open", "pending", "solved", "closed"]).nullish(),
    category: z.string().min(1).nullish(),
    tags: z.array(z.string()).nullish(),
  }),
  message: z
    .object({
      external_id: id,
      from: z.object({ email, name: z.string().nullish() }),
      // Messages your agents wrote in the other system are acknowledged, not taken for the customer's.
      author: z.enum(["customer", "agent"]).default("customer"),
      text: z.string().min(1),
      html: z.string().nullish(),
    })
    .nullish(),
});

const NOTHING = "update event without a field Deskling tracks";

// Zendesk and Freshdesk say it their way; these are the values that mean the same as ours.
const PRIORITY: Record<string, TicketPriority> = { low: "low", normal: "normal", medium: "normal", high: "high", urgent: "urgent", "1": "low", "2": "normal", "3": "high", "4": "urgent" };
const STATUS: Record<string, TicketStatus> = { new: "new", open: "open", pending: "pending", hold: "pending", "on-hold": "pending", solved: "solved", resolved: "solved", closed: "closed", "2": "open", "3": "pending", "4": "solved", "5": "closed" };

function patchOf(p: { priority?: string | null; status?: string | null; category?: string | null; tags?: string[] | string | null }): HelpdeskPatch {
  const patch: HelpdeskPatch = {};
  const priority = p.priority ? PRIORITY[p.priority.trim().toLowerCase()] : undefined;
  if (p.priority && !priority) throw new RejectedInput(`unknown priority "${p.priority}"`);
  if (priority) patch.priority = priority;
  const status = p.status ? STATUS[p.status.trim().toLowerCase()] : undefined;
  if (p.status && !status) throw new RejectedInput(`unknown status "${p.status}"`);
  if (status) patch.status = status;
  if (p.category) patch.category = p.category;
  if (p.tags != null) patch.tags = typeof p.tags === "string" ? p.tags.split(/\s+/).filter(Boolean) : p.tags;
  return patch;
}

function update(externalTicketId: string, patch: HelpdeskPatch): WebhookEvent {
  return Object.keys(patch).length ? { action: "update", externalTicketId, patch } : { action: "ignore", reason: NOTHING };
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body);
  if (!r.success) throw new RejectedInput(`payload does not match the expected shape: ${z.prettifyError(r.error)}`);
  return r.data;
}

export function normalizeWebhook(kind: WebhookKind, body: unknown): WebhookEvent {
  if (kind === "zendesk") {
    const p = parse(zendeskShape, body);
    if (p.event === "ticket.updated") return update(p.ticket.id, patchOf(p.ticket));
    if (!p.comment) throw new RejectedInput(`${p.event} without a comment`);
    if (!p.ticket.requester) throw new RejectedInput(`${p.event} without ticket.requester`);
    if (!p.comment.public) return { action: "ignore", reason: "private comment" };
    const role = p.comment.author_role?.toLowerCase();
    const author = p.comment.author_email?.toLowerCase();
    if ((role && role !== "end-user" && role !== "end_user") || (author && author !== p.ticket.requester?.email)) {
      return { action: "ignore", reason: "comment written by an agent, not the customer" };
    }
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
    if (!created && !text) return update(p.ticket_id, patchOf({ priority: p.ticket_priority, status: p.ticket_status }));
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
  if (p.event === "ticket.updated") return update(p.ticket.external_id, patchOf(p.ticket));
  if (!p.message) throw new RejectedInput("message.created without a message");
  if (p.message.author === "agent") return { action: "ignore", reason: "message written by an agent, not the customer" };
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
