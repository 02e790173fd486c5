import { z } from "zod";
import { receiveMessage } from "@/server/tickets/receive-message";
import { storable } from "../clean";
import { RejectedInput, type IngestAdapter } from "../adapter";
import { sanitizeEmailHtml } from "../email/parse";

const from = z.object({ email: z.email(), name: z.string().max(200).nullish() });

export const createTicketBody = z.object({
  subject: z.string().trim().min(1).max(500),
  text: z.string().min(1).max(200_000),
  html: z.string().max(1_000_000).nullish(),
  from,
  /** Your id for this ticket: creating twice with the same externalId returns the first ticket. */
  externalId: z.string().min(1).max(200).nullish(),
});

export const addMessageBody = z.object({
  text: z.string().min(1).max(200_000),
  html: z.string().max(1_000_000).nullish(),
  /** Defaults to the ticket's customer. */
  from: from.nullish(),
  /** Your id for this message: posting twice with the same externalId stores it once. */
  externalId: z.string().min(1).max(200).nullish(),
});

export type ApiIngestMeta =
  | { op: "create-ticket"; keyPrefix: string; keyName: string }
  | { op: "add-message"; keyPrefix: string; keyName: string; ticketId: string; customer: { email: string; name: string | null } };

function body<T extends z.ZodType>(schema: T, bytes: Buffer): z.output<T> {
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new RejectedInput("body is not JSON");
  }
  const r = schema.safeParse(data);
  if (!r.success) throw new RejectedInput(z.prettifyError(r.error));
  return r.data;
}

const mid = (...parts: string[]) => `<${parts.map(encodeURIComponent).join(".")}@api.deskling.invalid>`;

/** REST API v1 writes (new ticket, new customer message) → receiveMessage, like every other channel. */
export const apiAdapter: IngestAdapter = {
  kind: "api",
  async process(db, raw, ctx) {
    const meta = raw.meta as unknown as ApiIngestMeta;
    const actor = { kind: "api" as const, label: `key:${meta.keyName} (${meta.keyPrefix})` };
    if (meta.op === "create-ticket") {
      const b = body(createTicketBody, raw.bytes);
      const r = await receiveMessage(db, storable({
        channel: "api",
        from: b.from,
        subject: b.subject,
        text: b.text,
        html: b.html ? sanitizeEmailHtml(b.html) : null,
        source: b.externalId ? "api" : undefined,
        externalId: b.externalId ?? undefined,
        messageIdHeader: b.externalId ? mid("ticket", b.externalId) : null,
        rawInboundId: raw.id,
        actor,
        triagePriority: ctx.triagePriority,
      }));
      return { status: r.duplicate ? "duplicate" : "processed", ...r };
    }
    const b = body(addMessageBody, raw.bytes);
    const r = await receiveMessage(db, storable({
      channel: "api",
      from: b.from ?? meta.customer,
      subject: "",
      text: b.text,
      html: b.html ? sanitizeEmailHtml(b.html) : null,
      ticketId: meta.ticketId,
      messageIdHeader: b.externalId ? mid("message", meta.ticketId, b.externalId) : null,
      rawInboundId: raw.id,
      actor,
      triagePriority: ctx.triagePriority,
    }));
    return { status: r.duplicate ? "duplicate" : "processed", ...r };
  },
};
