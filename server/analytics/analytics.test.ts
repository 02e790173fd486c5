import fs from "node:fs";
import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { categories, corrections, messages, modelVersions, slaPolicies, teams, ticketEvents, ticketStats, tickets, triageResults } from "@/db/schema";
import { callerFor, makeUser } from "@/test/db/fixtures";
import { updateTicket } from "@/server/learning/update-ticket";
import { receiveMessage } from "@/server/tickets/receive-message";
import { computeCost } from "./cost";
import { METRICS } from "./definitions";

/**
 * A hand-computed week (Mon 2 – Sun 8 March 2026) in a team of its own, so rows other test files write never count.
 * Times are UTC. The expected figures below are worked out by hand in the comments, not by running the queries.
 *
 * T1 normal  created 03-02 09:00, reply 10:00 (from draft, unchanged), solved 12:00
 * T2 high    created 03-03 08:00, reply 08:30 (edited draft), solved 09:00, customer writes 10:00 (reopened),
 *            reply 11:00 (draft there, not used), solved 12:00 for good
 * T3 urgent  created 03-04 10:00, an internal note 10:30, no reply, still open (SLA breached), needs a human
 * T4 normal  channel api, created 03-05 23:30, reply by API (no author) 03-06 00:30, solved 01:00
 *            (in New York, UTC-5 that week: 18:30 and 20:00 on 03-05)
 * T5 low     created 02-26 10:00 (before the range), reply 12:00, solved 03-02 11:00
 * T6 normal  created 03-08 20:00, reply 03-09 01:00, solved 03-09 02:00 (after the range in UTC; in New York,
 *            where summer time started on 03-08 at 02:00 (UTC-4), that solve is 22:00 on 03-08: inside it)
 * T8, T9 high, created now − 200 min and now − 100 min, no reply: T8 used 83% of its 240-minute first-reply target.
 */
const db = getDb();
const at = (s: string) => new Date(`2026-${s}:00Z`);
const sfx = randomUUID().slice(0, 8);
const X = `x_${sfx}`;
const Y = `y_${sfx}`;
const MV_A = `model-a-${sfx}`;
const MV_B = `model-b-${sfx}`;
let team = "";
let otherTeam = "";
const ids: Record<string, string> = {};
let summaryReviews: unknown[] = [];
const params = () => ({ from: "2026-03-02", to: "2026-03-08", tz: "UTC", teamId: team });

async function ticket(name: string, v: Partial<typeof tickets.$inferInsert> & { createdAt: Date }) {
  const [row] = await db
    .insert(tickets)
    .values({ subject: `${name} ${sfx}`, channel: "email", teamId: team, ...v })
    .returning({ id: tickets.id });
  ids[name] = row!.id;
  return row!.id;
}
async function message(ticketId: string, direction: "inbound" | "outbound" | "note", createdAt: Date, extra: Partial<typeof messages.$inferInsert> = {}) {
  const [row] = await db.insert(messages).values({ ticketId, direction, bodyText: "…", createdAt, ...extra }).returning({ id: messages.id });
  return row!.id;
}
async function triage(ticketId: string, messageId: string, v: Partial<typeof triageResults.$inferInsert> & { createdAt: Date }) {
  const [row] = await db
    .insert(triageResults)
    .values({ ticketId, messageId, modelVersion: MV_A, status: "done", attempts: 1, ...v })
    .returning({ id: triageResults.id });
  return row!.id;
}

beforeAll(async () => {
  // The migration's default targets (minutes): urgent 60/240, high 240/1440, normal 480/2880, low 1440/5760.
  for (const [priority, f, r] of [["urgent", 60, 240], ["high", 240, 1440], ["normal", 480, 2880], ["low", 1440, 5760]] as const) {
    await db.insert(slaPolicies).values({ priority, firstReplyMinutes: f, resolutionMinutes: r }).onConflictDoNothing();
  }
  await db.insert(categories).values([{ key: X, label: `X ${sfx}` }, { key: Y, label: `Y ${sfx}` }]);
  await db.insert(modelVersions).values([MV_A, MV_B].map((id) => ({ id, modelId: id, fileSha256: "0", backend: "cpu" })));
  const made = await db.insert(teams).values([{ name: `A ${sfx}` }, { name: `B ${sfx}` }]).returning({ id: teams.id });
  team = made[0]!.id;
  otherTeam = made[1]!.id;
  const agent = await makeUser("agent");

  const t1 = await ticket("T1", { priority: "normal", status: "solved", category: X, createdAt: at("03-02T09:00"), resolvedAt: at("03-02T12:00") });
  const m1 = await message(t1, "inbound", at("03-02T09:00"));
  const r1 = await triage(t1, m1, { category: X, draft: "Hello", createdAt: at("03-02T09:01"), workerId: "w1", totalMs: 1000, queueWaitMs: 100, ttftMs: 200, tokensPerSecond: 50, promptTokens: 100, completionTokens: 20, draftPromptTokens: 50, draftCompletionTokens: 30, draftTotalMs: 1000 });
  await triage(t1, m1, { modelVersion: MV_B, category: Y, createdAt: at("03-02T09:02"), workerId: "w1", totalMs: 500 });
  await message(t1, "outbound", at("03-02T10:00"), { authorUserId: agent.id, draftTriageId: r1, draftText: "Hello", draftEditDistance: 0, draftChrf: 100 });

  const t2 = await ticket("T2", { priority: "high", status: "solved", category: Y, createdAt: at("03-03T08:00"), resolvedAt: at("03-03T12:00") });
  const m2 = await message(t2, "inbound", at("03-03T08:00"));
  const r2 = await triage(t2, m2, { category: X, draft: "Hi", summary: "Charged twice", createdAt: at("03-03T08:01"), workerId: "w1", attempts: 2, totalMs: 2000, queueWaitMs: 200, ttftMs: 300, tokensPerSecond: 40, promptTokens: 100, completionTokens: 20, draftPromptTokens: 50, draftCompletionTokens: 30, draftTotalMs: 1000 });
  await message(t2, "outbound", at("03-03T08:30"), { authorUserId: agent.id, draftTriageId: r2, draftText: "Hi", draftEditDistance: 12, draftChrf: 60 });
  await message(t2, "inbound", at("03-03T10:00"));
  await message(t2, "outbound", at("03-03T11:00"), { authorUserId: agent.id });
  await db.insert(ticketEvents).values([
    { ticketId: t2, fromStatus: "pending", toStatus: "solved", createdAt: at("03-03T09:00") },
    { ticketId: t2, fromStatus: "solved", toStatus: "open", createdAt: at("03-03T10:00") },
    { ticketId: t2, fromStatus: "open", toStatus: "solved", createdAt: at("03-03T12:00") },
  ]);
  await db.insert(corrections).values({ ticketId: t2, field: "category", aiValue: X, finalValue: Y, modelVersion: MV_A, source: "agent", createdAt: at("03-03T08:40") });

  const t3 = await ticket("T3", { priority: "urgent", status: "open", createdAt: at("03-04T10:00") });
  const m3 = await message(t3, "inbound", at("03-04T10:00"));
  await triage(t3, m3, { category: Y, needsHuman: true, status: "needs_human", createdAt: at("03-04T10:01"), workerId: "w2", totalMs: 3000, queueWaitMs: 300, ttftMs: 400, tokensPerSecond: 30 });
  await message(t3, "note", at("03-04T10:30"), { authorUserId: agent.id });
  const m3b = await message(t3, "inbound", at("03-04T11:00"));
  await triage(t3, m3b, { status: "failed", attempts: 3, createdAt: at("03-04T11:01"), workerId: "w2", queueWaitMs: 600 });

  const t4 = await ticket("T4", { priority: "normal", status: "solved", channel: "api", category: Y, createdAt: at("03-05T23:30"), resolvedAt: at("03-06T01:00") });
  const m4 = await message(t4, "inbound", at("03-05T23:30"));
  await triage(t4, m4, { category: Y, needsHuman: true, summary: "Cannot log in", createdAt: at("03-05T23:31"), workerId: "w2", totalMs: 4000, queueWaitMs: 400, ttftMs: 500, tokensPerSecond: 20 });
  await message(t4, "outbound", at("03-06T00:30"));

  const t5 = await ticket("T5", { priority: "low", status: "closed", createdAt: at("02-26T10:00"), resolvedAt: at("03-02T11:00") });
  await message(t5, "inbound", at("02-26T10:00"));
  await message(t5, "outbound", at("02-26T12:00"), { authorUserId: agent.id });

  const t6 = await ticket("T6", { priority: "normal", status: "solved", category: X, createdAt: at("03-08T20:00"), resolvedAt: at("03-09T02:00") });
  const m6 = await message(t6, "inbound", at("03-08T20:00"));
  await triage(t6, m6, { category: X, createdAt: at("03-08T20:01"), workerId: "w1", totalMs: 5000, queueWaitMs: 500, ttftMs: 600, tokensPerSecond: 10 });
  await message(t6, "outbound", at("03-09T01:00"), { authorUserId: agent.id });
  await db.insert(corrections).values({ ticketId: t6, field: "category", aiValue: X, finalValue: X, modelVersion: MV_A, source: "agent", createdAt: at("03-08T21:00") });

  // Summary reviews through the AI panel's path (learning.accept / learning.correct → updateTicket): T2's accepted,
  // T4's accepted and then changed. Dated into the week afterwards, like the rest of its history.
  const panel = callerFor(agent);
  await panel.learning.accept({ ticketId: t2, field: "summary" });
  await panel.learning.accept({ ticketId: t4, field: "summary" });
  await panel.learning.correct({ ticketId: t4, field: "summary", value: "Reset link expired" });
  const reviews = await db.select().from(corrections).where(and(eq(corrections.field, "summary"), inArray(corrections.ticketId, [t2, t4]))).orderBy(corrections.createdAt);
  summaryReviews = reviews.map((r) => [r.ticketId === t2 ? "T2" : "T4", r.aiValue, r.finalValue, r.modelVersion]);
  for (const [i, when] of ["03-04T12:00", "03-05T11:00", "03-05T12:00"].entries()) {
    await db.update(corrections).set({ createdAt: at(when) }).where(eq(corrections.id, reviews[i]!.id));
  }

  const now = Date.now();
  const t8 = await ticket("T8", { priority: "high", status: "new", createdAt: new Date(now - 200 * 60_000) });
  await message(t8, "inbound", new Date(now - 200 * 60_000));
  await ticket("T9", { priority: "high", status: "new", createdAt: new Date(now - 100 * 60_000) });
  // Same day as T1 in the other team: every figure above must ignore it.
  await db.insert(tickets).values({ subject: `other ${sfx}`, channel: "email", teamId: otherTeam, status: "solved", createdAt: at("03-02T09:00"), resolvedAt: at("03-02T09:30") });
});

describe("analytics queries on a hand-computed week", () => {
  it("counts created and solved per day, bucketed in the chosen zone", async () => {
    const api = callerFor(await makeUser("manager"));
    const utc = await api.analytics.volume({ params: params(), by: "priority" });
    expect(utc).toEqual([
      { day: "2026-03-02", key: "low", created: 0, solved: 1 },
      { day: "2026-03-02", key: "normal", created: 1, solved: 1 },
      { day: "2026-03-03", key: "high", created: 1, solved: 1 },
      { day: "2026-03-04", key: "urgent", created: 1, solved: 0 },
      { day: "2026-03-05", key: "normal", created: 1, solved: 0 },
      { day: "2026-03-06", key: "normal", created: 0, solved: 1 },
      { day: "2026-03-08", key: "normal", created: 1, solved: 0 },
    ]);
    // New York: T4 is created and solved on 03-05; T6's solve (02:00 UTC on 03-09) falls on 03-08 and in range.
    const ny = await api.analytics.volume({ params: { ...params(), tz: "America/New_York" }, by: "priority" });
    expect(ny.filter((r) => r.key === "normal")).toEqual([
      { day: "2026-03-02", key: "normal", created: 1, solved: 1 },
      { day: "2026-03-05", key: "normal", created: 1, solved: 1 },
      { day: "2026-03-08", key: "normal", created: 1, solved: 1 },
    ]);
    const byChannel = await api.analytics.volume({ params: { ...params(), channel: "api" }, by: "channel" });
    expect(byChannel).toEqual([
      { day: "2026-03-05", key: "api", created: 1, solved: 0 },
      { day: "2026-03-06", key: "api", created: 0, solved: 1 },
    ]);
  });

  it("carries the open backlog from before the range through each day", async () => {
    const api = callerFor(await makeUser("manager"));
    // T5 open at the start; 03-02 T1 in and out, T5 out → 0; 03-04 T3 → 1; 03-05 T4 → 2; 03-06 T4 out → 1; 03-08 T6 → 2.
    expect((await api.analytics.backlog({ params: params() })).map((r) => r.open)).toEqual([0, 0, 1, 2, 1, 1, 2]);
    // Only T3 is unsolved with a latest triage asking for a person (its failed run): T8 and T9 were never triaged.
    expect(await api.analytics.needsHumanQueue({ params: params() })).toEqual({ count: 1 });
  });

  it("measures first reply, resolution, one-touch and reopens overall and by priority", async () => {
    const api = callerFor(await makeUser("manager"));
    const rows = await api.analytics.responseTimes({ params: params() });
    const all = rows.find((r) => r.groupBy === "all")!;
    // First replies (created in range): T1 60, T2 30, T4 60 (by API), T6 300; T3 none (its note does not count).
    // Median of 30, 60, 60, 300 = 60; p90 = 60 + 0.7 × (300 − 60) = 228.
    // Resolutions (solved in range): T4 90, T1 180, T2 240 (to the final solve), T5 5,820 → median 210, p90 = 240 + 0.7 × 5,580 = 4,146.
    expect(all).toMatchObject({ createdTickets: 5, replied: 4, noReply: 1, firstReplyMedianMin: 60, solvedTickets: 4, resolutionMedianMin: 210, oneTouch: 3, reopened: 1 });
    expect(all.firstReplyP90Min).toBeCloseTo(228, 6);
    expect(all.resolutionP90Min).toBeCloseTo(4146, 6);
    const normal = rows.find((r) => r.groupBy === "priority" && r.group === "normal")!;
    expect(normal).toMatchObject({ createdTickets: 3, firstReplyMedianMin: 60, solvedTickets: 2, resolutionMedianMin: 135, oneTouch: 2, reopened: 0 });
    expect(rows.find((r) => r.groupBy === "priority" && r.group === "urgent")).toMatchObject({ createdTickets: 1, noReply: 1, firstReplyMedianMin: null });
    expect(rows.find((r) => r.groupBy === "team")).toMatchObject({ group: `A ${sfx}`, createdTickets: 5, solvedTickets: 4 });
  });

  it("sums the requester's waits per ticket", async () => {
    const api = callerFor(await makeUser("manager"));
    // T1 60; T2 30 + 60 (it waited again after writing back); T4 60; T5 120 → median 75, p90 = 90 + 0.7 × 30 = 111.
    const all = (await api.analytics.requesterWait({ params: params() })).find((r) => r.groupBy === "all")!;
    expect(all).toMatchObject({ tickets: 4, medianMin: 75 });
    expect(all.p90Min).toBeCloseTo(111, 6);
  });

  it("counts SLA breaches and the tickets at risk now", async () => {
    const api = callerFor(await makeUser("manager"));
    const rows = await api.analytics.slaBreaches({ params: params() });
    expect(rows.find((r) => r.priority === "all")).toEqual({ priority: "all", tickets: 5, firstReplyBreached: 1, resolutionBreached: 1, breached: 1 });
    expect(rows.find((r) => r.priority === "urgent")).toMatchObject({ tickets: 1, breached: 1 });
    const risk = await api.analytics.slaAtRisk({ params: params() });
    expect(risk.map((r) => r.id)).toEqual([ids.T8]);
    expect(risk[0]!.target).toBe("first_reply");
  });

  it("judges each model version's categories against the agents' final labels", async () => {
    const api = callerFor(await makeUser("manager"));
    const quality = await api.analytics.aiQuality({ params: params() });
    // A: T1 right (kept on a solved ticket), T2 wrong (corrected X → Y), T4 right (needs human), T6 right (accepted);
    // T3 not judged (open, no correction). Automated (not needs-human): T1, T2, T6 → 2 of 3.
    // Summaries: each ticket's latest review: T2's accepted (kept), T4's changed after its accept (not kept) → 1 of 2.
    expect(summaryReviews).toEqual([
      ["T2", "Charged twice", "Charged twice", MV_A],
      ["T4", "Cannot log in", "Cannot log in", MV_A],
      ["T4", "Cannot log in", "Reset link expired", MV_A],
    ]);
    expect(quality.find((q) => q.modelVersion === MV_A)).toEqual({
      modelVersion: MV_A, triaged: 5, needsHuman: 2, judged: 4, correct: 3, judgedAutomated: 3, correctAutomated: 2, summariesReviewed: 2, summariesKept: 1,
    });
    expect(quality.find((q) => q.modelVersion === MV_B)).toMatchObject({ triaged: 1, judged: 1, correct: 0 });
    const pairs = await api.analytics.aiConfusions({ params: params() });
    expect(pairs.filter((p) => p.modelVersion === MV_A)).toEqual([{ modelVersion: MV_A, ai: X, final: Y, count: 1 }]);
    expect(pairs.filter((p) => p.modelVersion === MV_B)).toEqual([{ modelVersion: MV_B, ai: Y, final: X, count: 1 }]);
    // New York's week is 03-02 05:00 to 03-09 04:00 UTC: the same triage runs, partly from the rollup, partly from its rows.
    expect(await api.analytics.aiQuality({ params: { ...params(), tz: "America/New_York" } })).toEqual(quality);
    const only = await api.analytics.aiQuality({ params: { ...params(), modelVersion: MV_B } });
    expect(only.map((q) => q.modelVersion)).toEqual([MV_B]);
    const curve = (await api.analytics.learningCurve({ params: params() })).filter((c) => c.modelVersion === MV_A);
    expect(curve).toMatchObject([{ week: "2026-03-02", judged: 4, correct: 3 }]);
    expect(curve[0]!.labelsSoFar).toBeGreaterThanOrEqual(2);
  });

  it("sorts every public reply into draft use", async () => {
    const api = callerFor(await makeUser("manager"));
    const use = await api.analytics.draftUse({ params: params() });
    // T1 as is; T2's first reply edited (12 characters, chrF 60), its second discarded the draft that was there;
    // T4's API reply had no draft → scratch. T5 and T6 replied outside the range.
    expect(use.find((u) => u.modelVersion === MV_A)).toEqual({ modelVersion: MV_A, replies: 3, asIs: 1, edited: 1, discarded: 1, scratch: 0, medianEditDistance: 6, meanChrf: 80 });
    expect(use.find((u) => u.modelVersion === null)).toEqual({ modelVersion: null, replies: 1, asIs: 0, edited: 0, discarded: 0, scratch: 1, medianEditDistance: null, meanChrf: null });
    // In New York T6's reply (01:00 UTC on 03-09, 21:00 on 03-08 there) is inside the week: a second scratch reply.
    const ny = await api.analytics.draftUse({ params: { ...params(), tz: "America/New_York" } });
    expect(ny.find((u) => u.modelVersion === MV_A)).toEqual(use.find((u) => u.modelVersion === MV_A));
    expect(ny.find((u) => u.modelVersion === null)).toMatchObject({ replies: 2, scratch: 2 });
  });

  it("reports triage latency, failures and retries per worker and model version", async () => {
    const api = callerFor(await makeUser("manager"));
    const ops = (await api.analytics.modelOps({ params: params() })).filter((o) => o.modelVersion === MV_A);
    // Totals 1,000…5,000 ms → p50 3,000, p95 = 4,000 + 0.8 × 1,000; waits 100…600 → p50 350, p95 = 500 + 0.75 × 100.
    expect(ops[0]).toMatchObject({ worker: "all workers", runs: 6, failed: 1, retries: 3, totalP50Ms: 3000, totalP95Ms: 4800, queueWaitP50Ms: 350, queueWaitP95Ms: 575, ttftP50Ms: 400, tokensPerSecondP50: 30 });
    expect(ops.find((o) => o.worker === "w1")).toMatchObject({ runs: 3, failed: 0, retries: 1, totalP50Ms: 2000 });
    expect(ops.find((o) => o.worker === "w2")).toMatchObject({ runs: 3, failed: 1, retries: 2, totalP50Ms: 3500 });
    const cost = await api.analytics.cost({ params: params() });
    // T1 and T2: 100 + 50 prompt and 20 + 30 output tokens each; model time 2,000 + 3,000 + 3,000 + 4,000 + 5,000 ms.
    expect(cost.versions.find((v) => v.modelVersion === MV_A)).toMatchObject({ promptTokens: 300, completionTokens: 100, tokens: 400, modelHours: 0.005 });
  });

  it("lists the tickets behind a number", async () => {
    const api = callerFor(await makeUser("manager"));
    const list = async (metric: "created" | "solved" | "noReply" | "reopened" | "oneTouch" | "breached" | "needsHuman", extra = {}) =>
      (await api.analytics.tickets({ params: params(), metric, ...extra })).tickets.map((t) => t.id).sort();
    const sorted = (...names: string[]) => names.map((n) => ids[n]).sort();
    expect(await list("created")).toEqual(sorted("T1", "T2", "T3", "T4", "T6"));
    expect(await list("created", { day: "2026-03-05" })).toEqual(sorted("T4"));
    expect(await list("solved", { groupBy: "priority", group: "low" })).toEqual(sorted("T5"));
    expect(await list("noReply")).toEqual(sorted("T3"));
    expect(await list("reopened")).toEqual(sorted("T2"));
    expect(await list("oneTouch")).toEqual(sorted("T1", "T4", "T5"));
    expect(await list("breached")).toEqual(sorted("T3"));
    expect(await list("needsHuman")).toEqual(sorted("T3"));
  });
});

describe("analytics access and inputs", () => {
  it("is for managers and admins: agents get FORBIDDEN, anonymous callers UNAUTHORIZED", async () => {
    await expect(callerFor(await makeUser("agent")).analytics.backlog({ params: params() })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(callerFor(null).analytics.options()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect((await callerFor(await makeUser("admin")).analytics.backlog({ params: params() })).length).toBe(7);
  });

  it("refuses an unknown time zone and a range that ends before it starts", async () => {
    const api = callerFor(await makeUser("manager"));
    await expect(api.analytics.backlog({ params: { ...params(), tz: "Mars/Olympus" } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(api.analytics.backlog({ params: { ...params(), from: "2026-03-09" } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("status history", () => {
  it("records every status change, and a customer writing again reopens a solved ticket for good", async () => {
    const actor = { kind: "system" as const, label: "test" };
    const externalId = randomUUID();
    const first = await receiveMessage(db, { channel: "webhook", from: { email: `c-${sfx}@example.com` }, subject: "s", text: "t", source: "test", externalId, actor });
    await updateTicket(db, { ticketId: first.ticketId, actor, patch: { status: "solved" } });
    expect((await db.select().from(tickets).where(eq(tickets.id, first.ticketId)))[0]!.resolvedAt).not.toBeNull();
    await receiveMessage(db, { channel: "webhook", from: { email: `c-${sfx}@example.com` }, subject: "s", text: "again", source: "test", externalId, actor });
    const [after] = await db.select().from(tickets).where(eq(tickets.id, first.ticketId));
    expect(after).toMatchObject({ status: "open", resolvedAt: null });
    const events = await db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, first.ticketId)).orderBy(ticketEvents.createdAt);
    expect(events.map((e) => [e.fromStatus, e.toStatus])).toEqual([["new", "solved"], ["solved", "open"]]);
  });
});

describe("ticket_stats rollup", () => {
  it("kept message by message, equals its recomputation from the stored history", async () => {
    const ticketIds = Object.values(ids);
    const read = () => db.select().from(ticketStats).where(inArray(ticketStats.ticketId, ticketIds)).orderBy(ticketStats.ticketId);
    const incremental = await read();
    expect(incremental.find((r) => r.ticketId === ids.T2)).toMatchObject({ replies: 2, waitedSeconds: 90 * 60, reopens: 1, finalCategory: Y });
    await db.execute(sql`select refresh_ticket_stats(${`{${ticketIds.join(",")}}`}::uuid[])`);
    // The recomputation also writes an all-zero row for a ticket without messages (T9); the rest must be unchanged.
    const recomputed = await read();
    expect(recomputed.filter((r) => incremental.some((i) => i.ticketId === r.ticketId))).toEqual(incremental);
    expect(recomputed.find((r) => r.ticketId === ids.T9)).toMatchObject({ replies: 0, waitedSeconds: 0, firstReplyAt: null });
  });
});

describe("cost", () => {
  it("prices model time locally and the same tokens in the cloud", () => {
    const usage = [{ modelVersion: "m", runs: 10, promptTokens: 2_000_000, completionTokens: 500_000, modelMs: 10 * 3_600_000 }];
    const c = computeCost(usage, 10, { serverPerHour: 0.1, cloudModel: "c", cloudInputPer1k: 0.0002, cloudOutputPer1k: 0.001 });
    // Local: 10 h × 0.10 = 1.00; cloud: 2,000 × 0.0002 + 500 × 0.001 = 0.90; a month is 3 × 10 days.
    expect(c.total).toMatchObject({ tokens: 2_500_000, localCost: 1, cloudCost: 0.9, cloudToLocalRatio: 0.9, localMonthly: 3, cloudMonthly: 2.7, serverMonthly: 73 });
    expect(c.versions[0]!.tokensPerSecond).toBeCloseTo(69.4, 1);
  });
});

describe("definitions", () => {
  it("are the ones the README shows", () => {
    const readme = fs.readFileSync("README.md", "utf8").replace(/\s+/g, " ");
    const missing = Object.values(METRICS).filter((m) => !readme.includes(`**${m.label}**: ${m.text}`)).map((m) => m.label);
    expect(missing).toEqual([]);
  });
});

describe("daily rollups", () => {
  const teamsIn = () => sql`(${team}::uuid, ${otherTeam}::uuid)`;
  /** ai_daily for the test's teams, and the same counts from the tables it sums, by the dashboard's definition. */
  async function aiDaily() {
    const kept = await db.execute(sql`
      select to_char(day, 'YYYY-MM-DD') as day, model_version, team_id, channel::text, needs_human, judged, correct, ai_category, final_label, sum(n)::int as n
      from ai_daily where team_id in ${teamsIn()} group by 1, 2, 3, 4, 5, 6, 7, 8, 9 having sum(n) <> 0 order by 1, 2, 3, 4, 5, 6, 7, 8, 9`);
    const raw = await db.execute(sql`
      with judged as (
        select distinct on (r.ticket_id, r.model_version) r.created_at, r.model_version, t.team_id, t.channel, r.category,
               (r.needs_human or r.status = 'needs_human') as needs_human,
               coalesce((select c.final_value from corrections c where c.ticket_id = t.id and c.field = 'category' and c.scope = 'live' order by c.created_at desc limit 1),
                        case when t.status in ('solved', 'closed') then t.category end) as final_label
        from triage_results r join tickets t on t.id = r.ticket_id
        where t.team_id in ${teamsIn()} and r.status in ('done', 'needs_human')
        order by r.ticket_id, r.model_version, r.created_at desc, r.id desc
      )
      select to_char((created_at at time zone 'UTC')::date, 'YYYY-MM-DD') as day, model_version, team_id, channel::text, needs_human,
             final_label is not null as judged, coalesce(final_label = category, false) as correct,
             case when final_label <> category then category end as ai_category, case when final_label <> category then final_label end as final_label,
             count(*)::int as n
      from judged group by 1, 2, 3, 4, 5, 6, 7, 8, 9 order by 1, 2, 3, 4, 5, 6, 7, 8, 9`);
    return { kept: [...kept], raw: [...raw] };
  }
  /** reply_daily for the test's teams, and the same from the replies, with the draft on offer looked up as before. */
  async function replyDaily() {
    const kept = await db.execute(sql`
      select to_char(day, 'YYYY-MM-DD') as day, team_id, channel::text, model_version, from_draft, edit_distance, sum(n)::int as n,
             round(sum(chrf_sum)::numeric, 6)::float8 as chrf, sum(chrf_count)::int as chrf_n
      from reply_daily where team_id in ${teamsIn()} group by 1, 2, 3, 4, 5, 6 having sum(n) <> 0 order by 1, 2, 3, 4, 5, 6`);
    const raw = await db.execute(sql`
      select to_char((m.created_at at time zone 'UTC')::date, 'YYYY-MM-DD') as day, t.team_id, t.channel::text, coalesce(linked.model_version, offered.model_version) as model_version,
             m.draft_triage_id is not null as from_draft, m.draft_edit_distance as edit_distance, count(*)::int as n,
             round(coalesce(sum(m.draft_chrf), 0)::numeric, 6)::float8 as chrf, count(m.draft_chrf)::int as chrf_n
      from messages m join tickets t on t.id = m.ticket_id
      left join triage_results linked on linked.id = m.draft_triage_id
      left join lateral (
        select r.model_version from triage_results r
        where m.draft_triage_id is null and r.ticket_id = m.ticket_id and r.draft is not null and r.created_at < m.created_at
        order by r.created_at desc limit 1
      ) offered on true
      where m.direction = 'outbound' and t.team_id in ${teamsIn()}
      group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6`);
    return { kept: [...kept], raw: [...raw] };
  }
  /** ticket_stats' copies of the ticket fields, and the fields. */
  async function copies() {
    const kept = await db.execute(sql`
      select ts.ticket_id, ts.created_at, ts.solved_at, ts.team_id, ts.assignee_id, ts.channel, ts.priority, ts.first_response_at
      from ticket_stats ts join tickets t on t.id = ts.ticket_id where t.team_id in ${teamsIn()} order by 1`);
    const raw = await db.execute(sql`
      select t.id as ticket_id, t.created_at, case when t.status in ('solved', 'closed') then t.resolved_at end as solved_at, t.team_id, t.assignee_id,
             t.channel, t.priority, t.first_response_at
      from tickets t where t.team_id in ${teamsIn()} order by 1`);
    return { kept: [...kept], raw: [...raw] };
  }

  it("equal the rows they sum, before and after a reopen, late corrections, a move, a re-run, deleted rows", async () => {
    for (const check of [aiDaily, replyDaily, copies]) {
      const { kept, raw } = await check();
      expect(raw.length).toBeGreaterThan(0);
      expect(kept).toEqual(raw);
    }
    const agent = await makeUser("agent");
    const actor = { kind: "user" as const, userId: agent.id };
    // T1 reopened: its kept category is no final label any more, and it is no longer solved.
    await updateTicket(db, { ticketId: ids.T1!, actor, patch: { status: "open" } });
    // An agent labels T3 now (a late correction: its triage ran on 03-04).
    await updateTicket(db, { ticketId: ids.T3!, actor, patch: { category: X } });
    // An older label for T2 arrives from an import: the newer one (Y) stays final.
    await db.insert(corrections).values({ ticketId: ids.T2!, field: "category", aiValue: X, finalValue: X, modelVersion: MV_A, source: "import", createdAt: at("03-03T08:35") });
    // T4 moves to the other team and channel.
    await updateTicket(db, { ticketId: ids.T4!, actor, patch: { teamId: otherTeam } });
    await db.update(tickets).set({ channel: "web" }).where(eq(tickets.id, ids.T4!));
    // T6 is triaged again later, wrongly this time; T2's second reply is deleted; T5 is deleted.
    const [m6] = await db.select({ id: messages.id }).from(messages).where(and(eq(messages.ticketId, ids.T6!), eq(messages.direction, "inbound")));
    await triage(ids.T6!, m6!.id, { modelVersion: MV_A, category: Y, draft: "Again", createdAt: at("03-08T22:00") }).catch(async () => {
      // One result per message and version: a re-run updates it.
      await db.update(triageResults).set({ category: Y, draft: "Again", createdAt: at("03-08T22:00") }).where(and(eq(triageResults.messageId, m6!.id), eq(triageResults.modelVersion, MV_A)));
    });
    await db.delete(messages).where(and(eq(messages.ticketId, ids.T2!), eq(messages.direction, "outbound"), eq(messages.createdAt, at("03-03T11:00"))));
    await db.delete(tickets).where(eq(tickets.id, ids.T5!));

    for (const check of [aiDaily, replyDaily, copies]) {
      const { kept, raw } = await check();
      expect(kept).toEqual(raw);
    }
    // By hand, model A in team A now: T1 (reopened, unjudged), T2 (X → Y), T3 (Y → X), T6 (Y → X): 4 triaged, 3 judged, none right.
    const api = callerFor(await makeUser("manager"));
    const a = (await api.analytics.aiQuality({ params: params() })).find((q) => q.modelVersion === MV_A);
    expect(a).toMatchObject({ triaged: 4, judged: 3, correct: 0 });
    // T2's second reply is gone (2 of MV_A's replies remain: T1 as is, T2 edited); T4's moved with its ticket.
    expect((await api.analytics.draftUse({ params: params() })).find((u) => u.modelVersion === MV_A)).toMatchObject({ replies: 2, asIs: 1, edited: 1, discarded: 0 });
  });
});
