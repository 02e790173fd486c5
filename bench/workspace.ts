/**
 * The agent workspace at scale: seeds a throwaway database with 100,000 tickets (3 messages each, one triage row
 * each, 30,000 corrections), then times what the inbox and the ticket page ask the server for, through the same
 * verbs the tRPC procedures call. Prints one JSON object; targets from issue 18: inbox first page and each saved view
 * p95 < 100 ms, search p95 < 200 ms, ticket page data < 150 ms (server time, loopback Postgres).
 *
 *   npx tsx bench/workspace.ts [--tickets 100000] [--runs 40]
 *
 * Message bodies are drawn from the demo's Bitext sample (server/seed/data/bitext-demo.json, CDLA-Sharing-1.0), each
 * with a random order number, so words repeat as they do in a real inbox. DATABASE_URL points it at your own server;
 * otherwise an embedded Postgres under .data/bench-workspace (port BENCH_PG_PORT, default 54358).
 */
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { desc, eq, sql } from "drizzle-orm";
import { closeDb, getDb, setDatabaseUrl } from "@/db/client";
import { ensureDatabaseExists, withDatabase } from "@/db/connect";
import { startEmbeddedPostgres } from "@/db/embedded";
import { migrateDatabase } from "@/db/migrate";
import { corrections } from "@/db/schema";
import { countViews } from "@/server/tickets/count-views";
import { getLatestTriage } from "@/server/tickets/get-latest-triage";
import { getTicket } from "@/server/tickets/get-ticket";
import { listTickets, TICKET_VIEWS } from "@/server/tickets/list-tickets";

const { values: args } = parseArgs({ options: { tickets: { type: "string", default: "100000" }, runs: { type: "string", default: "40" } } });
const N = Number(args.tickets);
const RUNS = Number(args.runs);

const log = (line: string) => process.stderr.write(`${line}\n`);

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return { p50: Number(q(0.5).toFixed(1)), p95: Number(q(0.95).toFixed(1)), max: Number((s.at(-1) ?? 0).toFixed(1)) };
}

async function time(runs: number, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await fn(i); // warm the plan cache and the buffers
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  return stats(ms);
}

async function seed(db: ReturnType<typeof getDb>) {
  const texts = (JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "../server/seed/data/bitext-demo.json"), "utf8")) as { text: string }[]).map(
    (r) => r.text,
  );
  const t0 = performance.now();
  // The throwaway database keeps the texts in a table of its own, numbered from 0 for the modulo picks below.
  await db.execute(sql`create table bench_texts (i int primary key, t text not null)`);
  await db.execute(sql`insert into bench_texts select ordinality::int - 1, value from jsonb_array_elements_text(${JSON.stringify(texts)}::jsonb) with ordinality`);
  await db.execute(sql`insert into categories (key, label) select 'CAT_' || g, 'Category ' || g from generate_series(1, 12) g on conflict do nothing`);
  await db.execute(sql`insert into teams (name) select 'Team ' || g from generate_series(1, 4) g on conflict do nothing`);
  await db.execute(sql`insert into users (email, name, password_hash, role, team_id)
    select 'agent' || g || '@bench.local', 'Agent ' || g, 'x', 'agent', (select id from teams order by name offset (g % 4) limit 1)
    from generate_series(1, 12) g on conflict do nothing`);
  await db.execute(sql`insert into customers (email, name) select 'customer' || g || '@example.com', 'Customer ' || g from generate_series(1, ${Math.ceil(N / 5)}) g on conflict do nothing`);
  await db.execute(sql`insert into model_versions (id, model_id, file_sha256, backend) values ('bench-slm@0', 'bench-slm', repeat('0', 64), 'cpu') on conflict do nothing`);
  // Tickets over a year; about 30% still open, the rest solved or closed, as in a working helpdesk.
  await db.execute(sql`
    with u as (select array_agg(id) a from users where email like '%@bench.local'),
         tm as (select array_agg(id) a from teams),
         cu as (select array_agg(id) a from customers where email like 'customer%@example.com')
    insert into tickets (subject, status, priority, category, channel, customer_id, assignee_id, team_id, created_at, last_message_at, updated_at, first_response_at, needs_human, flagged)
    select
      (select t from bench_texts where i = (g::bigint * 7919) % ${texts.length}),
      (array['new','open','pending','solved','solved','closed','solved','closed','solved','open'])[1 + g % 10]::ticket_status,
      (array['low','normal','normal','high','urgent'])[1 + (g * 31) % 5]::ticket_priority,
      'CAT_' || (1 + (g * 13) % 12),
      'email',
      cu.a[1 + (g::bigint * 104729) % array_length(cu.a, 1)],
      case when g % 3 = 0 then null else u.a[1 + g % array_length(u.a, 1)] end,
      tm.a[1 + g % array_length(tm.a, 1)],
      now() - ((${N} - g) * interval '5 minutes'),
      now() - ((${N} - g) * interval '5 minutes') + interval '2 hours',
      now() - ((${N} - g) * interval '5 minutes') + interval '2 hours',
      case when g % 10 in (0, 1) then null else now() - ((${N} - g) * interval '5 minutes') + interval '40 minutes' end,
      g % 20 = 0,
      g % 97 = 0
    from generate_series(1, ${N}) g, u, tm, cu`);
  // Three messages a ticket: the customer's, an agent's reply, and the customer's answer or an internal note.
  await db.execute(sql`
    insert into messages (ticket_id, direction, body_text, created_at)
    select t.id, (array['inbound','outbound','inbound','note'])[1 + (k + (t.number % 2) * (k / 2) * 2) % 4]::message_direction,
      (select b.t from bench_texts b where b.i = (t.number * 31 + k * 17) % ${texts.length}) || ' ref ' || (100000 + (t.number * 7 + k) % 900000),
      t.created_at + k * interval '1 hour'
    from tickets t, generate_series(0, 2) k`);
  await db.execute(sql`
    insert into triage_results (ticket_id, message_id, model_version, status, category, priority, sentiment, language, summary, tags, confidence, needs_human, injection, draft, created_at, updated_at)
    select t.id, m.id, 'bench-slm@0', (case when t.needs_human then 'needs_human' else 'done' end)::triage_status, t.category, t.priority, 'neutral', 'en',
      'The customer asks about ' || lower(t.subject), array['bench'], '{"category":0.8,"priority":0.6,"sentiment":0.7,"language":1}'::jsonb,
      t.needs_human, t.flagged, 'Thank you for reaching out. We are looking into it.', m.created_at, m.created_at
    from tickets t join lateral (select id, created_at from messages where ticket_id = t.id and direction = 'inbound' order by created_at limit 1) m on true`);
  await db.execute(sql`
    insert into corrections (ticket_id, field, ai_value, final_value, model_version, source, created_at)
    select t.id, 'category', t.category, case when t.number % 5 = 0 then 'CAT_1' else t.category end, 'bench-slm@0', 'agent', t.created_at + interval '1 hour'
    from tickets t where t.number % 10 < 3`);
  await db.execute(sql`analyze`);
  return Math.round(performance.now() - t0);
}

async function main() {
  const external = process.env.DATABASE_URL;
  const embedded = external
    ? undefined
    : await startEmbeddedPostgres({ dataDir: ".data/bench-workspace", port: Number(process.env.BENCH_PG_PORT ?? 54358), takeOver: true });
  const serverUrl = external ?? embedded!.serverUrl;
  const name = `deskling_bench_ws_${Date.now()}`;
  await ensureDatabaseExists(serverUrl, name);
  const url = withDatabase(serverUrl, name);
  await migrateDatabase(url);
  setDatabaseUrl(url);
  const db = getDb();
  try {
    log(`[bench] seeding ${N} tickets…`);
    const seedMs = await seed(db);
    const [counts] = await db.execute<{ tickets: number; messages: number; triage: number; corrections: number }>(sql`select
      (select count(*)::int from tickets) tickets, (select count(*)::int from messages) messages,
      (select count(*)::int from triage_results) triage, (select count(*)::int from corrections) corrections`);
    log(`[bench] seeded in ${seedMs} ms: ${JSON.stringify(counts)}`);
    const [me] = await db.execute<{ id: string }>(sql`select id from users where email = 'agent1@bench.local'`);

    const views: Record<string, ReturnType<typeof stats>> = {};
    for (const view of TICKET_VIEWS) views[view] = await time(RUNS, () => listTickets(db, { view, userId: me!.id, pageSize: 25 }));
    const sorts: Record<string, ReturnType<typeof stats>> = {};
    for (const sort of ["priority", "sla", "customer", "subject"] as const) sorts[sort] = await time(RUNS, () => listTickets(db, { view: "open", sort, pageSize: 25 }));
    const viewCounts = await time(RUNS, () => countViews(db, { userId: me!.id }));
    const page5 = await time(RUNS, () => listTickets(db, { view: "open", page: 5, pageSize: 25 }));

    // Searches as an agent types them: common and rare words, a prefix, a phrase, a customer, a number.
    const queries = ["refund", "cancel order", "deliv", "invoice problem", "customer1234@example.com", "Customer 777", "#4242", "ref 512345", "zzzz"];
    const search: Record<string, ReturnType<typeof stats> & { total: number; totalCapped: boolean }> = {};
    for (const q of queries) {
      const { total, totalCapped } = await listTickets(db, { view: "all", q, pageSize: 25 });
      search[q] = { ...(await time(Math.ceil(RUNS / 2), () => listTickets(db, { view: "all", q, pageSize: 25 }))), total, totalCapped };
    }

    // The ticket page: the ticket with its thread, the latest triage, the verified fields, the customer's tickets.
    const ids = (await db.execute<{ id: string; customer_id: string }>(sql`select id, customer_id from tickets order by random() limit ${RUNS + 3}`)).map((r) => r);
    const ticketPage = await time(RUNS, async (i) => {
      const { id, customer_id } = ids[i % ids.length]!;
      await Promise.all([
        getTicket(db, id),
        getLatestTriage(db, id),
        db
          .selectDistinctOn([corrections.field], { field: corrections.field, finalValue: corrections.finalValue })
          .from(corrections)
          .where(eq(corrections.ticketId, id))
          .orderBy(corrections.field, desc(corrections.createdAt)),
        listTickets(db, { view: "all", customerId: customer_id, sort: "newest", pageSize: 6 }),
      ]);
    });

    const p95s = { views: Math.max(...Object.values(views).map((v) => v.p95)), search: Math.max(...Object.values(search).map((v) => v.p95)) };
    console.log(
      JSON.stringify(
        {
          data: { ...counts!, seedMs },
          runs: RUNS,
          inboxFirstPageMs: views.open,
          viewsMs: views,
          viewCountsMs: viewCounts,
          inboxPage5Ms: page5,
          sortsMs: sorts,
          searchMs: search,
          ticketPageMs: ticketPage,
          targets: {
            viewsP95Under100: p95s.views < 100,
            searchP95Under200: p95s.search < 200,
            ticketPageP95Under150: ticketPage.p95 < 150,
          },
          note: "server time through the verbs the tRPC procedures call (loopback Postgres, pool of 10); 2 shared cores",
        },
        null,
        2,
      ),
    );
  } finally {
    await closeDb();
    if (!external) {
      // The database is a throwaway: drop it so repeated runs do not fill the disk.
      const { createDb } = await import("@/db/client");
      const admin = createDb(serverUrl, { max: 1 });
      await admin.execute(sql.raw(`drop database if exists "${name}" with (force)`));
      await admin.$sql.end();
    }
    await embedded?.stop();
  }
}

await main();
