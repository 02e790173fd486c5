import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { apiKeys, rawInboundKind, rawInboundStatus, webhookKind, webhookSources } from "@/db/schema";
import { API_SCOPES, createApiKey, listApiKeys, revokeApiKey } from "@/server/ingestion/api/keys";
import { getInbound, listInbound } from "@/server/ingestion/list-inbound";
import { replayRaw } from "@/server/ingestion/pipeline";
import { createWebhookSource, disableWebhookSource, listWebhookSources, setWebhookWriteback } from "@/server/ingestion/webhooks/sources";
import { recordAudit } from "@/server/audit/record-audit";
import { adminProcedure, router } from "../init";

const result = z.object({
  rawId: z.string(),
  status: z.enum(rawInboundStatus.enumValues),
  ticketId: z.string().nullable(),
  ticketNumber: z.number().nullable(),
  messageId: z.string().nullable(),
  createdTicket: z.boolean(),
  reason: z.string().nullable(),
  repeated: z.boolean(),
});

const apiKey = createSelectSchema(apiKeys).pick({ id: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true, revokedAt: true });
const webhookSource = createSelectSchema(webhookSources).pick({ id: true, name: true, kind: true, createdAt: true, disabledAt: true, writebackUrl: true });

/** Admin: the inbound log (failed items and their replay), API keys and webhook sources. */
export const ingestRouter = router({
  list: adminProcedure
    .input(
      z.object({
        status: z.enum(rawInboundStatus.enumValues).optional(),
        kind: z.enum(rawInboundKind.enumValues).optional(),
        reason: z.string().max(200).optional(),
        page: z.number().int().min(1).optional(),
        pageSize: z.number().int().min(1).max(100).optional(),
      }),
    )
    .output(
      z.object({
        items: z.array(
          z.object({
            id: z.string(),
            kind: z.enum(rawInboundKind.enumValues),
            source: z.string(),
            receivedAt: z.date(),
            size: z.number(),
            status: z.enum(rawInboundStatus.enumValues),
            error: z.string().nullable(),
            attempts: z.number(),
            ticketId: z.string().nullable(),
            sender: z.string().nullable(),
            subject: z.string().nullable(),
          }),
        ),
        total: z.number(),
        page: z.number(),
        pageSize: z.number(),
        counts: z.partialRecord(z.enum(rawInboundStatus.enumValues), z.number()),
      }),
    )
    .query(({ ctx, input }) => listInbound(ctx.db, input)),

  get: adminProcedure.input(z.object({ id: z.uuid() })).query(({ ctx, input }) => getInbound(ctx.db, input.id)),

  replay: adminProcedure
    .input(z.object({ id: z.uuid() }))
    .output(result)
    .mutation(async ({ ctx, input }) => {
      const r = await replayRaw(ctx.db, input.id);
      await recordAudit(ctx.db, {
        actor: { kind: "user", userId: ctx.user.id },
        entity: "raw_inbound",
        entityId: input.id,
        action: "replayed",
        changes: { status: { from: "failed", to: r.status } },
      });
      return r;
    }),

  apiKeys: adminProcedure.output(z.array(apiKey)).query(({ ctx }) => listApiKeys(ctx.db)),

  createApiKey: adminProcedure
    .input(z.object({ name: z.string().max(100), scopes: z.array(z.enum(API_SCOPES)).max(API_SCOPES.length) }))
    .output(z.object({ id: z.string(), prefix: z.string(), key: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const created = await createApiKey(ctx.db, { ...input, createdBy: ctx.user.id });
      await recordAudit(ctx.db, { actor: { kind: "user", userId: ctx.user.id }, entity: "api_key", entityId: created.id, action: "created" });
      return created;
    }),

  revokeApiKey: adminProcedure
    .input(z.object({ id: z.uuid() }))
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
    await revokeApiKey(ctx.db, input.id);
    await recordAudit(ctx.db, { actor: { kind: "user", userId: ctx.user.id }, entity: "api_key", entityId: input.id, action: "revoked" });
  }),

  webhookSources: adminProcedure.output(z.array(webhookSource)).query(({ ctx }) => listWebhookSources(ctx.db)),

  createWebhookSource: adminProcedure
    .input(z.object({ name: z.string().max(63), kind: z.enum(webhookKind.enumValues) }))
    .output(z.object({ id: z.uuid(), name: z.string(), kind: z.enum(webhookKind.enumValues), secret: z.string(), url: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const created = await createWebhookSource(ctx.db, input);
      await recordAudit(ctx.db, { actor: { kind: "user", userId: ctx.user.id }, entity: "webhook_source", entityId: created.id, action: "created" });
      return created;
    }),

  /** Where triage results are written back; the token is accepted here and never returned. `null` turns it off. */
  setWebhookWriteback: adminProcedure
    .input(z.object({ id: z.uuid(), target: z.object({ url: z.string().max(500), token: z.string().max(500) }).nullable() }))
    .output(z.object({ id: z.uuid(), writebackUrl: z.string().nullable() }))
    .mutation(async ({ ctx, input }) => {
      const r = await setWebhookWriteback(ctx.db, input.id, input.target);
      await recordAudit(ctx.db, {
        actor: { kind: "user", userId: ctx.user.id },
        entity: "webhook_source",
        entityId: input.id,
        action: input.target ? "writeback_set" : "writeback_cleared",
        changes: { writebackUrl: { from: null, to: r.writebackUrl } },
      });
      return r;
    }),

  disableWebhookSource: adminProcedure
    .input(z.object({ id: z.uuid() }))
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
    await disableWebhookSource(ctx.db, input.id);
    await recordAudit(ctx.db, { actor: { kind: "user", userId: ctx.user.id }, entity: "webhook_source", entityId: input.id, action: "disabled" });
  }),
});
