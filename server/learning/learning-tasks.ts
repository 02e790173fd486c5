import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Task } from "graphile-worker";
import { and, eq, inArray } from "drizzle-orm";
import { env } from "@/config/env";
import type { Db } from "@/db/client";
import { encoderRuns, importJobs, slmRuns } from "@/db/schema";
import { jobPayloads } from "@/server/jobs/jobs";
import { runCli } from "./spawn-cli";

/**
 * The queued jobs of the learning loop. Each runs its CLI as a child process; the CLI records its own outcome in
 * its row, so a child that dies first (killed, bad install) is recorded here and the row never stays "running".
 * Not retried: a failed import or fine-tune is shown with its log and started again by a person.
 */
export function createLearningTasks(db: Db): { "learning-import": Task; "encoder-finetune": Task; "slm-finetune": Task; "slm-distill": Task } {
  return {
    "learning-import": async (payload, helpers) => {
      const p = jobPayloads["learning-import"].parse(payload);
      const args = ["server/cli/import.ts", "--job", p.importJobId, "--file", p.file, "--field", p.field, "--text-col", p.textCol];
      if (p.labelCol) args.push("--label-col", p.labelCol);
      if (p.createLabels) args.push("--create-labels");
      const log = `${p.file}.log`;
      const exit = await runCli(args, log, helpers.abortSignal);
      if (exit !== "0")
        await db
          .update(importJobs)
          .set({ status: "failed", phase: "done", error: `import process exited (${exit}); see ${log}`, finishedAt: new Date() })
          .where(and(eq(importJobs.id, p.importJobId), eq(importJobs.status, "running")));
    },
    "encoder-finetune": async (payload, helpers) => {
      const p = jobPayloads["encoder-finetune"].parse(payload);
      const exit = await runCli(["server/cli/finetune.ts", "--run", p.runId, "--field", p.field], p.logFile, helpers.abortSignal);
      if (exit !== "0")
        await db
          .update(encoderRuns)
          .set({ status: "failed", error: `fine-tune process exited (${exit}); see ${p.logFile}`, finishedAt: new Date() })
          .where(and(eq(encoderRuns.id, p.runId), eq(encoderRuns.status, "training")));
    },
    "slm-finetune": async (payload, helpers) => {
      const p = jobPayloads["slm-finetune"].parse(payload);
      const exit = await runCli(["server/cli/finetune-slm.ts", "--run", p.runId], p.logFile, helpers.abortSignal);
      if (exit !== "0")
        await db
          .update(slmRuns)
          .set({ status: "failed", error: `fine-tune process exited (${exit}); see ${p.logFile}`, finishedAt: new Date() })
          .where(and(eq(slmRuns.id, p.runId), inArray(slmRuns.status, ["training", "scoring"])));
    },
    // Each draft is stored as it is written: a child that dies keeps what it finished, and the next run goes on.
    "slm-distill": async (payload, helpers) => {
      const p = jobPayloads["slm-distill"].parse(payload);
      const logFile = path.resolve(env.DESKLING_DATA_DIR, "adapters", "distill.log");
      await mkdir(path.dirname(logFile), { recursive: true });
      const exit = await runCli(["server/cli/distill-slm.ts", "--limit", String(p.limit)], logFile, helpers.abortSignal);
      if (exit !== "0") throw new Error(`distillation process exited (${exit}); see ${logFile}`);
    },
  };
}
