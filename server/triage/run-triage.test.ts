import { randomUUID } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { categories, triageResults } from "@/db/schema";
import { callerFor, makeUser } from "@/test/db/fixtures";
import type { SlmEngine } from "@/models/runtime/engine";
import { loadTestEngine } from "@/test/test-engine";
import type { LiveEvent } from "@/server/realtime/events";
import { subscribe } from "@/server/realtime/subscribe";
import { listTickets } from "@/server/tickets/list-tickets";
import { receiveMessage } from "@/server/tickets/receive-message";
import { JOB_PRIORITY } from "@/server/jobs/jobs";
import { runTriage, TriageAttemptError, type TriageDeps } from "./run-triage";
import { registerModelVersion } from "./worker-registry";

const TAXONOMY = [
  { key: "T_BILLING", label: "Billing", description: "charges, invoices, refunds" },
  { key: "T_SHIPPING", label: "Shipping", description: "delivery and tracking" },
  { key: "T_ACCOUNT", label: "Account", description: "login and passwords" },
];

describe("triage job (real database, real model)", () => {
  const db = getDb();
  let engine: SlmEngine;
  let deps: TriageDeps;
  let enabledBefore: string[];

  beforeAll(async () => {
    engine = await loadTestEngine({ sequences: 1 });
    await registerModelVersion(db, { id: engine.modelVersion, modelId: "test", fileSha256: "test", backend: "cpu" });
    // The job reads the live taxonomy: make it exactly ours for this file, and put it back afterwards.
    enabledBefore = (await db.select({ key: categories.key }).from(categories).where(eq(categories.enabled, true))).map((r) => r.key);
    await db.update(categories).set({ enabled: false });
    await db
      .insert(categories)
      .values(TAXONOMY.map((c, i) => ({ ...c, position: i })))
      .onConflictDoUpdate({ target: categories.key, set: { enabled: true } });
    deps = { db, engine, modelVersion: engine.modelVersion, workerId: "test", timeoutMs: 300_000, maxTokens: { draft: 24 } };
  });

  afterAll(async () => {
    await db.update(categories).set({ enabled: false }).where(inArray(categories.key, TAXONOMY.map((c) => c.key)));
    if (enabledBefore?.length) await db.update(categories).set({ enabled: true }).where(inArray(categories.key, enabledBefore));
    await engine?.dispose();
  });

  async function newTicket(text: string) {
    return receiveMessage(db, {
      channel: "email",
      from: { email: `c-${randomUUID()}@example.com` },
      subject: "Help",
      text,
      actor: { kind: "system", label: "test" },
    });
  }

  const rowsFor = (messageId: string) => db.select().from(triageResults).where(eq(triageResults.messageId, messageId));

  it("stores one triage per message with timings, streams the draft in order, and never redoes it", async () => {
    const controller = new AbortController();
    const received: LiveEvent[] = [];
    // Subscribe before the ticket exists: the inbox event for a new ticket must arrive too.
    const events = await subscribe(db, () => true, controller.signal);
    const collecting = (async () => {
      for await (const e of events) {
        received.push(e);
        if (e.type === "draft" && e.done) break;
      }
    })();

    const t = await newTicket("I was charged twice for my subscription this month. Please refund one payment.");
    const outcome = await runTriage(deps, t, { runnableAt: new Date(), attempts: 1, maxAttempts: 3 });
    expect(["done", "needs_human"]).toContain(outcome);
    await collecting;
    controller.abort();

    const [row] = await rowsFor(t.messageId);
    expect(row).toBeDefined();
    expect(row!.status).toBe(outcome);
    expect(TAXONOMY.map((c) => c.key)).toContain(row!.category);
    expect(row!.allowedCategories).toEqual(TAXONOMY.map((c) => c.key));
    expect(row!.promptTokens).toBeGreaterThan(0);
    expect(row!.completionTokens).toBeGreaterThan(0);
    expect(row!.ttftMs).not.toBeNull();
    expect(row!.totalMs).toBeGreaterThan(0);
    expect(row!.queueWaitMs).not.toBeNull();
    expect(row!.draft?.length).toBeGreaterThan(0);
    expect(row!.draftCompletionTokens).toBeGreaterThan(0);

    const mine = received.filter((e) => e.ticketId === t.ticketId);
    expect(mine.some((e) => e.type === "ticket" && e.reason === "new")).toBe(true);
    expect(mine.some((e) => e.type === "triage" && e.status === "running")).toBe(true);
    const pieces = mine.filter((e): e is Extract<LiveEvent, { type: "draft" }> => e.type === "draft");
    expect(pieces.map((p) => p.seq)).toEqual(pieces.map((_, i) => i));
    expect(pieces.map((p) => p.text).join("").trim()).toBe(row!.draft);

    expect(await runTriage(deps, t, { runnableAt: new Date(), attempts: 2, maxAttempts: 3 })).toBe("skipped");
    const after = await rowsFor(t.messageId);
    expect(after).toHaveLength(1);
    expect(after[0]!.attempts).toBe(1);
  });

  it("retries on request, within the taxonomy as it is now", async () => {
    const agent = await makeUser("agent");
    const api = callerFor(agent);
    const t = await newTicket("My parcel never arrived and tracking shows nothing for a week.");
    const quick = { ...deps, skipDraft: true };
    await runTriage(quick, t, { runnableAt: new Date(), attempts: 1, maxAttempts: 3 });
    const [first] = await rowsFor(t.messageId);

    // An admin disables the category the model chose; the retried triage cannot answer it any more.
    await db.update(categories).set({ enabled: false }).where(eq(categories.key, first!.category!));
    try {
      await api.triage.retry({ ticketId: t.ticketId });
      // Pressed twice while queued: still one job, at the front.
      await api.triage.retry({ ticketId: t.ticketId });
      const [queued] = await rowsFor(t.messageId);
      expect(queued!.status).toBe("queued");
      const jobs = await db.execute<{ n: number; priority: number }>(
        sql`select count(*)::int as n, min(priority)::int as priority from graphile_worker.jobs where key = ${`triage:${t.messageId}`}`,
      );
      expect(jobs[0]).toEqual({ n: 1, priority: JOB_PRIORITY.now });

      await runTriage(quick, t, { runnableAt: new Date(), attempts: 1, maxAttempts: 3 });
      const [second] = await rowsFor(t.messageId);
      expect(second!.attempts).toBe(2);
      expect(second!.category).not.toBe(first!.category);
      expect(second!.allowedCategories).not.toContain(first!.category);
      expect((await api.triage.latest({ ticketId: t.ticketId }))?.id).toBe(second!.id);
    } finally {
      await db.update(categories).set({ enabled: true }).where(eq(categories.key, first!.category!));
    }
  });

  it("lets a trained classifier's decision bind: its category, or needs-human whatever the SLM says", async () => {
    const job = { runnableAt: new Date(), attempts: 1, maxAttempts: 3 };
    const decided = { ...deps, skipDraft: true, hints: async () => ({ candidates: ["T_SHIPPING"], decision: { needsHuman: false } }) };
    const a = await newTicket("Where is my parcel? It was due on Monday.");
    await runTriage(decided, a, job);
    const [rowA] = await rowsFor(a.messageId);
    expect(rowA!.category).toBe("T_SHIPPING");
    expect(rowA!.allowedCategories).toEqual(["T_SHIPPING"]);

    const unsure = { ...deps, skipDraft: true, hints: async () => ({ decision: { needsHuman: true, reason: "classifier: low-confidence" } }) };
    const b = await newTicket("What is the airspeed velocity of an unladen swallow?");
    expect(await runTriage(unsure, b, job)).toBe("needs_human");
    const [rowB] = await rowsFor(b.messageId);
    expect(rowB!.needsHuman).toBe(true);
    expect(TAXONOMY.map((c) => c.key)).toContain(rowB!.category);

    // The inbox's AI column shows each ticket's latest triage state.
    const inbox = await listTickets(db, { sort: "updated", pageSize: 100 });
    expect(inbox.items.find((t) => t.id === b.ticketId)?.ai).toMatchObject({ status: "needs_human", needsHuman: true });
    expect(inbox.items.find((t) => t.id === a.ticketId)?.ai?.status).toBe(rowA!.status);
  }, 300_000);

  it("leaves a visible failed row when the model cannot answer, and hands the job back for a retry", async () => {
    const t = await newTicket("The app shows error 500 when I open my invoices.");
    const attempt = runTriage({ ...deps, timeoutMs: 1 }, t, { runnableAt: new Date(), attempts: 1, maxAttempts: 3 });
    await expect(attempt).rejects.toBeInstanceOf(TriageAttemptError);
    const [row] = await rowsFor(t.messageId);
    expect(row!.status).toBe("failed");
    expect(row!.needsHuman).toBe(true);
    expect(row!.error).toMatch(/timed out.*attempt 1 of 3/);
  });

  it("streams a ticket's events to an agent through the tRPC subscription", async () => {
    const api = callerFor(await makeUser("agent"));
    const t = await newTicket("Cannot log in after resetting my password.");
    const iterable = (await api.triage.onTicket({ ticketId: t.ticketId })) as AsyncIterable<LiveEvent>;
    const iterator = iterable[Symbol.asyncIterator]();
    const first = iterator.next();
    await runTriage({ ...deps, skipDraft: true }, t, { runnableAt: new Date(), attempts: 1, maxAttempts: 3 });
    const seen: LiveEvent[] = [(await first).value];
    while (!seen.some((e) => e.type === "triage" && e.status !== "running")) seen.push((await iterator.next()).value);
    await iterator.return?.();
    expect(seen.every((e) => e.ticketId === t.ticketId)).toBe(true);
    expect(seen.filter((e) => e.type === "triage").map((e) => e.type === "triage" && e.status)).toEqual(["running", expect.stringMatching(/done|needs_human/)]);
  });
});
