import { randomUUID } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import { makeWorkerUtils } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { triageResults } from "@/db/schema";
import { callerFor, makeUser } from "@/test/db/fixtures";
import { env } from "@/config/env";
import { ingest } from "@/server/ingestion/pipeline";
import { receiveMessage } from "@/server/tickets/receive-message";
import { JOB_PRIORITY } from "@/server/jobs/jobs";
import { startWorker, waitFor } from "@/test/worker-process";
import { triageQueuePlaces } from "@/server/jobs/triage-queue";

const db = getDb();
const backlog: { ticketId: string; messageId: string }[] = [];

/** Completes every triage job still queued, so this file starts and leaves the queue empty. */
async function drainQueue() {
  const utils = await makeWorkerUtils({ connectionString: env.DATABASE_URL! });
  const left = await db.execute<{ id: string }>(sql`select id::text from graphile_worker.jobs where task_identifier = 'triage' and locked_at is null`);
  if (left.length) await utils.completeJobs(left.map((r) => r.id));
  await utils.release();
}

const liveMail = (subject: string) =>
  Buffer.from(
    `From: Live Customer <live-${randomUUID()}@example.com>\r\nTo: help@deskling.test\r\nSubject: ${subject}\r\nMessage-ID: <${randomUUID()}@example.com>\r\n\r\nMy order arrived broken, please help.\r\n`,
  );

describe("live mail goes ahead of a demo backlog", () => {
  beforeAll(async () => {
    await drainQueue();
    // What the demo seed leaves on a fresh start: a backlog at backfill priority.
    for (let i = 0; i < 100; i++) {
      backlog.push(
        await receiveMessage(db, {
          channel: "email",
          from: { email: `demo-${i}-${randomUUID()}@example.com` },
          subject: `Demo ${i}`,
          text: `Demo ticket ${i}: where is my parcel?`,
          // Not "demo": the seed's own test counts the tickets of that source.
          source: "queue-test",
          externalId: `queue-test-${randomUUID()}`,
          triagePriority: JOB_PRIORITY.backfill,
          actor: { kind: "system", label: "test" },
        }),
      );
    }
  });

  afterAll(drainQueue);

  it("shows live mail first in the queue, and 'Triage now' moves a demo ticket to the front", async () => {
    const live = await ingest(db, { kind: "email", source: "smtp", bytes: liveMail("Broken on arrival") });
    expect(live.status).toBe("processed");
    const places = await triageQueuePlaces(db, [live.ticketId!, backlog[0]!.ticketId, backlog[99]!.ticketId]);
    expect(places.get(live.ticketId!)).toMatchObject({ state: "queued", position: 1, priority: JOB_PRIORITY.live });
    expect(places.get(backlog[0]!.ticketId)!.position).toBe(2);
    expect(places.get(backlog[99]!.ticketId)!.position).toBe(101);

    await callerFor(await makeUser("agent")).triage.retry({ ticketId: backlog[99]!.ticketId });
    const after = await triageQueuePlaces(db, [live.ticketId!, backlog[99]!.ticketId]);
    expect(after.get(backlog[99]!.ticketId)).toMatchObject({ position: 1, priority: JOB_PRIORITY.now });
    expect(after.get(live.ticketId!)!.position).toBe(2);

    // Put it back where the demo belongs for the next test.
    await db.execute(sql`update graphile_worker._private_jobs set priority = ${JOB_PRIORITY.backfill} where key = ${`triage:${backlog[99]!.messageId}`}`);
  });

  it("a real worker takes the live message before any of the 100 demo jobs", async () => {
    const live = await ingest(db, { kind: "email", source: "smtp", bytes: liveMail("Second live one") });
    const worker = startWorker();
    try {
      await worker.id;
      // Both live messages (this one and the one above) come before the demo's.
      const started = await waitFor(
        "the worker to start the second live triage",
        async () => (await db.select().from(triageResults).where(eq(triageResults.messageId, live.messageId!)))[0],
        240_000,
      );
      const demoStarted = await db
        .select({ id: triageResults.id, startedAt: triageResults.startedAt })
        .from(triageResults)
        .where(inArray(triageResults.messageId, backlog.map((b) => b.messageId)));
      expect(demoStarted.filter((d) => d.startedAt && started.startedAt && d.startedAt <= started.startedAt)).toHaveLength(0);
    } finally {
      worker.child.kill("SIGTERM");
      await worker.exited;
    }
  }, 600_000);
});
