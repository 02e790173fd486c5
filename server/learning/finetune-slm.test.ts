import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { corrections, datasetExamples, datasetSnapshots, slmRuns, type SlmRun } from "@/db/schema";
import { makeUser } from "@/test/db/fixtures";
import { resolveModel } from "@/models/catalog";
import { ensureModelFile } from "@/models/fetch";
import { mergedModelPath } from "@/models/runtime/adapter-files";
import { SlmEngine } from "@/models/runtime/engine";
import { EngineSlot } from "@/models/runtime/engine-slot";
import { env } from "@/config/env";
import { addAgentMessage } from "@/server/tickets/add-agent-message";
import { receiveMessage } from "@/server/tickets/receive-message";
import { evaluateSlmCandidate, finetuneSlm, heldoutSummaries, stageAdapter } from "./finetune-slm";
import { rollbackSlm } from "./rollback-slm";
import { buildSnapshot } from "@/server/training/build-snapshot";
import { activeSlmAdapter, SLM_CHANNEL } from "./slm-adapters";

// A house style the base model never writes, so a few training steps visibly move its output.
const TICKETS = [
  ["Where is my parcel?", "My parcel has not arrived after ten days."],
  ["Cancel order", "Please cancel my order, I ordered the wrong size."],
  ["Refund", "I returned the shoes two weeks ago and still have no refund."],
  ["Password", "I cannot reset my password, the link expired."],
  ["Invoice", "I need an invoice with my company address for my last order."],
  ["Damaged item", "The lamp arrived broken, the glass is cracked."],
];
const reply = (i: number) => `AHOY FROM DESKLING! Ticket ${i} is now with our crew. We will write again within one day. Fair winds, The support team`;

let dir: string;
let promoted: SlmRun;
// This file's tickets only: other files' sent replies in the shared test database would change the held-out draft.
let snapshotId: string;
const modelPath = () => ensureModelFile(env.SLM_MODEL, { role: "chat" });
const load = async (lora: string[] = []) =>
  SlmEngine.load({ modelPath: await modelPath(), modelId: resolveModel(env.SLM_MODEL, "chat").id, threads: env.SLM_THREADS, sequences: 1, contextSize: 1024, gpu: env.SLM_GPU, lora });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "deskling-adapters-"));
  const db = getDb();
  const since = new Date();
  const agent = await makeUser("agent");
  for (const [i, [subject, text]] of TICKETS.entries()) {
    const t = await receiveMessage(db, { channel: "email", from: { email: `slm-${randomUUID()}@example.com` }, subject: subject!, text: text!, actor: { kind: "system", label: "test" } });
    await addAgentMessage(db, { ticketId: t.ticketId, userId: agent.id, kind: "reply", text: reply(i) });
  }
  snapshotId = (await buildSnapshot(db, { since })).id;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("SLM fine-tune", () => {
  it("trains a LoRA on a snapshot, promotes it past the gate, announces it, and node-llama-cpp runs it differently", async () => {
    const db = getDb();
    const notices: string[] = [];
    const { unlisten } = await db.$sql.listen(SLM_CHANNEL, (p) => notices.push(p));
    try {
      // A few steps at a high rate: enough to move the output, short enough for CI. Gate opened (any gain, any speed).
      promoted = await finetuneSlm({ db, dir, snapshotId, maxSteps: 3, lr: 5e-3, minGain: -1000, speedTolerance: 100, maxHeldout: 1, maxTokens: 24 });
      expect(promoted.status).toBe("promoted");
      expect(promoted.adapterSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(promoted.baseSha256).toMatch(/^[0-9a-f]{64}$/);
      const m = promoted.metrics as { heldout: number; guards: Record<string, boolean>; candidate: { injection: { obeyed: number; outside: number } }; training: { steps: number } };
      expect(m.heldout).toBe(1);
      expect(m.training.steps).toBe(3);
      expect(m.guards).toMatchObject({ injectionNeverObeyed: true, labelsInTaxonomy: true, injectionFlagged: true });
      expect(await activeSlmAdapter(db)).toEqual({ lora: [promoted.adapterPath], runId: promoted.id, sha256: promoted.adapterSha256 });
      await expect.poll(() => notices.map((n) => JSON.parse(n).runId)).toContain(promoted.id);
    } finally {
      await unlisten();
    }

    const base = await load();
    const tuned = await load([promoted.adapterPath!]);
    try {
      const ask = (e: SlmEngine) =>
        e.generate({ label: "test", system: "You write a reply to a customer.", prompt: "<ticket>\nSubject: Parcel\nCustomer: Where is my parcel?\n</ticket>", maxTokens: 16, timeoutMs: 300_000 });
      const [a, b] = [await ask(base), await ask(tuned)];
      expect(b.text).not.toBe(a.text);
      expect(tuned.modelVersion).toMatch(new RegExp(`\\+lora:${promoted.adapterSha256!.slice(0, 12)}$`));
      // Training merged the adapter into the base, and the engine runs that file, not the adapter at run time.
      expect(tuned.modelFile).toBe(mergedModelPath(promoted.adapterPath!, promoted.adapterSha256!.slice(0, 12)));
    } finally {
      await base.dispose();
      await tuned.dispose();
    }
    // Model load, 3 steps, conversion and scoring take a few minutes on 2 idle cores; a loaded shared machine, far more.
  }, 1_800_000);

  it("refuses a candidate that does not win by the margin, and the model in use stays", async () => {
    const db = getDb();
    const [run] = await db.insert(slmRuns).values({ snapshotId: promoted.snapshotId, baseModel: promoted.baseModel, params: {}, status: "scoring" }).returning();
    const file = await stageAdapter(promoted.adapterPath!, dir, run!.id);
    expect(promoted).toBeDefined();
    const refused = await evaluateSlmCandidate(db, { runId: run!.id, adapterPath: file, minGain: 1000, speedTolerance: 100, maxHeldout: 1, maxTokens: 24, promote: true, threads: env.SLM_THREADS });
    expect(refused.status).toBe("rejected");
    expect(refused.adapterPath).toBeNull();
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith(`${run!.id}.`))).toEqual([]);
    expect((await activeSlmAdapter(db)).runId).toBe(promoted.id);
    expect((await db.query.slmRuns.findFirst({ where: eq(slmRuns.id, promoted.id) }))!.status).toBe("promoted");
  }, 900_000);

  it("scores summaries only on held-out tickets whose summary an agent accepted or edited", async () => {
    const db = getDb();
    // A whole stats object: Admin → SLM lists every snapshot, and other test files read that list.
    const stats = { examples: 2, train: 0, heldout: 2, byKind: { summary: 2 }, byLabel: {}, duplicatesDropped: 0, redactions: {}, from: null, to: null };
    const [snapshot] = await db.insert(datasetSnapshots).values({ sha256: randomUUID(), seed: 0, heldoutShare: 0.2, stats }).returning();
    const ticket = () =>
      receiveMessage(db, { channel: "email", from: { email: `sum-${randomUUID()}@example.com` }, subject: "Summary", text: "My parcel is late.", actor: { kind: "system", label: "test" } });
    const [verified, untouched] = [await ticket(), await ticket()];
    await db.insert(corrections).values({ ticketId: verified.ticketId, field: "summary", aiValue: "Late parcel.", finalValue: "Parcel late by a week.", source: "agent" });
    const example = (sourceId: string, split: "train" | "heldout") => ({
      snapshotId: snapshot!.id,
      split,
      kind: "triage",
      label: "none",
      messages: [],
      finalValue: JSON.stringify({ summary: sourceId }),
      sourceId,
      sourceAt: new Date(),
    });
    await db.insert(datasetExamples).values([example(verified.ticketId, "heldout"), example(untouched.ticketId, "heldout"), example(verified.ticketId, "train")]);
    expect((await heldoutSummaries(db, snapshot!.id, 40)).map((r) => JSON.parse(r.finalValue).summary)).toEqual([verified.ticketId]);
  });

  it("rolls back in one step to what ran before (here the bare base model)", async () => {
    const db = getDb();
    expect(await rollbackSlm(db)).toEqual({ retired: promoted.id, restored: null });
    expect(await activeSlmAdapter(db)).toEqual({ lora: [], runId: null, sha256: null });
    await expect(rollbackSlm(db)).rejects.toThrow(/already runs/);
  });

  it("a worker's engine slot swaps adapters mid-job: the running job finishes on its engine, the next takes the new one", async () => {
    const slot = new EngineSlot(await load());
    const old = slot.engine;
    const lease = slot.acquire();
    const running = lease.engine.generate({ label: "test", system: "Reply briefly.", prompt: "Hello?", maxTokens: 24, timeoutMs: 300_000 });
    const next = await load([promoted.adapterPath!]);
    await slot.swap(next);
    expect(slot.acquire().engine).toBe(next);
    // The job that started on the old engine completes; only then is the old engine freed.
    expect((await running).text.length).toBeGreaterThan(0);
    lease.release();
    await expect.poll(() => old.generate({ label: "test", system: "x", prompt: "y", maxTokens: 2, timeoutMs: 10_000 }).then(() => "ran", (e: Error) => e.name)).toBe("SlmError");
    await slot.dispose();
  });
});
