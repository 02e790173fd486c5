import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import type { LiveEvent } from "./events";
import { DraftStreamPublisher, publish } from "./publish";
import { subscribe } from "./subscribe";

describe("live events over Postgres LISTEN/NOTIFY", () => {
  const db = getDb();

  it("streams a long draft in order, in pieces Postgres accepts, batched rather than one NOTIFY per token", async () => {
    const ids = { ticketId: randomUUID(), resultId: randomUUID() };
    const controller = new AbortController();
    const events = await subscribe(db, (e) => e.ticketId === ids.ticketId, controller.signal);
    const tokens = Array.from({ length: 400 }, (_, i) => `wörd${i} ${"é".repeat(i % 50)} `);
    const stream = new DraftStreamPublisher(db, ids, 50);
    for (const t of tokens) stream.push(t);
    await stream.end();

    const got: Extract<LiveEvent, { type: "draft" }>[] = [];
    for await (const e of events) {
      if (e.type === "draft") got.push(e);
      if (e.type === "draft" && e.done) break;
    }
    controller.abort();
    expect(got.map((e) => e.seq)).toEqual(got.map((_, i) => i));
    expect(got.map((e) => e.text).join("")).toBe(tokens.join(""));
    expect(got.length).toBeLessThan(tokens.length / 10);
    for (const e of got) expect(Buffer.byteLength(JSON.stringify(e))).toBeLessThan(8000);
  });

  it("delivers an event published inside a transaction only when it commits", async () => {
    const ticketId = randomUUID();
    const controller = new AbortController();
    const events = await subscribe(db, (e) => e.ticketId === ticketId, controller.signal);
    await db
      .transaction(async (tx) => {
        await publish(tx, { type: "ticket", ticketId, reason: "new" });
        throw new Error("rollback");
      })
      .catch(() => {});
    await db.transaction((tx) => publish(tx, { type: "ticket", ticketId, reason: "message" }));
    const first = await events[Symbol.asyncIterator]().next();
    controller.abort();
    expect(first.value).toMatchObject({ type: "ticket", reason: "message" });
  });
});
