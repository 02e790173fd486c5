/**
 * `npm run bench:ingest`: accept throughput and latency through the SMTP receiver and the REST API, on a fresh
 * database, then a full count that every accepted message became exactly one message on exactly one ticket.
 * Prints one JSON object. Knobs (CLI only): BENCH_MESSAGES (per channel, default 400), BENCH_CONCURRENCY (8).
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { count, eq, inArray, sql } from "drizzle-orm";
import nodemailer from "nodemailer";
import { closeDb, getDb, setDatabaseUrl } from "@/db/client";
import { ensureDatabaseExists, withDatabase } from "@/db/connect";
import { startEmbeddedPostgres } from "@/db/embedded";
import { migrateDatabase } from "@/db/migrate";
import { messages, rawInbound, tickets } from "@/db/schema";
import { createApiKey } from "@/server/ingestion/api/keys";
import { createSmtpReceiver } from "@/server/ingestion/email/smtp-receiver";
import { startLoopbackHttp } from "@/server/ingestion/loopback-http";

const N = Number(process.env.BENCH_MESSAGES ?? 400);
const C = Number(process.env.BENCH_CONCURRENCY ?? 8);
const log = (l: string) => process.stderr.write(`[bench] ${l}\n`);

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

function stats(latencies: number[], wallMs: number) {
  const s = [...latencies].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return {
    messages: s.length,
    messagesPerSecond: Number(((s.length / wallMs) * 1000).toFixed(1)),
    p50AcceptMs: Number(q(0.5).toFixed(1)),
    p95AcceptMs: Number(q(0.95).toFixed(1)),
    maxAcceptMs: Number((s.at(-1) ?? 0).toFixed(1)),
  };
}

async function main() {
  const external = process.env.DATABASE_URL;
  const embedded = external
    ? undefined
    : await startEmbeddedPostgres({ dataDir: ".data/bench", port: Number(process.env.BENCH_PG_PORT ?? 54349), takeOver: true });
  const serverUrl = external ?? embedded!.serverUrl;
  const name = `deskling_bench_${Date.now()}`;
  await ensureDatabaseExists(serverUrl, name);
  const url = withDatabase(serverUrl, name);
  await migrateDatabase(url);
  setDatabaseUrl(url);
  const db = getDb();

  const receiver = createSmtpReceiver({ db, host: "127.0.0.1", port: 0, maxBytes: 10 * 1024 * 1024, allowedDomains: [], log });
  const smtpPort = await receiver.listen();
  const http = await startLoopbackHttp();
  const { key } = await createApiKey(db, { name: "bench", scopes: ["tickets:write", "tickets:read"], createdBy: null });

  // SMTP: new tickets, customer replies threaded by In-Reply-To, and re-sent duplicates (which must add nothing).
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port: smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: C, maxMessages: Infinity });
  const smtpIds: string[] = [];
  const plan = Array.from({ length: N }, (_, i) => ({ i, id: `<bench-${i}-${randomUUID()}@example.com>` }));
  const smtpLatencies: number[] = [];
  let duplicatesSent = 0;
  const t0 = performance.now();
  await pool(plan, C, async ({ i, id }) => {
    const parent = i >= 10 && i % 5 === 0 ? smtpIds[i - 10] : undefined;
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
    smtpLatencies.push(performance.now() - start);
    smtpIds[i] = id;
    if (i % 20 === 7) {
      await transport.sendMail(mail);
      duplicatesSent++;
    }
  });
  const smtpWall = performance.now() - t0;
  transport.close();

  // REST: POST /api/v1/tickets with an externalId each.
  const apiIds = Array.from({ length: N }, () => randomUUID());
  const apiLatencies: number[] = [];
  const t1 = performance.now();
  await pool(apiIds, C, async (externalId) => {
    const start = performance.now();
    const res = await fetch(`${http.url}/api/v1/tickets`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ subject: "Cannot log in", text: "The login page says my password is wrong.", from: { email: `api-${externalId}@example.com` }, externalId }),
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`API answered ${res.status}`);
    apiLatencies.push(performance.now() - start);
  });
  const apiWall = performance.now() - t1;

  // The count: each accepted Message-ID is exactly one message, on exactly one existing ticket.
  const apiMessageIds = apiIds.map((e) => `<ticket.${encodeURIComponent(e)}@api.deskling.invalid>`);
  const expected = [...smtpIds, ...apiMessageIds];
  const rows = await db
    .select({ mid: messages.messageIdHeader, ticketId: messages.ticketId, ticket: tickets.id })
    .from(messages)
    .leftJoin(tickets, eq(tickets.id, messages.ticketId))
    .where(inArray(messages.messageIdHeader, expected));
  const perId = new Map<string, number>();
  for (const r of rows) perId.set(r.mid!, (perId.get(r.mid!) ?? 0) + 1);
  const missing = expected.filter((id) => !perId.has(id)).length;
  const multiple = [...perId.values()].filter((n) => n > 1).length;
  const orphaned = rows.filter((r) => !r.ticket).length;
  const statusCounts = Object.fromEntries(
    (await db.select({ s: rawInbound.status, n: count() }).from(rawInbound).groupBy(rawInbound.status)).map((r) => [r.s, r.n]),
  );
  const threaded = (await db.execute<{ n: number }>(sql`select count(*)::int as n from messages where in_reply_to is not null and message_id_header like '<bench-%'`))[0]!.n;
  const [ticketCount] = await db.select({ n: count() }).from(tickets);

  const result = {
    benchmark: "ingest",
    perChannelMessages: N,
    concurrency: C,
    smtp: { ...stats(smtpLatencies, smtpWall), duplicatesResent: duplicatesSent },
    restApi: stats(apiLatencies, apiWall),
    check: {
      acceptedUnique: expected.length,
      messagesFound: rows.length,
      missing,
      storedMoreThanOnce: multiple,
      withoutTicket: orphaned,
      rawInbound: statusCounts,
      threadedReplies: threaded,
      tickets: ticketCount?.n ?? 0,
      exactlyOnce: missing === 0 && multiple === 0 && orphaned === 0 && (statusCounts.duplicate ?? 0) === duplicatesSent && !statusCounts.failed,
    },
    note: "accept latency = client send → 250/201, which includes storing raw, parsing, threading and committing the ticket message; loopback, embedded Postgres, 2 cores",
  };
  console.log(JSON.stringify(result, null, 2));

  await http.close();
  await receiver.close();
  await closeDb();
  await embedded?.stop();
  if (!result.check.exactlyOnce) process.exit(1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
