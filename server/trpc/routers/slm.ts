import { desc } from "drizzle-orm";
import { z } from "zod";
import { datasetSnapshots, slmRuns } from "@/db/schema";
import { promoteShadowSlm, stopShadowSlm } from "@/server/learning/promote-slm";
import { distillStatus, startDistillJob } from "@/server/learning/start-distill-job";
import { rollbackSlm } from "@/server/learning/rollback-slm";
import { activeSlmAdapter } from "@/server/learning/slm-adapters";
import { startFinetuneSlmJob } from "@/server/learning/start-finetune-slm-job";
import { buildSnapshot } from "@/server/training/build-snapshot";
import { shadowRun } from "@/server/triage/shadow";
import { COMPARED_FIELDS, shadowComparison } from "@/server/triage/shadow-comparison";
import { adminProcedure, router } from "../init";

const side = z.object({
  chrF: z.number(),
  rougeL: z.number(),
  // Null without held-out summaries agents verified; absent in runs scored before summaries were.
  summaryRougeL: z.number().nullable().default(null),
  tokensPerSecond: z.number().nullable(),
  ttftMs: z.number().nullable(),
});
/** What finetune-slm.ts writes into slm_runs.metrics; a run still training has none. */
const runMetrics = z.object({
  heldout: z.number(),
  heldoutSummaries: z.number().default(0),
  baseline: side,
  candidate: side,
  gain: z.number(),
  minGain: z.number(),
  guards: z.record(z.string(), z.boolean()),
});
const progress = z.object({ phase: z.string(), step: z.number().optional(), total: z.number().optional(), loss: z.number().optional() });

const agreement = z.object({ same: z.number(), compared: z.number() });
const shadowOutput = z.object({
  runId: z.uuid(),
  sample: z.number(),
  tickets: z.number(),
  errors: z.number(),
  agreement: z.object(Object.fromEntries(COMPARED_FIELDS.map((f) => [f, agreement])) as Record<(typeof COMPARED_FIELDS)[number], typeof agreement>),
  drafts: z.object({ withSentReply: z.number(), candidateChrF: z.number().nullable(), liveChrF: z.number().nullable() }),
  liveVersions: z.array(z.string()),
});
const runInput = z.object({ runId: z.uuid() });

const overviewOutput = z.object({
  active: z.object({ runId: z.string().nullable(), sha256: z.string().nullable(), pinned: z.boolean() }),
  /** The candidate in shadow mode and how it compares with the model in use on live tickets, or null. */
  shadow: shadowOutput.nullable(),
  /** The teacher model for distillation (SLM_TEACHER_MODEL) and its drafts so far, or null when none is set. */
  teacher: z.object({ model: z.string(), drafts: z.number(), passed: z.number() }).nullable(),
  runs: z.array(
    z.object({
      id: z.uuid(),
      status: z.enum(slmRuns.status.enumValues),
      snapshotId: z.string().nullable(),
      adapterSha256: z.string().nullable(),
      progress: progress.nullable(),
      metrics: runMetrics.nullable(),
      error: z.string().nullable(),
      createdAt: z.date(),
      finishedAt: z.date().nullable(),
    }),
  ),
  snapshots: z.array(
    z.object({
      id: z.uuid(),
      sha256: z.string(),
      seed: z.number(),
      examples: z.number(),
      train: z.number(),
      heldout: z.number(),
      byKind: z.record(z.string(), z.number()),
      distilled: z.number(),
      createdAt: z.date(),
    }),
  ),
});

/** The company's own SLM: training snapshots, LoRA fine-tunes with their scores, and the adapter in use. */
export const slmRouter = router({
  overview: adminProcedure.output(overviewOutput).query(async ({ ctx }) => {
    const [active, shadow, teacher, runs, snapshots] = await Promise.all([
      activeSlmAdapter(ctx.db),
      shadowRun(ctx.db),
      distillStatus(ctx.db),
      ctx.db.select().from(slmRuns).orderBy(desc(slmRuns.createdAt)).limit(20),
      ctx.db.select().from(datasetSnapshots).orderBy(desc(datasetSnapshots.createdAt)).limit(10),
    ]);
    return {
      active: { runId: active.runId, sha256: active.sha256, pinned: active.lora.length > 0 && !active.runId },
      shadow: shadow && { ...(await shadowComparison(ctx.db, shadow.id)), sample: shadow.sample },
      teacher,
      runs: runs.map((r) => ({
        id: r.id,
        status: r.status,
        snapshotId: r.snapshotId,
        adapterSha256: r.adapterSha256,
        progress: progress.safeParse(r.progress).data ?? null,
        metrics: runMetrics.safeParse(r.metrics).data ?? null,
        error: r.error,
        createdAt: r.createdAt,
        finishedAt: r.finishedAt,
      })),
      snapshots: snapshots.map((s) => ({
        id: s.id,
        sha256: s.sha256,
        seed: s.seed,
        // A row written without its figures must not take the whole card down.
        examples: s.stats.examples ?? 0,
        train: s.stats.train ?? 0,
        heldout: s.stats.heldout ?? 0,
        byKind: s.stats.byKind ?? {},
        distilled: s.stats.distilled ?? 0,
        createdAt: s.createdAt,
      })),
    };
  }),

  /** A snapshot of the verified data now (an identical one is returned instead of a copy). */
  takeSnapshot: adminProcedure
    .input(z.object({ seed: z.number().int().min(0).default(0) }))
    .output(z.object({ snapshotId: z.uuid(), examples: z.number() }))
    .mutation(async ({ ctx, input }) => {
      const s = await buildSnapshot(ctx.db, { seed: input.seed, userId: ctx.user.id });
      return { snapshotId: s.id, examples: s.stats.examples };
    }),

  /** Fine-tunes the chat model in the background; poll overview for its progress and outcome. */
  startFinetune: adminProcedure
    .input(z.object({}))
    .output(z.object({ runId: z.uuid() }))
    .mutation(async ({ ctx }) => ({ runId: (await startFinetuneSlmJob(ctx.db, { userId: ctx.user.id })).id })),

  /** Promotes the candidate in shadow mode after its live comparison: every worker swaps to it between jobs. */
  promoteShadow: adminProcedure
    .input(runInput)
    .output(z.object({ promoted: z.uuid(), retired: z.uuid().nullable() }))
    .mutation(({ ctx, input }) => promoteShadowSlm(ctx.db, { runId: input.runId, userId: ctx.user.id })),

  /** Ends shadow mode without promoting: the candidate is rejected and its adapter deleted. */
  stopShadow: adminProcedure
    .input(runInput)
    .output(z.object({ stopped: z.uuid() }))
    .mutation(({ ctx, input }) => stopShadowSlm(ctx.db, input)),

  /** Distillation: the teacher model drafts replies for unanswered tickets, as training data (background job). */
  startDistill: adminProcedure
    .input(z.object({ limit: z.number().int().min(1).max(10_000).default(50) }))
    .output(z.object({ queued: z.boolean() }))
    .mutation(({ ctx, input }) => startDistillJob(ctx.db, input)),

  /** Undoes the last promotion: the adapter it replaced (or the base model) is in use again on every worker. */
  rollback: adminProcedure
    .input(z.object({}))
    .output(z.object({ retired: z.uuid(), restored: z.uuid().nullable() }))
    .mutation(async ({ ctx }) => rollbackSlm(ctx.db, { userId: ctx.user.id })),
});
