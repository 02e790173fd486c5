import { and, count, desc, eq, isNotNull, sql } from "drizzle-orm";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { correctionSource, corrections, encoderRuns, evalRuns, examples, importJobs, LIVE_SCOPE, triageResults } from "@/db/schema";
import { AppError } from "@/server/errors";
import { activeEncoder } from "@/server/learning/encoders";
import { LEARNED_FIELDS, VERIFIED_FIELDS } from "@/server/learning/labels";
import { startFinetuneJob } from "@/server/learning/start-finetune-job";
import { startImportJob } from "@/server/learning/start-import-job";
import { getLatestTriage } from "@/server/tickets/get-latest-triage";
import { verifyField } from "@/server/learning/verify-field";
import { adminProcedure, agentProcedure, managerProcedure, router } from "../init";

const field = z.enum(LEARNED_FIELDS);
const verifiedField = z.enum(VERIFIED_FIELDS);
const recorded = z.object({ correctionId: z.uuid(), exampleId: z.uuid().nullable(), aiValue: z.string().nullable(), finalValue: z.string() });
const correctOutput = z.object({ changed: z.boolean(), fields: z.array(z.string()), correction: recorded.nullable() });

const score = z.object({ accuracy: z.number(), correct: z.number(), total: z.number() });
/** What finetune-encoder.ts writes into encoder_runs.metrics; a run still training has none. */
const encoderMetrics = z.object({
  trainExamples: z.number(),
  holdout: z.number(),
  baseline: score.extend({ model: z.string() }),
  candidate: score,
  gain: z.number(),
});
const encoderRun = z.object({
  id: z.uuid(),
  field: z.string(),
  status: z.enum(encoderRuns.status.enumValues),
  modelId: z.string().nullable(),
  metrics: encoderMetrics.nullable(),
  error: z.string().nullable(),
  createdAt: z.date(),
  finishedAt: z.date().nullable(),
});
const encodersOutput = z.object({
  active: z.object({ id: z.string(), base: z.string().nullable(), runId: z.uuid().nullable(), since: z.date().nullable() }),
  /** Why triage is not using the promoted fine-tune (its file is gone), when that is the case. */
  warning: z.string().nullable(),
  runs: z.array(encoderRun),
});

const importJob = createSelectSchema(importJobs);
const triageRow = createSelectSchema(triageResults);
const feedbackOutput = z.object({
  ai: triageRow
    .pick({ modelVersion: true, status: true, category: true, priority: true, confidence: true, classifier: true })
    .extend({ triageResultId: z.uuid() })
    .nullable(),
  verified: z.array(
    z.object({
      field: z.string(),
      aiValue: z.string().nullable(),
      finalValue: z.string(),
      source: z.enum(correctionSource.enumValues),
      createdAt: z.date(),
    }),
  ),
});
const overviewOutput = z.object({
  labels: z.array(z.object({ field: z.string(), label: z.string(), examples: z.number() })),
  agreement: z.array(z.object({ field: z.string(), total: z.number(), agreed: z.number() })),
  bySource: z.array(z.object({ source: z.enum(correctionSource.enumValues), corrections: z.number() })),
  evalRuns: z.array(createSelectSchema(evalRuns)),
  imports: z.array(importJob),
});

export const learningRouter = router({
  /**
   * An agent changes one AI field on the ticket page: the ticket changes and the verified value teaches the learner,
   * in one transaction (server/tickets/update-ticket.ts, the same path as every other ticket edit).
   */
  correct: agentProcedure
    .input(z.object({ ticketId: z.uuid(), field: verifiedField, value: z.string().trim().min(1).max(2000) }))
    .output(correctOutput)
    .mutation(async ({ ctx, input }) => {
      const r = await verifyField(ctx.db, { ticketId: input.ticketId, actor: { kind: "user", userId: ctx.user.id }, field: input.field, value: input.value });
      return { changed: r.changed, fields: Object.keys(r.changes), correction: r.corrections[input.field] ?? null };
    }),

  /** Accepts what triage proposed for one field: the ticket takes the AI's value, recorded as a verified label. */
  accept: agentProcedure
    .input(z.object({ ticketId: z.uuid(), field: verifiedField }))
    .output(correctOutput)
    .mutation(async ({ ctx, input }) => {
      const r = await verifyField(ctx.db, { ticketId: input.ticketId, actor: { kind: "user", userId: ctx.user.id }, field: input.field });
      return { changed: r.changed, fields: Object.keys(r.changes), correction: r.corrections[input.field] ?? null };
    }),

  /** What triage proposed for a ticket and what has been verified since, for the ticket page. */
  ticketFeedback: agentProcedure
    .input(z.object({ ticketId: z.uuid() }))
    .output(feedbackOutput)
    .query(async ({ ctx, input }) => {
    const [triage, verified] = await Promise.all([
      getLatestTriage(ctx.db, input.ticketId),
      ctx.db
        .selectDistinctOn([corrections.field], {
          field: corrections.field,
          aiValue: corrections.aiValue,
          finalValue: corrections.finalValue,
          source: corrections.source,
          createdAt: corrections.createdAt,
        })
        .from(corrections)
        .where(eq(corrections.ticketId, input.ticketId))
        .orderBy(corrections.field, desc(corrections.createdAt)),
    ]);
    return {
      ai: triage
        ? {
            triageResultId: triage.id,
            modelVersion: triage.modelVersion,
            status: triage.status,
            category: triage.category,
            priority: triage.priority,
            confidence: triage.confidence,
            classifier: triage.classifier,
          }
        : null,
      verified,
    };
  }),

  /** The learning page: what the learner knows, how often agents agree with it, imports and evaluations. */
  overview: managerProcedure.output(overviewOutput).query(async ({ ctx }) => {
    const live = eq(examples.scope, LIVE_SCOPE);
    const [labels, agreement, bySource, runs, imports] = await Promise.all([
      ctx.db
        .select({ field: examples.field, label: examples.label, examples: count() })
        .from(examples)
        .where(live)
        .groupBy(examples.field, examples.label)
        .orderBy(examples.field, desc(count())),
      ctx.db
        .select({
          field: corrections.field,
          total: count(),
          agreed: sql<number>`count(*) filter (where ${corrections.aiValue} = ${corrections.finalValue})`.mapWith(Number),
        })
        .from(corrections)
        .where(and(eq(corrections.scope, LIVE_SCOPE), isNotNull(corrections.aiValue)))
        .groupBy(corrections.field),
      ctx.db
        .select({ source: corrections.source, corrections: count() })
        .from(corrections)
        .where(and(eq(corrections.scope, LIVE_SCOPE), sql`${corrections.createdAt} > now() - interval '30 days'`))
        .groupBy(corrections.source),
      ctx.db.select().from(evalRuns).orderBy(desc(evalRuns.createdAt)).limit(20),
      ctx.db.select().from(importJobs).orderBy(desc(importJobs.createdAt)).limit(10),
    ]);
    return { labels, agreement, bySource, evalRuns: runs, imports };
  }),

  /** The encoder live triage embeds with, and the recent fine-tunes of it. */
  encoders: adminProcedure.output(encodersOutput).query(async ({ ctx }) => {
    // activeEncoder logs only when the promoted fine-tune's file is gone and it falls back to the base model.
    let warning: string | null = null;
    const noteFallback = (line: string) => {
      const text = line.replace(/^\[encoders\] /, "");
      warning = text.charAt(0).toUpperCase() + text.slice(1);
    };
    const [active, runs] = await Promise.all([
      activeEncoder(ctx.db, { scope: LIVE_SCOPE, log: noteFallback }),
      ctx.db
        .select({
          id: encoderRuns.id,
          field: encoderRuns.field,
          status: encoderRuns.status,
          modelId: encoderRuns.modelId,
          metrics: encoderRuns.metrics,
          error: encoderRuns.error,
          createdAt: encoderRuns.createdAt,
          finishedAt: encoderRuns.finishedAt,
        })
        .from(encoderRuns)
        .where(eq(encoderRuns.scope, LIVE_SCOPE))
        .orderBy(desc(encoderRuns.createdAt))
        .limit(20),
    ]);
    // The active fine-tune may be older than the runs listed.
    const [promoted] = active.runId
      ? await ctx.db.select({ finishedAt: encoderRuns.finishedAt }).from(encoderRuns).where(eq(encoderRuns.id, active.runId))
      : [];
    const since = promoted?.finishedAt ?? null;
    return {
      active: { id: active.id, base: active.base ?? null, runId: active.runId ?? null, since },
      warning,
      runs: runs.map((r) => ({ ...r, metrics: encoderMetrics.safeParse(r.metrics).data ?? null })),
    };
  }),

  /** Fine-tunes the live encoder on a field's verified examples in the background; poll encoders for the outcome. */
  startFinetune: adminProcedure
    .input(z.object({ field: field.default("category") }))
    .output(z.object({ runId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const run = await startFinetuneJob(ctx.db, { field: input.field, userId: ctx.user.id });
      return { runId: run.id };
    }),

  importJob: adminProcedure
    .input(z.object({ jobId: z.uuid() }))
    .output(importJob)
    .query(async ({ ctx, input }) => {
    const [job] = await ctx.db.select().from(importJobs).where(eq(importJobs.id, input.jobId));
    if (!job) throw new AppError("NOT_FOUND", "Import not found.");
    return job;
  }),

  /** Uploads a history file (CSV, JSONL or JSON) and imports it in the background; poll importJob for progress. */
  startImport: adminProcedure
    .input(
      z.object({
        fileName: z.string().trim().min(1).max(200),
        // About 50 MB of text: hundreds of thousands of tickets, more than one browser upload should carry.
        content: z.string().min(1).max(50_000_000),
        field,
        textCol: z.string().trim().min(1).max(100).default("text"),
        labelCol: z.string().trim().min(1).max(100).optional(),
        createLabels: z.boolean().default(false),
      }),
    )
    .output(z.object({ jobId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const job = await startImportJob(ctx.db, { ...input, userId: ctx.user.id });
      return { jobId: job.id };
    }),
});
