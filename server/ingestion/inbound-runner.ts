import os from "node:os";
import { fileURLToPath } from "node:url";
import { Worker, type MessagePort } from "node:worker_threads";
import { Logger, run, type Task } from "graphile-worker";
import { closeDb, getDb, setDatabaseUrl } from "@/db/client";
import { jobPayloads } from "@/server/jobs/jobs";
import { tsxCjsApiPath } from "@/server/ts-thread";
import { processQueued } from "./pipeline";

/** The `process-inbound` task: parse one accepted item into a ticket message. A database error throws and is retried. */
export const processInboundTask: Task = async (payload) => {
  const { rawId } = jobPayloads["process-inbound"].parse(payload);
  await processQueued(getDb(), rawId);
};

/**
 * The runner's thread runs this much nicer than the thread that started it (Linux keeps a nice value per thread):
 * accepting (SMTP 250, REST 202, about a millisecond of CPU an item) comes first, parsing (several milliseconds)
 * takes what is left. During a burst the backlog waits, durable, instead of slowing every sender down; the runner
 * still gets about a tenth of a busy core, and all of an idle one.
 */
const INBOUND_NICER_BY = 10;

interface ThreadData {
  url: string;
  concurrency: number;
  nice: number;
}

type FromThread = { log: string } | { ready: true } | { fatal: string };

/** Inside the thread: runs `process-inbound` jobs until the parent says stop, then closes its database pool. */
export async function serveInboundThread(port: MessagePort, data: ThreadData) {
  const send = (m: FromThread) => port.postMessage(m);
  try {
    if (process.platform === "linux") os.setPriority(0, data.nice);
  } catch (err) {
    send({ log: `could not lower the runner's CPU priority (${(err as NodeJS.ErrnoException).code ?? "error"}): it competes with accepting` });
  }
  setDatabaseUrl(data.url);
  try {
    const runner = await run({
      // One line per job at info level would be hundreds a second under load: warnings and errors only.
      logger: new Logger(() => (level, message) => {
        if (level === "error" || level === "warning") send({ log: message });
      }),
      connectionString: data.url,
      concurrency: data.concurrency,
      noHandleSignals: true,
      // New jobs arrive by LISTEN/NOTIFY; the poll only catches what a lost notification missed.
      pollInterval: 1000,
      taskList: { "process-inbound": processInboundTask },
    });
    runner.promise.catch((err: Error) => send({ fatal: String(err.stack ?? err) }));
    port.on("message", (m) => {
      if (m !== "stop") return;
      void runner
        .stop()
        .then(closeDb)
        .finally(() => port.close());
    });
    send({ ready: true });
  } catch (err) {
    send({ fatal: String((err as Error).stack ?? err) });
    await closeDb();
    port.close();
  }
}

const THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
const { tsxApi, modulePath, data } = workerData;
require(tsxApi).require(modulePath, modulePath).serveInboundThread(parentPort, data);
`;

export interface InboundRunner {
  /** Finishes the jobs in hand, then ends the thread. */
  stop(): Promise<void>;
  /** Rejects if the runner stops by itself (its database connection lost for good, a crash): the caller restarts. */
  failed: Promise<never>;
}

/**
 * Runs `process-inbound` jobs only (inference workers never take them, nor this runner a triage), on a thread of its
 * own at a lower CPU priority: accepted mail becomes tickets within moments, even while every inference worker is
 * busy with a long triage, without slowing the SMTP receiver or the REST API down during a burst.
 */
export function startInboundRunner(opts: { url: string; concurrency: number; log?: (line: string) => void }): Promise<InboundRunner> {
  const log = opts.log ?? ((l: string) => console.warn(`[inbound] ${l}`));
  const modulePath = fileURLToPath(import.meta.url);
  // Relative to this thread: a process already started with `nice` keeps its receivers ahead of its runner.
  const data: ThreadData = { url: opts.url, concurrency: opts.concurrency, nice: Math.min(19, os.getPriority() + INBOUND_NICER_BY) };
  // Not the parent's tsx flags: its loader hooks would run on one more thread, for nothing.
  const worker = new Worker(THREAD, { eval: true, execArgv: [], workerData: { tsxApi: tsxCjsApiPath(), modulePath, data } });
  const exited = new Promise<number>((resolve) => worker.once("exit", resolve));
  let stopping = false;
  let onFatal: (err: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => (onFatal = reject));
  // Only observed by callers that watch it; an unwatched rejection must not crash the process.
  failed.catch(() => {});
  return new Promise<InboundRunner>((resolve, reject) => {
    worker.on("message", (m: FromThread) => {
      if ("log" in m) return log(m.log);
      if ("ready" in m) {
        const stop = async () => {
          stopping = true;
          worker.postMessage("stop");
          await exited;
        };
        return resolve({ stop, failed });
      }
      const err = new Error(`inbound runner: ${m.fatal}`);
      reject(err);
      onFatal(err);
      // Whatever is left of it must not hold jobs or connections while a new one starts.
      void worker.terminate();
    });
    worker.on("error", (err) => {
      reject(err);
      onFatal(err);
    });
    void exited.then((code) => {
      if (stopping) return;
      const err = new Error(`inbound runner thread exited (${code})`);
      reject(err);
      onFatal(err);
    });
  });
}
