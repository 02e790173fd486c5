/**
 * The inference worker (`npm run worker`): one model, one context with SLM_SEQUENCES sequences, and a graphile-worker
 * runner taking that many jobs at once from the Postgres queue. Needs only DATABASE_URL (or the embedded Postgres)
 * and a model; run several against one database to share the queue.
 */
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { makeWorkerUtils, run, type WorkerEvents } from "graphile-worker";
import { closeDb, getDb } from "@/db/client";
import { connectDatabase } from "@/db/connect";
import { resolveModel } from "@/models/catalog";
import { ensureModelFile, sha256File } from "@/models/fetch";
import { SlmEngine } from "@/models/runtime/engine";
import { EngineSlot } from "@/models/runtime/engine-slot";
import { disposeSharedLlama } from "@/models/runtime/llama";
import { env } from "@/config/env";
import { isDatabaseError, reportError } from "@/server/errors";
import { getProcessLearner, stopProcessLearner } from "@/server/learning/classify-for-triage";
import { activeSlmAdapter, SLM_CHANNEL } from "@/server/learning/slm-adapters";
import { learnerHints } from "@/server/triage/learner-hints";
import { screenTicket } from "@/server/triage/screen-instructions";
import { createShadowTask } from "@/server/triage/run-shadow";
import { learnerUsage } from "@/server/triage/learner-usage";
import { createBackgroundTaskList, createTaskList } from "./worker-tasks";
import { WorkerPresence } from "@/server/triage/worker-registry";
import { registerVersion } from "@/server/training/model-registry";
import { PROMPT_VERSION } from "@/models/tasks/prompt-version";

const log = (line: string) => console.log(line);
const id = `worker-${randomUUID().slice(0, 8)}`;

async function main() {
  const { url, embedded } = await connectDatabase({ log });
  const db = getDb();
  const modelPath = await ensureModelFile(env.SLM_MODEL, { role: "chat", log });
  log(`[worker] ${id}: threads ${env.SLM_THREADS}, sequences ${env.SLM_SEQUENCES}`);
  const chatModelId = resolveModel(env.SLM_MODEL, "chat").id;
  const baseSha256 = await sha256File(modelPath);
  // The base model plus the promoted fine-tune's adapter (or SLM_LORA, when pinned); its adapter's hash, per engine.
  const adapterOf = new WeakMap<SlmEngine, string | null>();
  const load = (lora: string[], sequences: number) =>
    SlmEngine.load({ modelPath, modelId: chatModelId, threads: env.SLM_THREADS, sequences, contextSize: env.SLM_CONTEXT_SIZE, gpu: env.SLM_GPU, lora, log });
  const loadEngine = async () => {
    const adapter = await activeSlmAdapter(db, { log });
    const engine = await load(adapter.lora, env.SLM_SEQUENCES);
    adapterOf.set(engine, adapter.sha256 ?? (adapter.lora[0] ? await sha256File(adapter.lora[0]) : null));
    return engine;
  };
  // Each triage names its whole pipeline: this engine, the learner's encoder and classifier (swapped on promotion,
  // so asked per job) and the prompts. Without a learner (off, or failing to start) those two parts are "none".
  const versionOf = async (engine: SlmEngine) => {
    const learner = env.SLM_TRIAGE_HINTS ? await getProcessLearner(log).catch(() => null) : null;
    return registerVersion(db, {
      slmVersion: engine.modelVersion,
      modelId: chatModelId,
      fileSha256: baseSha256,
      adapterSha256: adapterOf.get(engine) ?? null,
      backend: engine.llama.gpu === false ? "cpu" : engine.llama.gpu,
      encoder: learner?.modelId ?? "none",
      classifier: learner?.classifierVersion ?? "none",
      promptVersion: PROMPT_VERSION,
    });
  };
  const engines = new EngineSlot(await loadEngine());
  const engine = engines.engine;
  // A promoted or rolled-back fine-tune: load it beside the running model, then new jobs take it; running jobs finish
  // on the old one, which is freed after them. Notices are handled one at a time, the last one wins.
  let swapping = Promise.resolve();
  const { unlisten: stopAdapterListen } = await db.$sql.listen(SLM_CHANNEL, () => {
    swapping = swapping
      .then(async () => {
        const next = await loadEngine();
        if (next.modelVersion === engines.engine.modelVersion) return void (await next.dispose());
        await engines.swap(next);
        await presence.setModelVersion(next.modelVersion);
        log(`[worker] ${id}: now running ${next.modelVersion}`);
      })
      .catch((err) => log(`[worker] adapter swap failed, still running ${engines.engine.modelVersion}: ${String(err)}`));
  });

  const hints = env.SLM_TRIAGE_HINTS ? (t: { ticketId?: string; subject: string; text: string }) => learnerHints(t) : undefined;
  // A candidate in shadow mode: its own engine (one sequence), loaded on its first job.
  const shadow = createShadowTask({ db, hints, timeoutMs: env.SLM_TIMEOUT_MS, loadEngine: (lora) => load(lora, 1), log });

  const events: WorkerEvents = new EventEmitter();
  const queueWorkerIds: string[] = [];
  // graphile-worker locks a job with its pool's id (and, without a local queue, the worker's): register both.
  events.on("pool:create", ({ workerPool }) => queueWorkerIds.push(workerPool.id));
  events.on("worker:create", ({ worker }) => queueWorkerIds.push(worker.workerId));

  const runner = await run({
    connectionString: url,
    concurrency: env.WORKER_CONCURRENCY ?? engine.sequences,
    noHandleSignals: true,
    pollInterval: 2000,
    events,
    taskList: createTaskList({
      triage: {
        db,
        engine,
        modelVersion: engine.modelVersion,
        versionOf,
        workerId: id,
        timeoutMs: env.SLM_TIMEOUT_MS,
        hints,
        screen: env.SLM_TRIAGE_HINTS ? (text) => screenTicket(text) : undefined,
        draftSource: env.TRIAGE_DRAFT_SOURCE,
        log,
      },
      engines,
      shadow: shadow.task,
    }) as never,
  });
  const background = await run({
    connectionString: url,
    concurrency: 1,
    noHandleSignals: true,
    pollInterval: 2000,
    events,
    taskList: createBackgroundTaskList(db) as never,
  });
  const queueUtils = await makeWorkerUtils({ connectionString: url });
  const presence = await WorkerPresence.start({
    db,
    url,
    id,
    queueWorkerIds,
    modelVersion: engine.modelVersion,
    sequences: engine.sequences,
    releaseJobs: (ids) => queueUtils.forceUnlockWorkers(ids),
    log,
  });
  log(`[worker] ${id} ready: ${queueWorkerIds.length} queue workers`);
  // The learner's share of live triage, in the worker's log every 10 minutes (the admin page shows the same figures).
  const metrics = setInterval(() => {
    void learnerUsage(db, { hours: 1 })
      .then((u) => {
        const mine = u.workers.find((w) => w.workerId === id);
        if (mine) log(`[worker] last hour: ${mine.total} triages, ${mine.withoutLearner} without the learner${mine.withoutLearner && u.lastFailure ? ` (last: ${u.lastFailure.error})` : ""}`);
      })
      .catch(() => {});
  }, 600_000);
  metrics.unref();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`[worker] ${signal}: finishing running jobs`);
    // Hard deadline: whatever is still running after it is given back to the queue by the other workers.
    setTimeout(() => process.exit(1), 30_000).unref();
    // Each step bounded: with the database down a step that needs it fails or times out, and the rest still runs.
    const step = (name: string, p: () => unknown, ms = 10_000) =>
      Promise.race([Promise.resolve().then(p), new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), ms).unref())]).catch((err: Error) =>
        log(`[worker] stop ${name}: ${err.name === "Error" ? err.message : err.name}`),
      );
    // Under `npm start`'s 10 s kill deadline: a job still running after this goes back to the queue (presence reaper).
    await step("runners", () => Promise.all([runner.stop(), background.stop()]), 6000);
    await step("presence", () => presence.stop(), 3000);
    await step("queue", () => queueUtils.release(), 3000);
    await step("adapter listen", () => stopAdapterListen(), 3000);
    await step("engine", () => Promise.all([engines.dispose(), shadow.dispose()]));
    await step("learner", () => stopProcessLearner(), 3000);
    await step("llama", () => disposeSharedLlama());
    await step("database", () => closeDb(), 3000);
    if (embedded?.owned) await embedded.stop();
    log("[worker] stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  await Promise.all([runner.promise, background.promise]);
}

main().catch((err) => {
  // A start-up problem (no model, no database) is worth its message; a failed query's message quotes its values.
  if (isDatabaseError(err)) reportError("worker", err);
  else console.error(`[worker] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
