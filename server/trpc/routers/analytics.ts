import { z } from "zod";
import { getAiConfusions } from "@/server/analytics/ai-confusions";
import { getAiLearningCurve } from "@/server/analytics/ai-learning-curve";
import { getAiQuality } from "@/server/analytics/ai-quality";
import { getBacklog } from "@/server/analytics/backlog";
import { computeCost } from "@/server/analytics/cost";
import { getDraftUse } from "@/server/analytics/draft-use";
import { getFilterOptions } from "@/server/analytics/filter-options";
import { DRILL_METRICS, listMetricTickets } from "@/server/analytics/metric-tickets";
import { getModelOps } from "@/server/analytics/model-ops";
import { getNeedsHumanQueue } from "@/server/analytics/needs-human-queue";
import { analyticsParams } from "@/server/analytics/params";
import { getRequesterWait } from "@/server/analytics/requester-wait";
import { getResponseTimes } from "@/server/analytics/response-times";
import { getSlaAtRisk } from "@/server/analytics/sla-at-risk";
import { getSlaBreaches } from "@/server/analytics/sla-breaches";
import { getTokenUsage } from "@/server/analytics/token-usage";
import { VOLUME_DIMENSIONS, getVolume } from "@/server/analytics/volume";
import { env } from "@/config/env";
import { managerProcedure, router } from "../init";

const count = z.number().int().min(0);
const minutes = z.number().nullable();
const groupBy = z.enum(["all", "team", "priority"]);
const params = analyticsParams;
const days = (p: { from: string; to: string }) => Math.round((Date.parse(p.to) - Date.parse(p.from)) / 86_400_000) + 1;

/** Managers and admins only: agents get FORBIDDEN. Every procedure is read-only. */
export const analyticsRouter = router({
  options: managerProcedure
    .output(z.object({ teams: z.array(z.object({ id: z.uuid(), name: z.string() })), agents: z.array(z.object({ id: z.uuid(), name: z.string() })), modelVersions: z.array(z.string()) }))
    .query(({ ctx }) => getFilterOptions(ctx.db)),

  volume: managerProcedure
    .input(z.object({ params, by: z.enum(VOLUME_DIMENSIONS) }))
    .output(z.array(z.object({ day: z.iso.date(), key: z.string(), created: count, solved: count })))
    .query(({ ctx, input }) => getVolume(ctx.db, { ...input.params, by: input.by })),

  backlog: managerProcedure
    .input(z.object({ params }))
    .output(z.array(z.object({ day: z.iso.date(), open: z.number().int() })))
    .query(({ ctx, input }) => getBacklog(ctx.db, input.params)),

  needsHumanQueue: managerProcedure
    .input(z.object({ params }))
    .output(z.object({ count }))
    .query(({ ctx, input }) => getNeedsHumanQueue(ctx.db, input.params)),

  responseTimes: managerProcedure
    .input(z.object({ params }))
    .output(
      z.array(
        z.object({
          groupBy,
          group: z.string(),
          createdTickets: count,
          replied: count,
          noReply: count,
          firstReplyMedianMin: minutes,
          firstReplyP90Min: minutes,
          solvedTickets: count,
          resolutionMedianMin: minutes,
          resolutionP90Min: minutes,
          oneTouch: count,
          reopened: count,
        }),
      ),
    )
    .query(({ ctx, input }) => getResponseTimes(ctx.db, input.params)),

  requesterWait: managerProcedure
    .input(z.object({ params }))
    .output(z.array(z.object({ groupBy, group: z.string(), tickets: count, medianMin: minutes, p90Min: minutes })))
    .query(({ ctx, input }) => getRequesterWait(ctx.db, input.params)),

  slaBreaches: managerProcedure
    .input(z.object({ params }))
    .output(z.array(z.object({ priority: z.string(), tickets: count, firstReplyBreached: count, resolutionBreached: count, breached: count })))
    .query(({ ctx, input }) => getSlaBreaches(ctx.db, input.params)),

  slaAtRisk: managerProcedure
    .input(z.object({ params }))
    .output(
      z.array(
        z.object({ id: z.uuid(), number: z.number().int(), subject: z.string(), priority: z.string(), target: z.enum(["first_reply", "resolution"]), due_at: z.string() }),
      ),
    )
    .query(async ({ ctx, input }) => [...(await getSlaAtRisk(ctx.db, input.params))]),

  aiQuality: managerProcedure
    .input(z.object({ params }))
    .output(
      z.array(
        z.object({
          modelVersion: z.string(),
          triaged: count,
          needsHuman: count,
          judged: count,
          correct: count,
          judgedAutomated: count,
          correctAutomated: count,
          summariesReviewed: count,
          summariesKept: count,
        }),
      ),
    )
    .query(({ ctx, input }) => getAiQuality(ctx.db, input.params)),

  aiConfusions: managerProcedure
    .input(z.object({ params, top: z.number().int().min(1).max(20).default(5) }))
    .output(z.array(z.object({ modelVersion: z.string(), ai: z.string(), final: z.string(), count })))
    .query(({ ctx, input }) => getAiConfusions(ctx.db, { ...input.params, top: input.top })),

  learningCurve: managerProcedure
    .input(z.object({ params }))
    .output(z.array(z.object({ week: z.iso.date(), modelVersion: z.string(), judged: count, correct: count, labelsSoFar: count })))
    .query(({ ctx, input }) => getAiLearningCurve(ctx.db, input.params)),

  draftUse: managerProcedure
    .input(z.object({ params }))
    .output(
      z.array(
        z.object({
          modelVersion: z.string().nullable(),
          replies: count,
          asIs: count,
          edited: count,
          discarded: count,
          scratch: count,
          medianEditDistance: z.number().nullable(),
          meanChrf: z.number().nullable(),
        }),
      ),
    )
    .query(({ ctx, input }) => getDraftUse(ctx.db, input.params)),

  modelOps: managerProcedure
    .input(z.object({ params }))
    .output(
      z.array(
        z.object({
          modelVersion: z.string(),
          worker: z.string(),
          runs: count,
          failed: count,
          retries: count,
          totalP50Ms: z.number().nullable(),
          totalP95Ms: z.number().nullable(),
          queueWaitP50Ms: z.number().nullable(),
          queueWaitP95Ms: z.number().nullable(),
          ttftP50Ms: z.number().nullable(),
          tokensPerSecondP50: z.number().nullable(),
        }),
      ),
    )
    .query(({ ctx, input }) => getModelOps(ctx.db, input.params)),

  cost: managerProcedure
    .input(z.object({ params }))
    .output(
      z.object({
        prices: z.object({ serverPerHour: z.number(), cloudModel: z.string(), cloudInputPer1k: z.number(), cloudOutputPer1k: z.number() }),
        versions: z.array(
          z.object({
            modelVersion: z.string(),
            runs: count,
            promptTokens: count,
            completionTokens: count,
            tokens: count,
            modelHours: z.number(),
            tokensPerSecond: z.number().nullable(),
            localCost: z.number(),
            cloudCost: z.number(),
          }),
        ),
        total: z.object({
          tokens: count,
          promptTokens: count,
          completionTokens: count,
          modelHours: z.number(),
          localCost: z.number(),
          cloudCost: z.number(),
          cloudToLocalRatio: z.number().nullable(),
          localMonthly: z.number(),
          cloudMonthly: z.number(),
          serverMonthly: z.number(),
        }),
      }),
    )
    .query(async ({ ctx, input }) =>
      computeCost(await getTokenUsage(ctx.db, input.params), days(input.params), {
        serverPerHour: env.ANALYTICS_SERVER_COST_PER_HOUR,
        cloudModel: env.ANALYTICS_CLOUD_MODEL,
        cloudInputPer1k: env.ANALYTICS_CLOUD_INPUT_PER_1K,
        cloudOutputPer1k: env.ANALYTICS_CLOUD_OUTPUT_PER_1K,
      }),
    ),

  /** The tickets behind a number. */
  tickets: managerProcedure
    .input(
      z.object({
        params,
        metric: z.enum(DRILL_METRICS),
        day: z.iso.date().optional(),
        groupBy: z.enum(["team", "priority"]).optional(),
        group: z.string().max(200).optional(),
      }),
    )
    .output(
      z.object({
        total: count,
        tickets: z.array(
          z.object({ id: z.uuid(), number: z.number().int(), subject: z.string(), status: z.string(), priority: z.string(), createdAt: z.date(), resolvedAt: z.date().nullable() }),
        ),
      }),
    )
    .query(({ ctx, input }) => listMetricTickets(ctx.db, { ...input.params, metric: input.metric, day: input.day, groupBy: input.groupBy, group: input.group })),
});
