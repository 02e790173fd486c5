/**
 * `npm run bench:ingest`: how fast Deskling accepts mail and API tickets, and that each becomes exactly one message.
 * On a fresh database: the SMTP receiver (answers 250 once the raw row and its job are committed), the REST API with
 * `Prefer: respond-async` (202 once durable) and, for comparison, without it (201 after the ticket is made); the
 * inbound runner parses what was accepted, as the mail process does (its own thread, 10 nicer). Everything runs in
 * this one process on this machine, the senders included (on a thread of their own: see support/ingest-clients.ts).
 * Prints one JSON object: accept rate and p50/p95 latency per channel, CPU milliseconds per item (this process and the
 * Postgres server: the figure other load on the machine does not change), how long the runner took to turn the
 * accepted items into tickets (drain), the load average, and the exactly-once count.
 * Knobs (CLI only): BENCH_MESSAGES (per channel, default 1000), BENCH_CONCURRENCY (16), INGEST_CONCURRENCY (4).
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { count, eq, inArray, sql } from "drizzle-orm";
import { messages, rawInbound, tickets } from "@/db/schema";
import { createApiKey } from "@/server/ingestion/api/keys";
import { createSmtpReceiver } from "@/server/ingestion/email/smtp-receiver";
import { startInboundRunner } from "@/server/ingestion/inbound-runner";
import { startLoopbackHttp } from "@/server/ingestion/loopback-http";
import { benchDatabase } from "./support/database";
import { startClientThread } from "./support/ingest-clients";

const N = Number(process.env.BENCH_MESSAGES ?? 1000);
const C = Number(process.env.BENCH_CONCURRENCY ?? 16);
const RUNNERS = Number(process.env.INGEST_CONCURRENCY ?? 4);
const SYNC_SAMPLE = Math.min(N, 200);
const log = (l: string) => process.stderr.write(`[bench] ${l}\n`);

function stats(latencies: number[], wallMs: number) {
  const s = [...latencies].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return {
    messages: s.length,
    perSecond: Number(((s.length / wallMs) * 1000).toFixed(1)),
    p50AcceptMs: Number(q(0.5).toFixed(1)),
    p95AcceptMs: Number(q(0.95).toFixed(1)),
    maxAcceptMs: Number((s.at(-1) ?? 0).toFixed(1)),
  };
}

const load = () => os.loadavg().map((l) => Number(l.toFixed(2)));

/** CPU ms this process has used (all threads: server, clients and inbound runners alike). */
const nodeCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * CPU ms used by the Postgres server so far: the postmaster and its live children, plus the children that already
 * exited (reaped into the postmaster's cutime/cstime). Read from /proc, so only on Linux with the server on this
 * machine; null elsewhere. USER_HZ is 100 on Linux.
 */
function postgresCpu(postmasterPid: number | null) {
  if (!postmasterPid) return () => null;
  const ticks = (pid: number, withChildren: boolean) => {
    const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const after = f.slice(f.lastIndexOf(")") + 2).split(" ");
    // Fields 14-17 of proc(5) (utime stime cutime cstime) are 11-14 after the command; field 4 (ppid) is index 1.
    return { ppid: Number(after[1]), t: Number(after[11]) + Number(after[12]) + (withChildren ? Number(after[13]) + Number(after[14]) : 0) };
  };
  return () => {
    try {
      let t = ticks(postmasterPid, true).t;
      for (const d of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(d)) continue;
        try {
          const c = ticks(Number(d), false);
          if (c.ppid === postmasterPid) t += c.t;
        } catch {
          // exited while listing
        }
      }
      return t * 10;
    } catch {
      return null;
    }
  };
}

/** CPU spent between two readings, per item. */
function cpuPerItem(before: { node: number; pg: number | null }, after: { node: number; pg: number | null }, items: number) {
  return {
    nodeCpuMsPerItem: Number(((after.node - before.node) / items).toFixed(3)),
    postgresCpuMsPerItem: before.pg === null || after.pg === null ? null : Number(((after.pg - before.pg) / items).toFixed(3)),
  };
}

async function main() {
  const { db, url, stop } = await benchDatabase("deskling_bench");
  const receiver = createSmtpReceiver({ db, host: "127.0.0.1", port: 0, maxBytes: 10 * 1024 * 1024, allowedDomains: [], log });
  const smtpPort = await receiver.listen();
  const http = await startLoopbackHttp();
  const { key } = await createApiKey(db, { name: "bench", scopes: ["tickets:write", "tickets:read"], createdBy: null });
  const loadBefore = load();
  const [backend] = await db.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
  const postmasterPid = (() => {
    try {
      const f = fs.readFileSync(`/proc/${backend!.pid}/stat`, "utf8");
      return Number(f.slice(f.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      return null;
    }
  })();
  const pgCpu = postgresCpu(postmasterPid);
  const cpu = () => ({ node: nodeCpuMs(), pg: pgCpu() });

  /** Waits until no raw row is left unprocessed; returns when that happened (ms, performance clock). */
  const drained = async () => {
    for (;;) {
      const [left] = await db.select({ n: count() }).from(rawInbound).where(eq(rawInbound.status, "received"));
      if (!left?.n) return performance.now();
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  // Started before the senders, as in the mail process: accepting and parsing share the machine.
  const runner = await startInboundRunner({ url, concurrency: RUNNERS, log });

  const clients = startClientThread();

  // SMTP: new tickets, customer replies threaded by In-Reply-To, and re-sent duplicates (which must add nothing).
  const c0 = cpu();
  const t0 = performance.now();
  const smtp = await clients.smtp({ port: smtpPort, messages: N, concurrency: C });
  const c0Accepted = cpu();
  const smtpIds = smtp.ids;
  const duplicatesSent = smtp.duplicatesSent;
  const smtpDrainedAt = await drained();
  const c0Drained = cpu();
  log(`smtp: ${N} accepted in ${(smtp.wallMs / 1000).toFixed(1)} s, all parsed after ${((smtpDrainedAt - t0) / 1000).toFixed(1)} s`);

  // REST, accepted like mail: 202 once the raw row and its job are committed.
  const apiIds = Array.from({ length: N }, () => randomUUID());
  const c1 = cpu();
  const t1 = performance.now();
  const api = await clients.rest({ url: http.url, key, externalIds: apiIds, async: true, concurrency: C });
  const c1Accepted = cpu();
  const apiDrainedAt = await drained();
  const c1Drained = cpu();
  log(`rest: ${N} accepted in ${(api.wallMs / 1000).toFixed(1)} s, all parsed after ${((apiDrainedAt - t1) / 1000).toFixed(1)} s`);

  // REST without the preference: 201 after parsing and the ticket, the way it answered before.
  const syncIds = Array.from({ length: SYNC_SAMPLE }, () => randomUUID());
  const c2 = cpu();
  const sync = await clients.rest({ url: http.url, key, externalIds: syncIds, async: false, concurrency: C });
  const c2Done = cpu();
  const loadAfter = load();
  await clients.stop();

  // The count: each accepted Message-ID is exactly one message, on exactly one existing ticket.
  const apiMessageIds = [...apiIds, ...syncIds].map((e) => `<ticket.${encodeURIComponent(e)}@api.deskling.invalid>`);
  const expected = [...smtpIds, ...apiMessageIds];
  const rows = [];
  for (let i = 0; i < expected.length; i += 1000) {
    rows.push(
      ...(await db
        .select({ mid: messages.messageIdHeader, ticketId: messages.ticketId, ticket: tickets.id })
        .from(messages)
        .leftJoin(tickets, eq(tickets.id, messages.ticketId))
        .where(inArray(messages.messageIdHeader, expected.slice(i, i + 1000)))),
    );
  }
  const perId = new Map<string, number>();
  for (const r of rows) perId.set(r.mid!, (perId.get(r.mid!) ?? 0) + 1);
  const missing = expected.filter((id) => !perId.has(id)).length;
  const multiple = [...perId.values()].filter((n) => n > 1).length;
  const orphaned = rows.filter((r) => !r.ticket).length;
  const statusCounts = Object.fromEntries(
    (await db.select({ s: rawInbound.status, n: count() }).from(rawInbound).groupBy(rawInbound.status)).map((r) => [r.s, r.n]),
  );
  const threaded = (await db.execute<{ n: number }>(sql`select count(*)::int as n from messages where in_reply_to is not null and message_id_header like '<bench-%'`))[0]!.n;
  const triageJobs = (await db.execute<{ n: number }>(sql`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'triage'`))[0]!.n;
  const [ticketCount] = await db.select({ n: count() }).from(tickets);

  const result = {
    benchmark: "ingest",
    perChannelMessages: N,
    clientConcurrency: C,
    inboundRunners: RUNNERS,
    machine: { cpus: os.cpus().length, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
    smtp: {
      ...stats(smtp.latencies, smtp.wallMs),
      duplicatesResent: duplicatesSent,
      parsedIntoTicketsPerSecond: Number(((N / (smtpDrainedAt - t0)) * 1000).toFixed(1)),
      cpuDuringAccept: cpuPerItem(c0, c0Accepted, N + duplicatesSent),
      cpuUntilParsed: cpuPerItem(c0, c0Drained, N + duplicatesSent),
    },
    restAsync: {
      ...stats(api.latencies, api.wallMs),
      parsedIntoTicketsPerSecond: Number(((N / (apiDrainedAt - t1)) * 1000).toFixed(1)),
      cpuDuringAccept: cpuPerItem(c1, c1Accepted, N),
      cpuUntilParsed: cpuPerItem(c1, c1Drained, N),
    },
    restSync: { ...stats(sync.latencies, sync.wallMs), cpu: cpuPerItem(c2, c2Done, SYNC_SAMPLE) },
    check: {
      acceptedUnique: expected.length,
      messagesFound: rows.length,
      missing,
      storedMoreThanOnce: multiple,
      withoutTicket: orphaned,
      rawInbound: statusCounts,
      threadedReplies: threaded,
      tickets: ticketCount?.n ?? 0,
      triageJobsQueued: triageJobs,
      exactlyOnce:
        missing === 0 && multiple === 0 && orphaned === 0 && (statusCounts.duplicate ?? 0) === duplicatesSent && !statusCounts.failed && !statusCounts.received && triageJobs === expected.length,
    },
    cpuNote:
      "CPU ms per item, independent of other load on the machine: node = this whole process (clients, server, and the inbound runners parsing meanwhile), postgres = the server's processes (null when not on this machine). cpuDuringAccept covers the accept phase only (whatever the runners parsed meanwhile included); cpuUntilParsed runs until every item is a ticket.",
    note: "accept = client send → 250/202 (raw row + job committed); parsedIntoTicketsPerSecond = accepted items turned into tickets by the inbound runner, from the first send to the last parsed; restSync = 201 after parsing and the ticket (no Prefer). Loopback, embedded Postgres, clients in the same process.",
  };
  console.log(JSON.stringify(result, null, 2));

  await runner.stop();
  await http.close();
  await receiver.close();
  await stop();
  if (!result.check.exactlyOnce) process.exit(1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
