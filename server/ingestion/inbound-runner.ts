import { Logger, run, type Runner, type Task } from "graphile-worker";
import { getDb } from "@/db/client";
import { jobPayloads } from "@/server/jobs/jobs";
import { processQueued } from "./pipeline";

/** The `process-inbound` task: parse one accepted item into a ticket message. A database error throws and is retried. */
export const processInboundTask: Task = async (payload) => {
  const { rawId } = jobPayloads["process-inbound"].parse(payload);
  await processQueued(getDb(), rawId);
};

/**
 * Runs `process-inbound` jobs only (inference workers never take them, nor this runner a triage): accepted mail
 * becomes tickets within moments even while every inference worker is busy with a long triage.
 */
export async function startInboundRunner(opts: { url: string; concurrency: number; log?: (line: string) => void }): Promise<Runner> {
  const log = opts.log ?? ((l: string) => console.warn(`[inbound] ${l}`));
  return run({
    // One line per job at info level would be hundreds a second under load: warnings and errors only.
    logger: new Logger(() => (level, message) => {
      if (level === "error" || level === "warning") log(message);
    }),
    connectionString: opts.url,
    concurrency: opts.concurrency,
    noHandleSignals: true,
    // New jobs arrive by LISTEN/NOTIFY; the poll only catches what a lost notification missed.
    pollInterval: 1000,
    taskList: { "process-inbound": processInboundTask },
  });
}
