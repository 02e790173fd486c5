/**
 * `npm run bench:chaos`: a fresh `npm start` (own data folder and ports) under a steady load of SMTP mail and REST
 * tickets, then an SMTP flood at twice the capacity measured first, a Postgres crash (SIGKILL of the postmaster) that
 * `npm start` must repair by itself, and a worker SIGKILL. Every message carries a unique marker; at the end every
 * accepted one must be stored (lost = 0), and the log of the whole run is searched for every marker and every
 * secret used (API key, webhook secret, auth secret): none may appear. Prints one JSON object.
 *
 * Flags: --port 3103 --pg-port 54353 --smtp-port 2533 --flood-seconds 10 --steady-rate 4 --drain-seconds 90
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import nodemailer from "nodemailer";
import postgres from "postgres";

const { values: flags } = parseArgs({
  options: {
    port: { type: "string", default: "3103" },
    "pg-port": { type: "string", default: "54353" },
    "smtp-port": { type: "string", default: "2533" },
    "flood-seconds": { type: "string", default: "10" },
    "steady-rate": { type: "string", default: "4" },
    "drain-seconds": { type: "string", default: "90" },
  },
});
const PORT = Number(flags.port);
const PG_PORT = Number(flags["pg-port"]);
const SMTP_PORT = Number(flags["smtp-port"]);
const root = path.resolve(import.meta.dirname, "..");
const say = (l: string) => process.stderr.write(`[chaos] ${l}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, d = 1) => Number(n.toFixed(d));

// ---------------------------------------------------------------------------------------------------------------
// The system under test, with its whole output kept for the final search.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskling-chaos-"));
fs.chmodSync(dataDir, 0o755);
const logFile = path.join(root, "bench", ".data", `chaos-${Date.now()}.log`);
fs.mkdirSync(path.dirname(logFile), { recursive: true });
const logOut = fs.createWriteStream(logFile);
let logText = "";
const lines: { at: number; line: string }[] = [];

function startDeskling(): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "server/cli/start.ts")], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(PORT),
      EMBEDDED_PG_PORT: String(PG_PORT),
      SMTP_PORT: String(SMTP_PORT),
      DESKLING_DATA_DIR: dataDir,
      DEMO_TICKETS: "0",
      SLM_THREADS: "1",
      OMP_NUM_THREADS: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const s of [child.stdout!, child.stderr!]) {
    s.on("data", (b: Buffer) => {
      const text = b.toString();
      logText += text;
      logOut.write(text);
      for (const line of text.split("\n")) if (line.trim()) lines.push({ at: performance.now(), line });
    });
  }
  return child;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    if (await check().catch(() => false)) return performance.now() - t0;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}
const healthy = async () => (await fetch(`http://127.0.0.1:${PORT}/api/health`)).status === 200;

// ---------------------------------------------------------------------------------------------------------------
// Senders. Each message has a marker in its subject and body; outcomes are tallied per phase.
type Outcome = "accepted" | "temporary" | "permanent" | "error";
interface Sent {
  marker: string;
  channel: "smtp" | "rest";
  phase: string;
  outcome: Outcome;
  at: number;
  ms: number;
}
const sent: Sent[] = [];
let phase = "warmup";

const transports = new Map<number, nodemailer.Transporter>();
function transport(connections: number) {
  let t = transports.get(connections);
  if (!t) {
    t = nodemailer.createTransport({ host: "127.0.0.1", port: SMTP_PORT, secure: false, ignoreTLS: true, pool: true, maxConnections: connections, maxMessages: Infinity });
    transports.set(connections, t);
  }
  return t;
}

async function sendSmtp(connections: number) {
  const marker = `chaos-${randomUUID()}`;
  const t0 = performance.now();
  const rec: Sent = { marker, channel: "smtp", phase, outcome: "error", at: t0, ms: 0 };
  sent.push(rec);
  try {
    await transport(connections).sendMail({
      from: `"Chaos Customer" <customer-${marker.slice(6, 14)}@example.com>`,
      to: "help@support.test",
      subject: `Order problem ${marker}`,
      text: `Hello, my order has not arrived. Private details: ${marker} card ending 4242.\n`,
    });
    rec.outcome = "accepted";
  } catch (err) {
    const code = (err as { responseCode?: number }).responseCode;
    rec.outcome = code && code >= 400 && code < 500 ? "temporary" : code && code >= 500 ? "permanent" : "temporary";
  }
  rec.ms = performance.now() - t0;
}

let apiKey = "";
async function sendRest() {
  const marker = `chaos-${randomUUID()}`;
  const t0 = performance.now();
  const rec: Sent = { marker, channel: "rest", phase, outcome: "error", at: t0, ms: 0 };
  sent.push(rec);
  try {
    const res = await fetch(`http://127.0.0.1:${PORT}/api/v1/tickets`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ from: { email: `api-${marker.slice(6, 14)}@example.com` }, subject: `API ${marker}`, text: `Order issue ${marker} card ending 4242` }),
    });
    await res.arrayBuffer();
    rec.outcome = res.status < 300 ? "accepted" : res.status === 503 || res.status === 429 ? "temporary" : res.status >= 500 ? "error" : "permanent";
  } catch {
    rec.outcome = "temporary";
  }
  rec.ms = performance.now() - t0;
}

/** Sends at `rate` a second (each send in flight on its own) until `stop()` is called. */
function steady(rate: number, fn: () => Promise<void>) {
  let running = true;
  const inflight = new Set<Promise<void>>();
  const loop = (async () => {
    while (running) {
      const p = fn().finally(() => inflight.delete(p));
      inflight.add(p);
      await sleep(1000 / rate);
    }
  })();
  return async () => {
    running = false;
    await loop;
    await Promise.all(inflight);
  };
}

const tally = (rows: Sent[]) => ({
  sent: rows.length,
  accepted: rows.filter((r) => r.outcome === "accepted").length,
  temporaryRefusals: rows.filter((r) => r.outcome === "temporary").length,
  permanentRefusals: rows.filter((r) => r.outcome === "permanent").length,
  errors: rows.filter((r) => r.outcome === "error").length,
});

function childPid(pattern: string): number | undefined {
  const out = execFileSync("ps", ["-eo", "pid,args"], { encoding: "utf8" });
  const line = out.split("\n").find((l) => l.includes(pattern) && l.includes(root) && !l.includes("ps -eo"));
  return line ? Number(line.trim().split(/\s+/)[0]) : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
let deskling: ChildProcess | undefined;

async function main() {
  say(`data ${dataDir}, log ${logFile}`);
  const tStart = performance.now();
  const child = startDeskling();
  deskling = child;
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  await waitFor("the web server", healthy, 15 * 60_000);
  await waitFor("the SMTP receiver", async () => lines.some((l) => l.line.includes("SMTP receiver on")), 60_000);
  await waitFor("a worker", async () => lines.some((l) => /\[worker\] worker-\w+ ready/.test(l.line)), 5 * 60_000);
  const startSeconds = (performance.now() - tStart) / 1000;
  say(`up in ${startSeconds.toFixed(0)} s`);

  // Secrets this run uses; the log must never contain them.
  const sql = postgres(`postgres://deskling:deskling@127.0.0.1:${PG_PORT}/deskling`, { max: 2, onnotice: () => {}, connect_timeout: 3 });
  const { createApiKey } = await import("@/server/ingestion/api/keys");
  const { createWebhookSource } = await import("@/server/ingestion/webhooks/sources");
  const { createDb } = await import("@/db/client");
  const adminDb = createDb(`postgres://deskling:deskling@127.0.0.1:${PG_PORT}/deskling`, { max: 2 });
  apiKey = (await createApiKey(adminDb, { name: "chaos", scopes: ["tickets:write"], createdBy: null })).key;
  const hook = await createWebhookSource(adminDb, { name: `chaos-${Date.now()}`, kind: "generic" });
  await adminDb.$sql.end();
  const authSecret = fs.readFileSync(path.join(dataDir, "auth-secret"), "utf8").trim();
  // A signed webhook and an unsigned one (refused): the secret itself never travels, its HMAC does.
  const hookBody = JSON.stringify({ event: "ticket.created", ticket: { id: randomUUID(), subject: "webhook", description: "hook" } });
  await fetch(`http://127.0.0.1:${PORT}/api/ingest/webhooks/${hook.name}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-deskling-signature": `sha256=${createHmac("sha256", hook.secret).update(hookBody).digest("hex")}` },
    body: hookBody,
  });

  // 1. Capacity: as fast as 16 connections go, 400 messages.
  phase = "capacity";
  const t1 = performance.now();
  await Promise.all(Array.from({ length: 16 }, async (_, i) => {
    for (let n = i; n < 400; n += 16) await sendSmtp(16);
  }));
  const capacity = sent.filter((s) => s.phase === "capacity" && s.outcome === "accepted").length / ((performance.now() - t1) / 1000);
  say(`capacity ${capacity.toFixed(1)} msg/s`);

  // Steady load for the rest of the run: SMTP and REST.
  const rate = Number(flags["steady-rate"]);
  phase = "steady";
  const stopSmtp = steady(rate, () => sendSmtp(4));
  const stopRest = steady(Math.max(1, rate / 4), sendRest);
  await sleep(5000);

  // 2. Flood at twice the capacity.
  phase = "flood";
  const floodRate = capacity * 2;
  const stopFlood = steady(floodRate, () => sendSmtp(32));
  await sleep(Number(flags["flood-seconds"]) * 1000);
  await stopFlood();
  phase = "steady";
  say("flood done");
  await sleep(5000);

  // 3. Postgres crash: SIGKILL of the postmaster; npm start must bring it back.
  const pmPid = Number(fs.readFileSync(path.join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
  phase = "db-outage";
  const tKill = performance.now();
  process.kill(pmPid, "SIGKILL");
  say(`killed postmaster ${pmPid}`);
  await sleep(500);
  const degraded = (await fetch(`http://127.0.0.1:${PORT}/api/health`).then((r) => r.status).catch(() => 0)) === 503;
  const firstAcceptedAfter = () => sent.find((s) => s.channel === "smtp" && s.at > tKill && s.outcome === "accepted");
  await waitFor("mail to be accepted again", async () => !!firstAcceptedAfter(), 120_000);
  await waitFor("health", healthy, 60_000);
  const healthBackMs = performance.now() - tKill;
  const smtpRecoveryMs = firstAcceptedAfter()!.at - tKill;
  const refusalsDuringOutage = sent.filter((s) => s.at > tKill && s.at < tKill + smtpRecoveryMs && s.outcome === "temporary");
  phase = "steady";
  await sleep(5000);

  // 4. Worker SIGKILL while it triages; npm start restarts it and its jobs go back to the queue.
  const workerPid = childPid("server/cli/worker.ts");
  const triagedBefore = Number((await sql`select count(*)::int as n from triage_results where status in ('done','needs_human')`)[0]!.n);
  const tWorker = performance.now();
  if (workerPid) process.kill(workerPid, "SIGKILL");
  say(`killed worker ${workerPid}`);
  const workerBackMs = await waitFor("a new worker", async () => (childPid("server/cli/worker.ts") ?? workerPid) !== workerPid && lines.some((l) => l.at > tWorker && /\[worker\] worker-\w+ ready/.test(l.line)), 5 * 60_000);
  const triageResumedMs = await waitFor(
    "a triage after the worker kill",
    async () => Number((await sql`select count(*)::int as n from triage_results where status in ('done','needs_human')`)[0]!.n) > triagedBefore,
    5 * 60_000,
  )
    .then(() => performance.now() - tWorker)
    .catch(() => null);

  await sleep(3000);
  await stopSmtp();
  await stopRest();
  for (const t of transports.values()) t.close();
  phase = "drain";

  // 5. Every accepted message stored? (The mail process's sweep finishes any stored-but-deferred item.)
  const accepted = sent.filter((s) => s.outcome === "accepted");
  const rows = await sql<{ subject_marker: string | null; status: string }[]>`
    select substring(encode(bytes, 'escape') from 'chaos-[0-9a-f-]{36}') as subject_marker, status from raw_inbound`;
  const stored = new Set(rows.map((r) => r.subject_marker).filter(Boolean));
  const lost = accepted.filter((s) => !stored.has(s.marker));
  const rawStatus = Object.fromEntries(
    (await sql<{ status: string; n: number }[]>`select status, count(*)::int as n from raw_inbound group by status`).map((r) => [r.status, r.n]),
  );

  // 6. Triage completion after a bounded drain (on 2 CPU cores a few tickets a minute are triaged: most of the
  // flood stays queued; what matters is that jobs move and none stays locked by the killed worker).
  await sleep(Number(flags["drain-seconds"]) * 1000);
  const triage = Object.fromEntries(
    (await sql<{ status: string; n: number }[]>`select status::text, count(*)::int as n from triage_results group by status`).map((r) => [r.status, r.n]),
  );
  const jobs = (await sql<{ queued: number; locked: number; locked_by_dead: number; failed: number }[]>`
    select count(*)::int as queued,
           count(*) filter (where locked_by is not null)::int as locked,
           count(*) filter (where locked_by is not null and not exists (
             select 1 from inference_workers w where j.locked_by = any(w.queue_worker_ids)))::int as locked_by_dead,
           count(*) filter (where attempts >= max_attempts)::int as failed
    from graphile_worker.jobs j`)[0]!;
  const messagesTotal = Number((await sql`select count(*)::int as n from messages where direction = 'inbound'`)[0]!.n);
  await sql.end();

  // 7. Clean shutdown.
  const tStop = performance.now();
  child.kill("SIGINT");
  const exitCode = await exited;
  const shutdownMs = performance.now() - tStop;
  await sleep(200);
  const stoppedLogged = logText.includes("[deskling] stopped");
  const lockLeft = fs.existsSync(path.join(dataDir, "deskling.pid"));

  // 8. The log searched for every marker and secret.
  logOut.end();
  const leakedMarkers = sent.filter((s) => logText.includes(s.marker)).length;
  const secrets = { apiKey, webhookSecret: hook.secret, authSecret };
  const leakedSecrets = Object.entries(secrets)
    .filter(([, v]) => logText.includes(v))
    .map(([k]) => k);
  const leakedBodyText = logText.includes("card ending 4242");

  const byPhase = Object.fromEntries(["capacity", "steady", "flood", "db-outage"].map((p) => [p, tally(sent.filter((s) => s.phase === p))]));
  console.log(
    JSON.stringify(
      {
        startSeconds: round(startSeconds),
        smtpCapacityMsgPerSec: round(capacity),
        floodRateMsgPerSec: round(floodRate),
        total: tally(sent),
        byPhase,
        lost: lost.length,
        rawInbound: rawStatus,
        inboundMessagesStored: messagesTotal,
        dbOutage: {
          healthSaidDegraded: degraded,
          smtpRecoverySeconds: round(smtpRecoveryMs / 1000),
          healthRecoverySeconds: round(healthBackMs / 1000),
          temporaryRefusals: refusalsDuringOutage.length,
          refusalP95Ms: round([...refusalsDuringOutage.map((r) => r.ms)].sort((a, b) => a - b)[Math.floor(refusalsDuringOutage.length * 0.95)] ?? 0, 0),
          supervisorLog: lines.filter((l) => /embedded Postgres/.test(l.line) && l.at > tKill).map((l) => l.line.trim()),
        },
        workerKill: {
          killedPid: workerPid ?? null,
          newWorkerReadySeconds: round(workerBackMs / 1000),
          triageResumedSeconds: triageResumedMs === null ? null : round(triageResumedMs / 1000),
        },
        triage: { results: triage, jobs, note: "after the drain; the flood far exceeds CPU triage throughput" },
        shutdown: { exitCode, seconds: round(shutdownMs / 1000), stoppedLogged, lockReleased: !lockLeft },
        logSearch: { bytes: logText.length, markersFound: leakedMarkers, bodyTextFound: leakedBodyText, secretsFound: leakedSecrets },
        logFile: path.relative(root, logFile),
      },
      null,
      2,
    ),
  );
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}

main().catch(async (err) => {
  say(`failed: ${err instanceof Error ? err.stack : String(err)}`);
  if (deskling && deskling.exitCode === null) {
    deskling.kill("SIGINT");
    await new Promise((r) => deskling!.once("exit", r));
  }
  say(`log kept in ${logFile}`);
  process.exit(1);
});
