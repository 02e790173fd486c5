/**
 * `npm run bench:triage [-- --tickets N]`: throughput and latency of triage + draft through the real pipeline
 * (Postgres queue, job handler, stored results, NOTIFY stream) at concurrency 1 and at SLM_SEQUENCES, and in the same
 * run a bare node-llama-cpp loop on the same engine and the same tickets, so the pipeline's overhead is a ratio.
 * Prints one JSON object. Uses a throwaway database on the configured server (DATABASE_URL or the embedded one).
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inArray } from "drizzle-orm";
import { Logger, run } from "graphile-worker";
import postgres from "postgres";
import { createDb } from "@/db/client";
import { connectDatabase, ensureDatabaseExists, withDatabase } from "@/db/connect";
import { migrateDatabase } from "@/db/migrate";
import { categories, triageResults } from "@/db/schema";
import { env } from "@/config/env";
import { subscribe } from "@/server/realtime/subscribe";
import { receiveMessage } from "@/server/tickets/receive-message";
import type { TriageDeps } from "@/server/triage/run-triage";
import { createTriageTask } from "@/server/triage/task";
import { registerModelVersion } from "@/server/training/model-registry";
import { resolveModel } from "@/models/catalog";
import { ensureModelFile, sha256File } from "@/models/fetch";
import { SlmEngine, type GenerateResult } from "@/models/runtime/engine";
import { DEFAULT_TONE, draftReply } from "@/models/tasks/draft";
import { triageTicket } from "@/models/tasks/triage";
import { SAMPLE_TAXONOMY } from "@/models/tasks/sample-taxonomy";

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N_TICKETS = arg("tickets", 8);

const TAXONOMY = SAMPLE_TAXONOMY;

interface Ticket {
  subject: string;
  text: string;
}

function pickTickets(n: number): Ticket[] {
  const demo = JSON.parse(readFileSync(path.join(here, "../server/seed/data/bitext-demo.json"), "utf8")) as { text: string; category: string }[];
  // Spread over the file so every category is represented; deterministic.
  const step = Math.max(1, Math.floor(demo.length / n));
  return Array.from({ length: n }, (_, i) => ({ subject: "Support request", text: demo[(i * step) % demo.length]!.text }));
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!);
};
const dist = (xs: number[]) => ({ p50: pct(xs, 50), p95: pct(xs, 95) });
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

interface Samples {
  wallMs: number;
  triage: { totalMs: number; tokens: number; genMs: number }[];
  drafts: { ttftMs: number; tokens: number; genMs: number }[];
  /** Queue phases only: message stored → triage stored, and time waiting for a worker. */
  endToEndMs?: number[];
  queueWaitMs?: number[];
}

/** Several runs of one side at one concurrency, pooled: tickets over total wall time, latencies over all samples. */
function summarize(concurrency: number, runs: Samples[]) {
  const triage = runs.flatMap((r) => r.triage);
  const drafts = runs.flatMap((r) => r.drafts);
  const wallMs = runs.reduce((a, r) => a + r.wallMs, 0);
  const tokens = [...triage, ...drafts].reduce((a, r) => a + r.tokens, 0);
  const decodeMs = [...triage, ...drafts].reduce((a, r) => a + r.genMs, 0);
  const endToEnd = runs.flatMap((r) => r.endToEndMs ?? []);
  const queueWait = runs.flatMap((r) => r.queueWaitMs ?? []);
  return {
    concurrency,
    tickets: triage.length,
    wallSeconds: round(wallMs / 1000, 1),
    ticketsPerMinute: round((triage.length * 60_000) / wallMs),
    outputTokensPerMinute: Math.round((tokens * 60_000) / wallMs),
    triageLatencyMs: dist(triage.map((r) => r.totalMs)),
    draftTtftMs: dist(drafts.map((r) => r.ttftMs)),
    // Aggregate decode rate: all output tokens over the time spent decoding (after each first token).
    generationTokensPerSecond: round(decodeMs > 0 ? (tokens * 1000) / decodeMs : 0, 1),
    ...(endToEnd.length ? { endToEndMs: dist(endToEnd), queueWaitMs: dist(queueWait) } : {}),
  };
}

// stdout carries only the JSON report.
const stderrLogger = new Logger(() => (level, message) => {
  if (level !== "debug") process.stderr.write(`[queue] ${level}: ${message}\n`);
});

const genMs = (g: GenerateResult) => Math.max(0, g.timings.totalMs - g.timings.waitMs - g.timings.ttftMs);

async function bareLoop(engine: SlmEngine, tickets: Ticket[], concurrency: number): Promise<Samples> {
  const triage: { totalMs: number; tokens: number; genMs: number }[] = [];
  const drafts: { ttftMs: number; tokens: number; genMs: number }[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tickets.length) {
        const t = tickets[next++]!;
        const tr = await triageTicket(engine, { ...t, categories: TAXONOMY }, { timeoutMs: env.SLM_TIMEOUT_MS }).catch((e) => e.generation as GenerateResult | undefined);
        const g = tr && "generation" in tr ? tr.generation : tr;
        if (g) triage.push({ totalMs: g.timings.totalMs, tokens: g.usage.completionTokens, genMs: genMs(g) });
        const result = tr && "result" in tr ? tr.result : null;
        const d = await draftReply(
          engine,
          { subject: t.subject, thread: [{ from: "customer", text: t.text }], triage: result ? { category: result.category, summary: result.summary, language: result.language } : null, tone: DEFAULT_TONE },
          { timeoutMs: env.SLM_TIMEOUT_MS },
        );
        drafts.push({ ttftMs: d.timings.ttftMs, tokens: d.usage.completionTokens, genMs: genMs(d) });
      }
    }),
  );
  return { wallMs: performance.now() - t0, triage, drafts };
}

async function queuePhase(url: string, deps: TriageDeps, tickets: Ticket[], concurrency: number): Promise<Samples> {
  const db = deps.db;
  const runner = await run({ connectionString: url, concurrency, noHandleSignals: true, pollInterval: 1000, logger: stderrLogger, taskList: { triage: createTriageTask(deps) } as never });
  // Completion is heard the way the browser hears it (NOTIFY), not by polling: a polling loop would load the same
  // two cores the model runs on and bill the pipeline for the benchmark's own overhead.
  const controller = new AbortController();
  const events = await subscribe(db, (e) => e.type === "triage" && ((e.phase === "draft" && e.status !== "running") || e.status === "failed"), controller.signal);
  const t0 = performance.now();
  const ids: string[] = [];
  const tickets_ = new Set<string>();
  for (const t of tickets) {
    const r = await receiveMessage(db, { channel: "api", from: { email: `bench-${ids.length}@example.com` }, subject: t.subject, text: t.text, actor: { kind: "system", label: "bench" } });
    ids.push(r.messageId);
    tickets_.add(r.ticketId);
  }
  const finished = new Set<string>();
  for await (const e of events) {
    if (tickets_.has(e.ticketId)) finished.add(e.ticketId);
    if (finished.size === tickets_.size) break;
  }
  controller.abort();
  const wallMs = performance.now() - t0;
  await runner.stop();
  const rows = await db.select().from(triageResults).where(inArray(triageResults.messageId, ids));
  return {
    wallMs,
    triage: rows.map((r) => ({ totalMs: r.totalMs ?? 0, tokens: r.completionTokens ?? 0, genMs: Math.max(0, (r.totalMs ?? 0) - (r.ttftMs ?? 0)) })),
    drafts: rows.filter((r) => r.draftTtftMs !== null).map((r) => ({ ttftMs: r.draftTtftMs!, tokens: r.draftCompletionTokens ?? 0, genMs: Math.max(0, (r.draftTotalMs ?? 0) - (r.draftTtftMs ?? 0)) })),
    endToEndMs: rows.map((r) => (r.finishedAt && r.enqueuedAt ? r.finishedAt.getTime() - r.enqueuedAt.getTime() : 0)),
    queueWaitMs: rows.map((r) => r.queueWaitMs ?? 0),
  };
}

async function main() {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const { url: appUrl, embedded } = await connectDatabase({ log });
  const name = `deskling_bench_${Date.now()}`;
  await ensureDatabaseExists(appUrl, name);
  const url = withDatabase(appUrl, name);
  await migrateDatabase(url);
  const db = createDb(url);
  await db.insert(categories).values(TAXONOMY.map((c, i) => ({ ...c, position: i })));

  const sequences = env.SLM_SEQUENCES;
  const modelPath = await ensureModelFile(env.SLM_MODEL, { role: "chat", log });
  const engine = await SlmEngine.load({ modelPath, modelId: resolveModel(env.SLM_MODEL, "chat").id, threads: env.SLM_THREADS, sequences, contextSize: env.SLM_CONTEXT_SIZE, gpu: env.SLM_GPU, log });
  await registerModelVersion(db, { id: engine.modelVersion, modelId: engine.options.modelId, fileSha256: await sha256File(modelPath), backend: engine.llama.gpu || "cpu" });
  const deps: TriageDeps = { db, engine, modelVersion: engine.modelVersion, workerId: "bench", timeoutMs: env.SLM_TIMEOUT_MS };
  const tickets = pickTickets(N_TICKETS);
  const loadBefore = os.loadavg();

  // Warm-up: first-call costs (grammar compilation, caches) belong to neither side.
  await bareLoop(engine, tickets.slice(0, 1), 1);

  // A B B A per concurrency: slow drifts in machine load (other processes on shared cores) hit both sides alike.
  // Each queue run stores the same tickets under new message ids, so they are new jobs.
  const sides = { bare: {} as Record<number, Samples[]>, queue: {} as Record<number, Samples[]> };
  for (const c of [...new Set([1, sequences])]) {
    const bare = () => bareLoop(engine, tickets, c);
    const queue = () => queuePhase(url, deps, tickets, c);
    sides.bare[c] = [];
    sides.queue[c] = [];
    for (const [side, go] of [["bare", bare], ["queue", queue], ["queue", queue], ["bare", bare]] as const) {
      log(`[bench] ${side}, concurrency ${c}`);
      sides[side][c]!.push(await go());
    }
  }
  const bare1 = summarize(1, sides.bare[1]!);
  const bareN = summarize(sequences, sides.bare[sequences]!);
  const queue1 = summarize(1, sides.queue[1]!);
  const queueN = summarize(sequences, sides.queue[sequences]!);

  const report = {
    benchmark: "triage",
    model: engine.options.modelId,
    modelVersion: engine.modelVersion,
    backend: engine.llama.gpu || "cpu",
    threads: env.SLM_THREADS,
    sequences,
    tickets: tickets.length,
    cpus: os.availableParallelism(),
    loadAverage: { before: loadBefore.map((x) => round(x)), after: os.loadavg().map((x) => round(x)) },
    queue: { concurrency1: queue1, concurrencyN: queueN },
    bare: { concurrency1: bare1, concurrencyN: bareN },
    // Pipeline throughput as a fraction of the bare loop's (1 = no overhead).
    throughputRatio: {
      concurrency1: round(queue1.ticketsPerMinute / bare1.ticketsPerMinute, 3),
      concurrencyN: round(queueN.ticketsPerMinute / bareN.ticketsPerMinute, 3),
    },
  };
  console.log(JSON.stringify(report, null, 2));

  await engine.dispose();
  await db.$sql.end();
  const admin = postgres(appUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
  await admin.end();
  if (embedded?.owned) await embedded.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

