import { z } from "zod";
import { freshdeskShape, genericShape, zendeskShape } from "../webhooks/normalize";
import { inboundStates } from "../inbound-status";
import { addMessageBody, createTicketBody } from "./adapter";
import { API_SCOPES } from "./keys";
import { updateTicketBody } from "./v1";

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any" });
const errorBody = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: { code: { type: "string" }, message: { type: "string" }, fields: { type: ["object", "null"] } },
      required: ["code", "message"],
    },
  },
};
const ingestResult = {
  type: "object",
  properties: {
    inboundId: { type: "string", format: "uuid", description: "The raw inbound item, stored before processing." },
    ticketId: { type: ["string", "null"], format: "uuid" },
    ticketNumber: { type: ["integer", "null"] },
    messageId: { type: ["string", "null"], format: "uuid" },
    duplicate: { type: "boolean", description: "Same externalId seen before: nothing new was stored." },
  },
};
const err = (description: string) => ({ description, content: { "application/json": { schema: errorBody } } });
const common = { "401": err("Missing, malformed or revoked API key"), "403": err("The key lacks the scope") };
const ticketRef = { name: "id", in: "path", required: true, schema: { type: "string" }, description: "Ticket uuid or number." };
const json = (s: unknown) => ({ required: true, content: { "application/json": { schema: s } } });

/** The OpenAPI 3.1 document served at /api/v1/openapi.json; request schemas come from the zod schemas the handlers use. */
/** RFC 7240: answer once stored (202), the ticket follows from the inbound runner. */
const prefer = {
  name: "Prefer",
  in: "header",
  schema: { type: "string", example: "respond-async" },
  description: "respond-async: answer 202 as soon as the item is stored; the ticket appears moments later (an invalid body is then listed as failed at Admin → Inbound).",
};
const accepted202 = {
  description: "Stored and queued (Prefer: respond-async): { inboundId, status: \"received\" }. Location names the item's status (GET /api/v1/inbound/{id}).",
  headers: { Location: { schema: { type: "string" }, description: "/api/v1/inbound/{inboundId}" } },
};
const inboundStatus = {
  type: "object",
  properties: {
    inboundId: { type: "string", format: "uuid" },
    state: { enum: [...inboundStates], description: "queued: stored, not parsed yet (or being retried); processed: a ticket message exists; failed: see error (listed at Admin → Inbound for replay); ignored: machine mail, see error." },
    duplicate: { type: "boolean", description: "The same message (externalId or Message-ID) arrived before: ticket and message are the earlier ones." },
    ticketId: { type: ["string", "null"], format: "uuid" },
    ticketNumber: { type: ["integer", "null"] },
    messageId: { type: ["string", "null"], format: "uuid" },
    error: { type: ["string", "null"], description: "Why it failed or was ignored." },
    receivedAt: { type: "string", format: "date-time" },
    processedAt: { type: ["string", "null"], format: "date-time" },
  },
  required: ["inboundId", "state", "duplicate", "ticketId", "ticketNumber", "messageId", "error", "receivedAt", "processedAt"],
};

export function openApiDocument(serverUrl = "/") {
  return {
    openapi: "3.1.0",
    info: {
      title: "Deskling API",
      version: "1.0.0",
      description:
        "Tickets over REST. Authenticate with an API key created by an admin (Admin → API keys): " +
        "`Authorization: Bearer dsk_…`. Scopes: " +
        API_SCOPES.join(", ") +
        ". Every write is stored raw before it is processed; a body that fails validation is answered 400 and kept in the failed-ingest list.",
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    components: { securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "dsk_<prefix>_<secret>" } } },
    paths: {
      "/api/v1/tickets": {
        get: {
          summary: "List tickets",
          description: "Scope tickets:read.",
          parameters: [
            { name: "status", in: "query", schema: { type: "string" }, description: "Comma-separated: new,open,pending,solved,closed" },
            { name: "category", in: "query", schema: { type: "string" } },
            { name: "q", in: "query", schema: { type: "string" }, description: "Subject or customer email contains" },
            { name: "sort", in: "query", schema: { enum: ["newest", "oldest", "priority", "updated"] } },
            { name: "page", in: "query", schema: { type: "integer", minimum: 1 } },
            { name: "pageSize", in: "query", schema: { type: "integer", minimum: 1, maximum: 100 } },
          ],
          responses: { "200": { description: "{ items, total, totalCapped, page, pageSize }: with q, total counts at most 1,000 matches and totalCapped says there are more" }, ...common },
        },
        post: {
          summary: "Create a ticket from a customer message",
          description: "Scope tickets:write. Idempotent by externalId.",
          parameters: [prefer],
          requestBody: json(schema(createTicketBody)),
          responses: {
            "202": accepted202,
            "201": { description: "Created", content: { "application/json": { schema: ingestResult } } },
            "200": { description: "Already created with this externalId", content: { "application/json": { schema: ingestResult } } },
            "400": err("Invalid body (kept in the failed-ingest list)"),
            "413": err("Body over INGEST_MAX_BYTES"),
            ...common,
          },
        },
      },
      "/api/v1/tickets/{id}": {
        parameters: [ticketRef],
        get: { summary: "Get a ticket with its messages and tags", description: "Scope tickets:read.", responses: { "200": { description: "The ticket" }, "404": err("Not found"), ...common } },
        patch: {
          summary: "Update status, priority, category or tags",
          description: "Scope tickets:write. Tags replace the ticket's tags.",
          requestBody: json(schema(updateTicketBody)),
          responses: { "200": { description: "{ changed, fields }: priority and category are recorded as verified labels for the learner" }, "400": err("Invalid"), "404": err("Not found"), ...common },
        },
      },
      "/api/v1/tickets/{id}/messages": {
        parameters: [ticketRef],
        post: {
          summary: "Add a customer message to a ticket",
          description: "Scope tickets:write. Idempotent by externalId.",
          parameters: [prefer],
          requestBody: json(schema(addMessageBody)),
          responses: {
            "202": accepted202,
            "201": { description: "Added", content: { "application/json": { schema: ingestResult } } },
            "400": err("Invalid body"),
            "404": err("Not found"),
            "413": err("Too large"),
            ...common,
          },
        },
      },
      "/api/v1/inbound/{id}": {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" }, description: "The inboundId of a 202 (or any answer)." }],
        get: {
          summary: "What became of an item sent with this key",
          description: "Scope tickets:read. Poll the Location of a 202 until state is no longer queued. A key sees the items it sent itself.",
          responses: {
            "200": { description: "The item's state", content: { "application/json": { schema: inboundStatus } } },
            "404": err("No such item sent with this key"),
            ...common,
          },
        },
      },
      "/api/ingest/email": {
        post: {
          summary: "Submit one raw RFC 822 email",
          description: "Scope ingest:email. The body is the message exactly as received (message/rfc822).",
          requestBody: { required: true, content: { "message/rfc822": { schema: { type: "string", format: "binary" } } } },
          responses: { "201": { description: "Stored and processed" }, "200": { description: "Stored; duplicate, ignored (auto-reply, bounce, bulk) or failed (listed for replay)" }, "413": err("Too large"), ...common },
        },
      },
      "/api/ingest/webhooks/{source}": {
        post: {
          summary: "Helpdesk event",
          description:
            "Signed with the source's secret. zendesk: X-Zendesk-Webhook-Signature = base64(HMAC-SHA256(secret, timestamp + body)) and " +
            "X-Zendesk-Webhook-Signature-Timestamp. freshdesk and generic: X-Deskling-Signature = sha256=hex(HMAC-SHA256(secret, body)). " +
            "Bodies: see x-webhook-shapes.",
          security: [],
          parameters: [{ name: "source", in: "path", required: true, schema: { type: "string" } }],
          requestBody: json({ oneOf: [{ $ref: "#/x-webhook-shapes/zendesk" }, { $ref: "#/x-webhook-shapes/freshdesk" }, { $ref: "#/x-webhook-shapes/generic" }] }),
          responses: { "201": { description: "Stored and processed" }, "200": { description: "Duplicate, ignored or failed (listed)" }, "401": err("Bad signature"), "404": err("Unknown source"), "413": err("Too large") },
        },
      },
    },
    "x-webhook-shapes": { zendesk: schema(zendeskShape), freshdesk: schema(freshdeskShape), generic: schema(genericShape) },
  };
}
