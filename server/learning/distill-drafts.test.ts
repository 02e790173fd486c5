import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { datasetExamples, distilledDrafts } from "@/db/schema";
import type { SlmEngine } from "@/models/runtime/engine";
import { makeUser } from "@/test/db/fixtures";
import { loadTestEngine } from "@/test/test-engine";
import { addAgentMessage } from "@/server/tickets/add-agent-message";
import { receiveMessage } from "@/server/tickets/receive-message";
import { buildSnapshot } from "@/server/training/build-snapshot";
import { distillDrafts } from "./distill-drafts";

/** The default model stands in for the bigger teacher a GPU server would run: the path is the same. */
describe("distillation (real database, real model as the teacher)", () => {
  const db = getDb();
  let teacher: SlmEngine;
  const teacherModel = `test-teacher-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    teacher = await loadTestEngine({ sequences: 1 });
  });
  afterAll(async () => {
    await teacher?.dispose();
  });

  it("drafts only unanswered tickets, once; the drafts that pass become distilled training examples, never held out", async () => {
    const since = new Date();
    const ticket = (subject: string, text: string) =>
      receiveMessage(db, { channel: "email", from: { email: `d-${randomUUID()}@example.com` }, subject, text, actor: { kind: "system", label: "test" } });
    const open1 = await ticket("Parcel", "My parcel has not arrived after ten days. Can you check where it is?");
    const open2 = await ticket("Cancel", "Please cancel my subscription at the end of this month.");
    const answered = await ticket("Password", "I cannot reset my password, the link expired.");
    const agent = await makeUser("agent");
    await addAgentMessage(db, { ticketId: answered.ticketId, userId: agent.id, kind: "reply", text: "I have sent you a new link; it is valid for 24 hours." });

    const first = await distillDrafts(db, { teacher, teacherModel, since, maxTokens: 48 });
    expect(first.drafted).toBe(2);
    const rows = await db.select().from(distilledDrafts).where(eq(distilledDrafts.teacherModel, teacherModel));
    expect(rows.map((r) => r.ticketId).sort()).toEqual([open1.ticketId, open2.ticketId].sort());
    expect(rows.every((r) => r.teacherVersion === teacher.modelVersion && r.draft.length > 0)).toBe(true);
    expect(rows.filter((r) => r.passed).length).toBe(first.passed);
    // Once per message and teacher: a second run has nothing left to draft.
    expect((await distillDrafts(db, { teacher, teacherModel, since })).drafted).toBe(0);

    const snapshot = await buildSnapshot(db, { since });
    const examples = await db.select().from(datasetExamples).where(and(eq(datasetExamples.snapshotId, snapshot.id), eq(datasetExamples.distilled, true)));
    const passed = rows.filter((r) => r.passed);
    expect(snapshot.stats.distilled).toBe(passed.length);
    expect(examples.map((e) => e.sourceId).sort()).toEqual(passed.map((r) => r.id).sort());
    expect(examples.every((e) => e.split === "train" && e.kind === "draft" && e.modelVersion === teacher.modelVersion)).toBe(true);
    // The answered ticket's example is the reply the agent sent, not a distilled one.
    const sent = await db.select().from(datasetExamples).where(and(eq(datasetExamples.snapshotId, snapshot.id), eq(datasetExamples.distilled, false), eq(datasetExamples.kind, "draft")));
    expect(sent.map((e) => e.finalValue)).toEqual(["I have sent you a new link; it is valid for 24 hours."]);
  }, 900_000);
});
