import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { modelVersions, triageResults } from "@/db/schema";
import type { LiveEvent } from "@/server/realtime/events";
import { subscribe } from "@/server/realtime/subscribe";
import { triageQueuePlaces } from "@/server/jobs/triage-queue";
import { getLatestTriage } from "@/server/tickets/get-latest-triage";
import { getModelVersion } from "@/server/training/model-registry";
import { retryTriage } from "@/server/triage/retry-triage";
import { requestRedraft } from "@/server/triage/redraft";
import { DRAFT_ADJUSTMENTS } from "@/models/tasks/draft";
import { learnerUsage } from "@/server/triage/learner-usage";
import { AUTO_APPLY_FIELDS, getTriageSettings, setTriageSetting } from "@/server/triage/triage-settings";
import { adminProcedure, agentProcedure, managerProcedure, router } from "../init";

const ticketInput = z.object({ ticketId: z.uuid() });
const autoApplyField = z.enum(AUTO_APPLY_FIELDS);
const settingOutput = z.object({
  field: autoApplyField,
  autoApply: z.boolean(),
  minConfidence: z.number(),
  precision: z.object({ correct: z.number(), verified: z.number(), value: z.number().nullable() }),
  calibration: z.object({
    ece: z.number().nullable(),
    maxEce: z.number(),
    shown: z.boolean(),
    measuredAt: z.string(),
    command: z.string(),
    runs: z.array(z.object({ ece: z.number(), eceShown: z.number(), accuracy: z.number(), n: z.number(), data: z.string() })),
  }),
});
const learnerStatusCounts = z.object({ used: z.number(), untrained: z.number(), unavailable: z.number(), off: z.number() });

export const triageRouter = router({
  /** The newest triage result of a ticket, or null, with what produced it (the model registry's row). */
  latest: agentProcedure
    .input(ticketInput)
    .output(createSelectSchema(triageResults).extend({ version: createSelectSchema(modelVersions).nullable() }).nullable())
    .query(async ({ ctx, input }) => {
      const row = await getLatestTriage(ctx.db, input.ticketId);
      return row && { ...row, version: await getModelVersion(ctx.db, row.modelVersion) };
    }),

  /** Where the ticket's pending triage stands in the queue (position, expected wait), or null when none waits. */
  queue: agentProcedure
    .input(ticketInput)
    .output(
      z
        .object({
          ticketId: z.string(),
          state: z.enum(["queued", "running", "retrying"]),
          position: z.number().nullable(),
          priority: z.number(),
          expectedWaitSeconds: z.number().nullable(),
        })
        .nullable(),
    )
    .query(async ({ ctx, input }) => (await triageQueuePlaces(ctx.db, [input.ticketId])).get(input.ticketId) ?? null),

  retry: agentProcedure
    .input(ticketInput)
    .output(z.object({ messageId: z.uuid() }))
    .mutation(({ ctx, input }) => retryTriage(ctx.db, { ticketId: input.ticketId, actor: { kind: "user", userId: ctx.user.id } })),

  /** Rewrite the latest draft friendlier, more formal or shorter (the worker streams it like the first one). */
  redraft: agentProcedure
    .input(ticketInput.extend({ adjust: z.enum(DRAFT_ADJUSTMENTS) }))
    .output(z.object({ triageResultId: z.uuid() }))
    .mutation(({ ctx, input }) => requestRedraft(ctx.db, { ticketId: input.ticketId, adjust: input.adjust, actor: { kind: "user", userId: ctx.user.id } })),

  /** Auto-apply per field (off by default), each with the precision measured on verified answers above its threshold. */
  settings: managerProcedure.input(z.object({}).optional()).output(z.array(settingOutput)).query(({ ctx }) => getTriageSettings(ctx.db)),

  updateSetting: adminProcedure
    .input(z.object({ field: autoApplyField, autoApply: z.boolean(), minConfidence: z.number().min(0.5).max(1) }))
    .output(z.array(settingOutput))
    .mutation(async ({ ctx, input }) => {
      await setTriageSetting(ctx.db, { ...input, userId: ctx.user.id });
      return getTriageSettings(ctx.db);
    }),

  /** Whether live triage had the learner: per status and per worker, with the last failure (admin page). */
  learnerUsage: managerProcedure
    .input(z.object({ hours: z.number().int().min(1).max(720).default(24) }))
    .output(
      z.object({
        hours: z.number(),
        counts: learnerStatusCounts,
        workers: z.array(z.object({ workerId: z.string(), total: z.number(), withoutLearner: z.number() })),
        lastFailure: z.object({ error: z.string(), at: z.date() }).nullable(),
      }),
    )
    .query(({ ctx, input }) => learnerUsage(ctx.db, { hours: input.hours })),

  /** Triage status changes and draft pieces of one ticket, as they happen (SSE). */
  onTicket: agentProcedure.input(ticketInput).subscription(async function* ({ ctx, input, signal }) {
    const events = await subscribe(ctx.db, (e) => e.ticketId === input.ticketId, signal ?? new AbortController().signal);
    for await (const e of events) yield e;
  }),

  /** New tickets, new messages and finished triages anywhere: the inbox refreshes the rows they name. */
  onInbox: agentProcedure.subscription(async function* ({ ctx, signal }) {
    const inboxEvent = (e: LiveEvent) => e.type === "ticket" || (e.type === "triage" && e.status !== "running");
    const events = await subscribe(ctx.db, inboxEvent, signal ?? new AbortController().signal);
    for await (const e of events) yield e;
  }),
});
