import { randomUUID } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import { makeWorkerUtils } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { categories, modelVersions, triageResults } from "@/db/schema";
import { PROMPT_VERSION } from "@/models/tasks/prompt-version";
import { env } from "@/config/env";
import { receiveMessage } from "@/server/tickets/receive-message";
import { startWorker, waitFor, type WorkerProcess } from "@/test/worker-process";

const KEYS = ["W_BILLING", "W_SHIPPING"];

describe("inference workers sharing the queue (two processes)", () => {
  const db = getDb();
  const workers: WorkerProcess[] = [];
  let enabledBefore: string[] = [];

  beforeAll(async () => {
    enabledBefore = (await db.select({ key: categories.key }).from(categories).where(eq(categories.enabled, true))).map((r) => r.key);
    await db.update(categories).set({ enabled: false });
    await db
      .insert(categories)
      .values(KEYS.map((key, i) => ({ key, label: key.slice(2).toLowerCase(), position: i })))
      .onConflictDoUpdate({ target: categories.key, set: { enabled: true } });
    // Earlier test files leave triage jobs behind; this test is about one job, not about draining theirs.
    const utils = await makeWorkerUtils({ connectionString: env.DATABASE_URL! });
    const stale = await db.execute<{ id: string }>(sql`select id::text from graphile_worker.jobs where task_identifier = 'triage'`);
    if (stale.length) await utils.completeJobs(stale.map((r) => r.id));
    await utils.release();
  });

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGKILL");
    await db.update(categories).set({ enabled: false }).where(inArray(categories.key, KEYS));
    if (enabledBefore.length) await db.update(categories).set({ enabled: true }).where(inArray(categories.key, enabledBefore));
  });

  it("a worker killed mid-job loses nothing: the other one finishes it, once", async () => {
    workers.push(startWorker(), startWorker());
    const ids = await Promise.all(workers.map((w) => w.id));
    expect(new Set(ids).size).toBe(2);

    const t = await receiveMessage(db, {
      channel: "email",
      from: { email: `kill-${randomUUID()}@example.com` },
      subject: "Refund",
      text: "Please refund the second charge on my card from yesterday, I was billed twice.",
      actor: { kind: "system", label: "test" },
    });

    const running = await waitFor(
      "a worker to start the triage",
      async () => (await db.select().from(triageResults).where(eq(triageResults.messageId, t.messageId))).find((r) => r.status === "running"),
      240_000,
    );
    const victim = workers[ids.indexOf(running.workerId!)]!;
    const survivorId = ids.find((id) => id !== running.workerId)!;
    victim.child.kill("SIGKILL");
    await victim.exited;

    const finished = await waitFor(
      "the surviving worker to finish the job",
      async () => (await db.select().from(triageResults).where(eq(triageResults.messageId, t.messageId))).find((r) => r.status === "done" || r.status === "needs_human"),
      300_000,
    );
    const rows = await db.select().from(triageResults).where(eq(triageResults.messageId, t.messageId));
    expect(rows).toHaveLength(1);
    expect(finished.workerId).toBe(survivorId);
    expect(finished.attempts).toBe(2);
    expect(KEYS).toContain(finished.category);
    // The result names its whole pipeline in the registry: base file, adapter (none here), encoder, classifier, prompts.
    const version = await db.query.modelVersions.findFirst({ where: eq(modelVersions.id, finished.modelVersion) });
    expect(version).toMatchObject({ slmVersion: expect.stringMatching(/@[0-9a-f]{12}$/), adapterSha256: null, promptVersion: PROMPT_VERSION });
    expect(version!.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(version!.encoder).toBeTruthy();
    expect(version!.classifier).toBeTruthy();
    const survivorLog = workers[ids.indexOf(survivorId)]!.output.join("\n");
    expect(survivorLog).toContain(`released the jobs of 1 worker(s)`);

    // The job leaves the queue once its draft is stored.
    await waitFor(
      "the job to complete",
      async () => {
        const left = await db.execute<{ n: number }>(sql`select count(*)::int as n from graphile_worker.jobs where key = ${`triage:${t.messageId}`}`);
        return left[0]!.n === 0 ? true : undefined;
      },
      300_000,
    );
    const [withDraft] = await db.select().from(triageResults).where(eq(triageResults.messageId, t.messageId));
    expect(withDraft!.draft ?? withDraft!.draftError).toBeTruthy();

    const survivor = workers[ids.indexOf(survivorId)]!;
    survivor.child.kill("SIGTERM");
    expect(await survivor.exited).toBe(0);
  }, 900_000);
});
