import { randomUUID } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb, getDb } from "@/db/client";
import { messages, rawInbound } from "@/db/schema";
import { isDatabaseUnavailable } from "@/server/errors";
import { JOB_PRIORITY } from "@/server/jobs/jobs";
import { accept, ingest, processQueued, processStuck, replayRaw, storeRaw } from "./pipeline";

const db = getDb();
const mail = (id: string) => Buffer.from(`From: p-${id}@example.com\r\nSubject: race\r\nMessage-ID: <${id}@example.com>\r\n\r\nsame message\r\n`);

describe("ingest pipeline", () => {
  it("stores concurrent copies of one message once: one processed, the rest duplicates", async () => {
    const id = randomUUID();
    const results = await Promise.all(Array.from({ length: 6 }, () => ingest(db, { kind: "email", source: "test:race", bytes: mail(id) })));
    expect(results.map((r) => r.status).sort()).toEqual(["duplicate", "duplicate", "duplicate", "duplicate", "duplicate", "processed"]);
    expect(new Set(results.map((r) => r.messageId)).size).toBe(1);
    expect(await db.select().from(messages).where(eq(messages.messageIdHeader, `<${id}@example.com>`))).toHaveLength(1);
  });

  it("finishes items a crash left stored but unprocessed", async () => {
    const id = randomUUID();
    const { row } = await storeRaw(db, { kind: "email", source: "test:stuck", bytes: mail(id) });
    await db.update(rawInbound).set({ receivedAt: sql`now() - interval '5 minutes'` }).where(eq(rawInbound.id, row.id));
    expect(await processStuck(db, 60)).toBeGreaterThanOrEqual(1);
    const [after] = await db.select().from(rawInbound).where(eq(rawInbound.id, row.id));
    expect(after!.status).toBe("processed");
    expect(await db.select().from(messages).where(eq(messages.messageIdHeader, `<${id}@example.com>`))).toHaveLength(1);
  });

  it("answers a repeated transport key from the stored row without storing it again", async () => {
    const id = randomUUID();
    const dedupeKey = `test:${id}`;
    const a = await ingest(db, { kind: "email", source: "test:key", bytes: mail(id), dedupeKey });
    const b = await ingest(db, { kind: "email", source: "test:key", bytes: mail(id), dedupeKey });
    expect([a.status, b.status, b.repeated]).toEqual(["processed", "duplicate", true]);
    expect(b.rawId).toBe(a.rawId);
    expect(b.ticketNumber).toBe(a.ticketNumber);
    expect(await db.select().from(rawInbound).where(inArray(rawInbound.dedupeKey, [dedupeKey]))).toHaveLength(1);
  });

  it("accepts like an MTA: stored and queued in one commit, parsed by the job once, and a stuck-sweep leaves it to the job", async () => {
    const id = randomUUID();
    const r = await accept(db, { kind: "email", source: "test:accept", bytes: mail(id) });
    expect(r.status).toBe("received");
    const job = await db.execute<{ n: number }>(sql`select count(*)::int as n from graphile_worker.jobs where key = ${`inbound:${r.rawId}`}`);
    expect(job[0]!.n).toBe(1);
    // Old enough for the sweep, but its job owns it: the sweep must not process it a second time.
    await db.update(rawInbound).set({ receivedAt: sql`now() - interval '5 minutes'` }).where(eq(rawInbound.id, r.rawId));
    await processStuck(db, 60);
    expect((await db.select().from(rawInbound).where(eq(rawInbound.id, r.rawId)))[0]!.status).toBe("received");

    expect((await processQueued(db, r.rawId))?.status).toBe("processed");
    expect(await processQueued(db, r.rawId)).toBeNull();
    expect(await db.select().from(messages).where(eq(messages.messageIdHeader, `<${id}@example.com>`))).toHaveLength(1);
    await db.execute(sql`select graphile_worker.remove_job(${`inbound:${r.rawId}`})`);
  });

  it("group-commits concurrent accepts: one transaction for the burst, one job per stored item, repeated keys answered from the first row", async () => {
    const run = randomUUID();
    const key = `test:group:${run}`;
    const items = [
      ...Array.from({ length: 30 }, (_, i) => ({ kind: "email" as const, source: "test:group", bytes: mail(`${run}-${i}`) })),
      ...Array.from({ length: 5 }, () => ({ kind: "email" as const, source: "test:group", bytes: mail(`${run}-keyed`), dedupeKey: key })),
    ];
    const results = await Promise.all(items.map((item) => accept(db, item)));
    const fresh = results.slice(0, 30);
    const keyed = results.slice(30);
    expect(new Set(fresh.map((r) => r.rawId)).size).toBe(30);
    expect(fresh.every((r) => r.status === "received" && !r.repeated)).toBe(true);
    expect(new Set(keyed.map((r) => r.rawId)).size).toBe(1);
    expect(keyed.filter((r) => !r.repeated)).toHaveLength(1);
    // Alone in its batch, so the statement stores and queues nothing.
    expect(await accept(db, items[30]!)).toEqual({ rawId: keyed[0]!.rawId, status: "received", repeated: true });
    const ids = [...fresh, keyed[0]!].map((r) => r.rawId);
    // Rows written by one transaction share its id (xmin): the 31 rows came in far fewer commits than 35 calls.
    const [tx] = await db.execute<{ rows: number; commits: number }>(
      sql`select count(*)::int as rows, count(distinct xmin::text)::int as commits from raw_inbound where id in ${ids}`,
    );
    expect(tx!.rows).toBe(31);
    expect(tx!.commits).toBeLessThan(5);
    const jobs = await db.execute<{ n: number }>(sql`select count(*)::int as n from graphile_worker.jobs where key in ${ids.map((id) => `inbound:${id}`)}`);
    expect(jobs[0]!.n).toBe(31);
    for (const id of ids) await db.execute(sql`select graphile_worker.remove_job(${`inbound:${id}`})`);
  });

  it("fails only the item the database refuses when it shares a batch with good ones", async () => {
    const run = randomUUID();
    const good = Array.from({ length: 6 }, (_, i) => accept(db, { kind: "email", source: "test:bad-batch", bytes: mail(`${run}-${i}`) }));
    const bad = accept(db, { kind: "fax" as never, source: "test:bad-batch", bytes: mail(`${run}-bad`) });
    await expect(bad).rejects.toThrow();
    const ids = (await Promise.all(good)).map((r) => r.rawId);
    expect(await db.select().from(rawInbound).where(inArray(rawInbound.id, ids))).toHaveLength(6);
    for (const id of ids) await db.execute(sql`select graphile_worker.remove_job(${`inbound:${id}`})`);
  });

  it("rejects every item of a batch at once while the database is unreachable", async () => {
    const down = createDb("postgres://deskling:deskling@127.0.0.1:1/deskling", { max: 1 });
    try {
      const results = await Promise.allSettled(Array.from({ length: 3 }, (_, i) => accept(down, { kind: "email", source: "test:down", bytes: mail(`down-${i}`) })));
      expect(results.every((r) => r.status === "rejected" && isDatabaseUnavailable(r.reason))).toBe(true);
    } finally {
      await down.$sql.end();
    }
  });

  it("gives a replayed item's triage a lower priority than live mail", async () => {
    const id = randomUUID();
    const { row } = await storeRaw(db, { kind: "email", source: "test:replay", bytes: mail(id) });
    const r = await replayRaw(db, row.id);
    const job = await db.execute<{ priority: number }>(sql`select priority from graphile_worker.jobs where key = ${`triage:${r.messageId}`}`);
    expect(job[0]!.priority).toBe(JOB_PRIORITY.background);
  });
});
