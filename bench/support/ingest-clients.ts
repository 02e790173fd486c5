/**
 * The senders of bench/ingest.ts, on a thread of the benchmark's process: they cost CPU the machine has to give
 * (process.cpuUsage counts them), but do not wait in the event loop of the server they measure, as real senders
 * on other machines would not. SMTP through nodemailer's pool, REST through node:http with keep-alive.
 */
import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import { connect, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { Worker, type MessagePort } from "node:worker_threads";
import nodemailer from "nodemailer";
import type SMTPPool from "nodemailer/lib/smtp-pool";
import { tsxCjsApiPath } from "@/server/ts-thread";

export interface SmtpRun {
  port: number;
  messages: number;
  concurrency: number;
}
export interface SmtpResult {
  /** Message-IDs sent, in order (a re-sent duplicate counted once). */
  ids: string[];
  latencies: number[];
  duplicatesSent: number;
  wallMs: number;
}
export interface RestRun {
  url: string;
  key: string;
  externalIds: string[];
  async: boolean;
  concurrency: number;
}
export interface RestResult {
  latencies: number[];
  wallMs: number;
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** New tickets, customer replies threaded by In-Reply-To, and re-sent duplicates (which must add nothing). */
async function sendSmtp(r: SmtpRun): Promise<SmtpResult> {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: r.port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: r.concurrency,
    maxMessages: Infinity,
    // nodemailer writes the end-of-data dot apart from the body; with Nagle on, that write waits for the server's
    // delayed ACK (40 ms on Linux), a floor under every accept that measures the sender, not the receiver. MTAs send
    // with TCP_NODELAY, so the senders here do too.
    getSocket: (_options: unknown, done: (err: Error | null, socket?: { connection: Socket }) => void) => {
      const socket = connect({ host: "127.0.0.1", port: r.port, noDelay: true });
      socket.once("connect", () => done(null, { connection: socket }));
      socket.once("error", (err) => done(err));
    },
  } as SMTPPool.Options);
  const ids: string[] = [];
  const latencies: number[] = [];
  let duplicatesSent = 0;
  const plan = Array.from({ length: r.messages }, (_, i) => ({ i, id: `<bench-${i}-${randomUUID()}@example.com>` }));
  const t0 = performance.now();
  await pool(plan, r.concurrency, async ({ i, id }) => {
    // Replies point at a message sent well before, so the parent has been parsed when the reply is.
    const parent = i >= 200 && i % 5 === 0 ? ids[i - 200] : undefined;
    const mail = {
      from: `customer-${i % 50}@example.com`,
      to: "help@deskling.test",
      subject: parent ? "Re: order question" : `Order question ${i}`,
      text: `Hello, this is message ${i}.\nWhere is my order?\n\nOn Monday someone wrote:\n> previous text`,
      messageId: id,
      ...(parent ? { inReplyTo: parent, references: [parent] } : {}),
    };
    const start = performance.now();
    await transport.sendMail(mail);
    latencies.push(performance.now() - start);
    ids[i] = id;
    if (i % 20 === 7) {
      await transport.sendMail(mail);
      duplicatesSent++;
    }
  });
  const wallMs = performance.now() - t0;
  transport.close();
  return { ids, latencies, duplicatesSent, wallMs };
}

/** POST /api/v1/tickets, with Prefer: respond-async (202 expected) or without (201). */
async function sendRest(r: RestRun): Promise<RestResult> {
  // node:http rather than fetch: undici's fetch (web streams, abort signals, timing entries) cost about as much per
  // request as the server it measured.
  const agent = new Agent({ keepAlive: true, maxSockets: r.concurrency });
  const post = (externalId: string) =>
    new Promise<number>((resolve, reject) => {
      const start = performance.now();
      const body = JSON.stringify({ subject: "Cannot log in", text: "The login page says my password is wrong.", from: { email: `api-${externalId}@example.com` }, externalId });
      const req = request(`${r.url}/api/v1/tickets`, {
        method: "POST",
        agent,
        headers: { authorization: `Bearer ${r.key}`, "content-type": "application/json", "content-length": Buffer.byteLength(body), ...(r.async ? { prefer: "respond-async" } : {}) },
      });
      req.on("response", (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === (r.async ? 202 : 201) ? resolve(performance.now() - start) : reject(new Error(`API answered ${res.statusCode}`))));
      });
      req.on("error", reject);
      req.end(body);
    });
  const latencies: number[] = [];
  const t0 = performance.now();
  await pool(r.externalIds, r.concurrency, async (id) => void latencies.push(await post(id)));
  const wallMs = performance.now() - t0;
  agent.destroy();
  return { latencies, wallMs };
}

type Command = { id: number } & ({ smtp: SmtpRun } | { rest: RestRun });

/** Inside the thread: runs each command and answers with its result (or its error). */
export function serveClientThread(port: MessagePort) {
  port.on("message", (c: Command) => {
    const run = "smtp" in c ? sendSmtp(c.smtp) : sendRest(c.rest);
    run.then(
      (result) => port.postMessage({ id: c.id, result }),
      (err: Error) => port.postMessage({ id: c.id, error: String(err.stack ?? err) }),
    );
  });
}

const THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
require(workerData.tsxApi).require(workerData.modulePath, workerData.modulePath).serveClientThread(parentPort);
`;

export function startClientThread() {
  const modulePath = fileURLToPath(import.meta.url);
  const worker = new Worker(THREAD, { eval: true, execArgv: [], workerData: { tsxApi: tsxCjsApiPath(), modulePath } });
  const pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  worker.on("message", (m: { id: number; result?: unknown; error?: string }) => {
    const p = pending.get(m.id)!;
    pending.delete(m.id);
    if (m.error) p.reject(new Error(`bench client: ${m.error}`));
    else p.resolve(m.result);
  });
  worker.on("error", (err) => {
    for (const p of pending.values()) p.reject(err);
  });
  const send = <T>(c: Omit<Command, "id">) =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve: resolve as (r: unknown) => void, reject });
      worker.postMessage({ id, ...c });
    });
  return {
    smtp: (r: SmtpRun) => send<SmtpResult>({ smtp: r }),
    rest: (r: RestRun) => send<RestResult>({ rest: r }),
    stop: () => worker.terminate(),
  };
}
