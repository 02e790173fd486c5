import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { categories, shadowResults, slmRuns, triageResults } from "@/db/schema";
import { resolveModel } from "@/models/catalog";
import type { SlmEngine } from "@/models/runtime/engine";
import { PROMPT_VERSION } from "@/models/tasks/prompt-version";
import { env } from "@/config/env";
import { callerFor, makeUser } from "@/test/db/fixtures";
import { loadTestEngine } from "@/test/test-engine";
import { JOB_PRIORITY } from "@/server/jobs/jobs";
import { promoteShadowSlm, stopShadowSlm } from "@/server/learning/promote-slm";
import { rollbackSlm } from "@/server/learning/rollback-slm";
import { activeSlmAdapter } from "@/server/learning/slm-adapters";
import { addAgentMessage } from "@/server/tickets/add-agent-message";
import { receiveMessage } from "@/server/tickets/receive-message";
import { registerVersion } from "@/server/training/model-registry";
import { createShadowTask } from "./run-shadow";
import { runTriage, type TriageDeps } from "./run-triage";
import { enqueueShadow } from "./shadow";
import { shadowComparison } from "./shadow-comparison";

const TAXONOMY = [
  { key: "S_BILLING", label: "Billing", description: "charges, invoices, refunds" },
  { key: "S_SHIPPING", label: "Shipping", description: "delivery and tracking" },
];

/**
 * Shadow mode end to end on the real model and database. The candidate here is the base model itself (its adapter
 * file is a placeholder the engine loader does not read): what is tested is the machinery (sampling, the
 * low-priority job, unseen storage, the comparison, promote and stop); finetune-slm.test.ts shows that a trained
 * adapter loads and changes the output. With the same model on both sides the fields must agree.
 */
describe("shadow mode (real database, real model)", () => {
  const db = getDb();
  const baseModel = resolveModel(env.SLM_MODEL, "chat").id;
  let engine: SlmEngine;
  let candidate: SlmEngine | undefined;
  let deps: TriageDeps;
  let dir: string;
  let enabledBefore: string[];
  const runs: string[] = [];

  const shadowRunRow = async (sample: number) => {
    const file = path.join(dir, `${randomUUID()}.gguf`);
    await writeFile(file, "placeholder");
    const [run] = await db
      .insert(slmRuns)
      .values({ baseModel, params: {}, status: "shadow", adapterPath: file, adapterSha256: "0".repeat(64), metrics: { shadowSample: sample } })
      .returning();
    runs.push(run!.id);
    return run!;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "deskling-shadow-"));
    engine = await loadTestEngine({ sequences: 1 });
    const version = await registerVersion(db, {
      slmVersion: engine.modelVersion,
      modelId: baseModel,
      fileSha256: "f".repeat(64),
      adapterSha256: null,
      backend: "cpu",
      encoder: "none",
      classifier: "none",
      promptVersion: PROMPT_VERSION,
    });
    enabledBefore = (await db.select({ key: categories.key }).from(categories).where(eq(categories.enabled, true))).map((r) => r.key);
    await db.update(categories).set({ enabled: false });
    await db
      .insert(categories)
      .values(TAXONOMY.map((c, i) => ({ ...c, position: i })))
      .onConflictDoUpdate({ target: categories.key, set: { enabled: true } });
    deps = { db, engine, modelVersion: version, workerId: "test", timeoutMs: 900_000, maxTokens: { draft: 24 }, draftSource: "slm" };
  });

  afterAll(async () => {
    if (runs.length) await db.delete(slmRuns).where(inArray(slmRuns.id, runs));
    await db.update(categories).set({ enabled: false }).where(inArray(categories.key, TAXONOMY.map((c) => c.key)));
    if (enabledBefore?.length) await db.update(categories).set({ enabled: true }).where(inArray(categories.key, enabledBefore));
    await engine?.dispose();
    await candidate?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it("queues a sampled live ticket behind live work, stores the candidate's output unseen, and compares it once a reply is sent", async () => {
    const run = await shadowRunRow(1);
    const t = await receiveMessage(db, {
      channel: "email",
      from: { email: `s-${randomUUID()}@example.com` },
      subject: "Parcel",
      text: "My parcel has not arrived after ten days. Where is it?",
      actor: { kind: "system", label: "test" },
    });
    await runTriage(deps, t, { runnableAt: new Date(), attempts: 1, maxAttempts: 3 });
    const [live] = await db.select().from(triageResults).where(eq(triageResults.messageId, t.messageId));
    const jobs = await db.execute<{ priority: number; payload: { liveResultId: string } }>(
      sql`select priority, payload from graphile_worker._private_jobs where key = ${`slm-shadow:${run.id}:${t.messageId}`}`,
    );
    expect(jobs.map((j) => j.priority)).toEqual([JOB_PRIORITY.backfill]);
    expect(jobs[0]!.payload.liveResultId).toBe(live!.id);

    const shadow = createShadowTask({ db, timeoutMs: 900_000, maxTokens: { draft: 24 }, loadEngine: async () => (candidate = await loadTestEngine({ sequences: 1 })) });
    await shadow.task(jobs[0]!.payload, {} as never);
    const [stored] = await db.select().from(shadowResults).where(eq(shadowResults.runId, run.id));
    expect(stored).toMatchObject({ ticketId: t.ticketId, messageId: t.messageId, liveResultId: live!.id, error: null });
    expect(stored!.draft!.length).toBeGreaterThan(0);

    // Agents see the live triage only, named by its full version in the registry.
    const agent = await makeUser("agent");
    const shown = await callerFor(agent).triage.latest({ ticketId: t.ticketId });
    expect(shown!.id).toBe(live!.id);
    expect(shown!.version).toMatchObject({ id: deps.modelVersion, slmVersion: engine.modelVersion, adapterSha256: null, promptVersion: PROMPT_VERSION });

    await addAgentMessage(db, { ticketId: t.ticketId, userId: agent.id, kind: "reply", text: "Sorry for the wait! Your parcel is on its way and should arrive within two days." });
    const cmp = await shadowComparison(db, run.id);
    expect(cmp).toMatchObject({ tickets: 1, errors: 0, liveVersions: [deps.modelVersion] });
    expect(cmp.drafts.withSentReply).toBe(1);
    expect(cmp.drafts.candidateChrF).toBeGreaterThan(0);
    // The same model on both sides: the fields it decides agree.
    const fields = (r: { category: string | null; priority: string | null; language: string | null }) => ({ category: r.category, priority: r.priority, language: r.language });
    expect(fields(stored!)).toEqual(fields(live!));
    for (const f of ["category", "priority", "language"] as const) expect(cmp.agreement[f]).toEqual({ same: 1, compared: 1 });

    const admin = await makeUser("admin");
    const overview = await callerFor(admin).slm.overview();
    expect(overview.shadow).toMatchObject({ runId: run.id, sample: 1, tickets: 1 });

    // A sample of 0 draws no ticket.
    await db.update(slmRuns).set({ metrics: { shadowSample: 0 } }).where(eq(slmRuns.id, run.id));
    expect(await enqueueShadow(db, { ticketId: t.ticketId, messageId: t.messageId, liveResultId: live!.id })).toBe(false);
    await shadow.dispose();
  }, 1_200_000);

  it("stop rejects the candidate and deletes its adapter; promote makes it the model in use, and a rollback undoes that", async () => {
    const stopped = await db.query.slmRuns.findFirst({ where: eq(slmRuns.id, runs[0]!) });
    await stopShadowSlm(db, { runId: stopped!.id });
    expect((await db.query.slmRuns.findFirst({ where: eq(slmRuns.id, stopped!.id) }))!.status).toBe("rejected");
    expect(existsSync(stopped!.adapterPath!)).toBe(false);
    await expect(stopShadowSlm(db, { runId: stopped!.id })).rejects.toThrow(/not in shadow mode/);

    const before = await activeSlmAdapter(db);
    const next = await shadowRunRow(0.5);
    expect(await promoteShadowSlm(db, { runId: next.id })).toEqual({ promoted: next.id, retired: before.runId });
    expect(await activeSlmAdapter(db)).toMatchObject({ runId: next.id, lora: [next.adapterPath] });
    expect(await rollbackSlm(db)).toEqual({ retired: next.id, restored: before.runId });
  });
});
