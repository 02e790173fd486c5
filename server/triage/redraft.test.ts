import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { triageResults } from "@/db/schema";
import type { SlmEngine } from "@/models/runtime/engine";
import type { LiveEvent } from "@/server/realtime/events";
import { subscribe } from "@/server/realtime/subscribe";
import { receiveMessage } from "@/server/tickets/receive-message";
import { callerFor, makeUser } from "@/test/db/fixtures";
import { loadTestEngine } from "@/test/test-engine";
import { runRedraft } from "./redraft";
import type { TriageDeps } from "./run-triage";
import { registerModelVersion } from "@/server/training/model-registry";

const PREVIOUS = "Hello, thank you for writing. We are checking your order and will write again soon. The support team";

describe("draft rewrites in a tone (real database, real model)", () => {
  const db = getDb();
  let engine: SlmEngine;
  let deps: TriageDeps;

  beforeAll(async () => {
    engine = await loadTestEngine({ sequences: 1 });
    await registerModelVersion(db, { id: engine.modelVersion, modelId: "test", fileSha256: "test", backend: "cpu" });
    deps = { db, engine, modelVersion: engine.modelVersion, workerId: "test", timeoutMs: 300_000, maxTokens: { draft: 60 } };
  });
  afterAll(() => engine?.dispose());

  async function triagedTicket(language: string) {
    const r = await receiveMessage(db, {
      channel: "email",
      from: { email: `redraft-${randomUUID()}@example.com` },
      subject: "My order has not arrived",
      text: "Hello, I ordered a blue jacket two weeks ago and it has not arrived yet. Can you check where my order is?",
      actor: { kind: "system", label: "test" },
    });
    const [row] = await db
      .insert(triageResults)
      .values({
        ticketId: r.ticketId,
        messageId: r.messageId,
        modelVersion: engine.modelVersion,
        status: "done",
        language,
        summary: "The customer's order has not arrived.",
        draft: PREVIOUS,
        draftCheck: { source: "slm", passed: true, reasons: [], references: 0 },
      })
      .returning();
    return { ticketId: r.ticketId, resultId: row!.id };
  }

  async function rewrite(ids: { ticketId: string; resultId: string }, adjust: "friendlier" | "formal" | "shorter") {
    const controller = new AbortController();
    const events = await subscribe(db, (e) => e.ticketId === ids.ticketId, controller.signal);
    const seen: LiveEvent[] = [];
    const collected = (async () => {
      for await (const e of events) {
        seen.push(e);
        if (e.type === "triage" && e.phase === "draft" && e.status !== "running") break;
      }
    })();
    expect(await runRedraft(deps, { triageResultId: ids.resultId, adjust })).toBe("done");
    await collected;
    controller.abort();
    const [row] = await db.select().from(triageResults).where(eq(triageResults.id, ids.resultId));
    const streamed = seen.flatMap((e) => (e.type === "draft" ? [e.text] : [])).join("");
    return { row: row!, seen, streamed };
  }

  it("streams the rewrite like the first draft, checks it, and stores it with the tone asked for", async () => {
    const ids = await triagedTicket("en");
    const { row, seen, streamed } = await rewrite(ids, "shorter");
    expect(seen[0]).toMatchObject({ type: "triage", phase: "draft", status: "running", resultId: ids.resultId });
    expect(seen.filter((e) => e.type === "draft").length).toBeGreaterThan(0);
    expect(streamed.trim().length).toBeGreaterThan(0);
    expect(row.draftCheck?.adjust).toBe("shorter");
    expect(row.draftCompletionTokens).toBeLessThanOrEqual(60);
    // Either the checks passed it and it is the draft now, or they did not and the agent keeps the previous one.
    if (row.draftCheck?.passed) expect(row.draft).toBe(streamed.trim());
    else expect([row.draft, row.draftCheck?.reasons.length]).toEqual([PREVIOUS, expect.any(Number)]);
    expect(row.draft).not.toBe("");
  });

  it("keeps the previous draft when the rewrite fails the checks (here: not in the customer's language)", async () => {
    // The ticket is marked German; the 135M model answers in English, which the language check refuses.
    const ids = await triagedTicket("de");
    const { row, streamed } = await rewrite(ids, "friendlier");
    expect(streamed.trim().length).toBeGreaterThan(0);
    expect(row.draftCheck).toMatchObject({ passed: false, adjust: "friendlier", source: "slm" });
    expect(row.draftCheck?.reasons.join(" ")).toMatch(/customer wrote in "de"/);
    expect(row.draft).toBe(PREVIOUS);
    expect(row.draftError).toBeNull();
  });

  it("asks the worker through the queue, at the front, one pending rewrite per draft (asking again changes the tone)", async () => {
    const ids = await triagedTicket("en");
    const api = callerFor(await makeUser("agent"));
    await api.triage.redraft({ ticketId: ids.ticketId, adjust: "formal" });
    await api.triage.redraft({ ticketId: ids.ticketId, adjust: "friendlier" });
    const jobs = await db.execute<{ payload: { adjust: string }; priority: number }>(
      sql`select payload, priority from graphile_worker._private_jobs where key = ${`redraft:${ids.resultId}`}`,
    );
    expect(jobs.map((j) => [j.payload.adjust, j.priority])).toEqual([["friendlier", -10]]);
    await db.execute(sql`select graphile_worker.remove_job(${`redraft:${ids.resultId}`})`);

    // Nothing to rewrite before triage has finished.
    const fresh = await receiveMessage(db, { channel: "email", from: { email: `r-${randomUUID()}@example.com` }, subject: "Hi", text: "Hello", actor: { kind: "system", label: "test" } });
    await expect(api.triage.redraft({ ticketId: fresh.ticketId, adjust: "shorter" })).rejects.toMatchObject({ code: "CONFLICT" });
    await db.execute(sql`select graphile_worker.remove_job(${`triage:${fresh.messageId}`})`);
  });
});
