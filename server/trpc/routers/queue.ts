import { z } from "zod";
import { queueOverview } from "@/server/jobs/triage-queue";
import { adminProcedure, router } from "../init";

const overview = z.object({
  depth: z.array(
    z.object({ task: z.string(), priority: z.number(), class: z.enum(["now", "live", "background", "backfill"]), queued: z.number(), running: z.number(), retrying: z.number() }),
  ),
  oldestWaitSeconds: z.record(z.string(), z.number()),
  throughput: z.object({ perMinute: z.number().nullable(), basis: z.enum(["recent", "estimate", "none"]) }),
  perWorker: z.array(
    z.object({
      workerId: z.string().nullable(),
      modelVersion: z.string(),
      done: z.number(),
      failed: z.number(),
      avgSeconds: z.number().nullable(),
      avgWaitSeconds: z.number().nullable(),
      lastAt: z.string().nullable(),
    }),
  ),
  workers: z.array(z.object({ id: z.string(), host: z.string(), modelVersion: z.string().nullable(), sequences: z.number(), heartbeatAt: z.string() })),
  failedJobs: z.array(
    z.object({
      id: z.string(),
      task: z.string(),
      attempts: z.number(),
      maxAttempts: z.number(),
      lastError: z.string().nullable(),
      updatedAt: z.string(),
      key: z.string().nullable(),
      dead: z.boolean(),
    }),
  ),
  failedTriage: z.array(z.object({ ticketId: z.string(), number: z.number(), error: z.string().nullable(), updatedAt: z.string() })),
});

/** Admin: the background queue as it is now. */
export const queueRouter = router({
  overview: adminProcedure.input(z.object({})).output(overview).query(({ ctx }) => queueOverview(ctx.db)),
});
