import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { attachments, categories, corrections, examples, messages, modelVersions, teams, tickets, triageResults, triageSettings } from "@/db/schema";
import { callerFor, makeUser } from "@/test/db/fixtures";
import { deliverReply } from "@/server/ingestion/email/deliver";
import { editDistance } from "@/server/tickets/draft-metrics";
import { getAttachment } from "@/server/tickets/get-attachment";
import { autoApply } from "@/server/triage/auto-apply";
import { updateTicket } from "@/server/learning/update-ticket";

const db = getDb();
const tag = () => randomUUID().slice(0, 8);

async function triaged(api: ReturnType<typeof callerFor>, over: Partial<typeof triageResults.$inferInsert> = {}, subject = "Double charge") {
  await db.insert(categories).values([{ key: "WS_BILLING", label: "Billing" }, { key: "WS_REFUND", label: "Refund" }]).onConflictDoNothing();
  const email = `ws-${tag()}@example.com`;
  const { ticketId } = await api.tickets.create({ customerEmail: email, customerName: "Ada Lovelace", subject, text: "You charged my card twice." });
  const [msg] = await db.select().from(messages).where(eq(messages.ticketId, ticketId));
  const version = `ws-slm@${tag()}`;
  await db.insert(modelVersions).values({ id: version, modelId: "ws-slm", fileSha256: "0".repeat(64), backend: "cpu" });
  const [triage] = await db
    .insert(triageResults)
    .values({
      ticketId,
      messageId: msg!.id,
      modelVersion: version,
      status: "done",
      category: "WS_BILLING",
      priority: "high",
      sentiment: "negative",
      language: "en",
      summary: "Customer was charged twice.",
      tags: ["billing", "refund"],
      confidence: { category: 0.9, priority: 0.6, sentiment: 0.8, language: 1 },
      ...over,
    })
    .returning();
  return { ticketId, triage: triage!, version, email };
}

describe("one correction path", () => {
  it("accepts and changes each AI field; every verification is a correction against the triage that proposed it", async () => {
    const agent = await makeUser("agent");
    const api = callerFor(agent);
    const { ticketId, triage, version } = await triaged(api);

    for (const field of ["category", "sentiment", "language", "summary", "tags"] as const) await api.learning.accept({ ticketId, field });
    await api.learning.correct({ ticketId, field: "priority", value: "low" });
    await api.learning.correct({ ticketId, field: "summary", value: "Charged twice for one order; wants a refund." });

    const t = await api.tickets.get({ ticketId });
    expect(t).toMatchObject({ category: "WS_BILLING", priority: "low", sentiment: "negative", language: "en", tags: ["billing", "refund"] });
    expect(t.summary).toBe("Charged twice for one order; wants a refund.");

    const rows = await db.select().from(corrections).where(eq(corrections.ticketId, ticketId));
    expect(rows.map((r) => [r.field, r.aiValue, r.finalValue]).sort()).toEqual(
      [
        ["category", "WS_BILLING", "WS_BILLING"],
        ["language", "en", "en"],
        ["priority", "high", "low"],
        ["sentiment", "negative", "negative"],
        ["summary", "Customer was charged twice.", "Customer was charged twice."],
        ["summary", "Customer was charged twice.", "Charged twice for one order; wants a refund."],
        ["tags", "billing, refund", "billing, refund"],
      ].sort(),
    );
    for (const r of rows) expect(r).toMatchObject({ source: "agent", userId: agent.id, modelVersion: version, triageResultId: triage.id });
    // Labels become learner examples; free text (summary, tags) stays a correction (the SLM's training pair).
    const exampleFields = await db
      .select({ field: examples.field })
      .from(examples)
      .where(inArray(examples.correctionId, rows.map((r) => r.id)));
    expect(exampleFields.map((e) => e.field).sort()).toEqual(["category", "language", "priority", "sentiment"]);
  });

  it("records the correction in the ticket change's transaction: a refused label leaves the ticket unchanged", async () => {
    const agent = await makeUser("agent");
    const { ticketId } = await triaged(callerFor(agent));
    await expect(
      updateTicket(db, { ticketId, actor: { kind: "user", userId: agent.id }, patch: { priority: "urgent", sentiment: "furious" } }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
    const [t] = await db.select().from(tickets).where(eq(tickets.id, ticketId));
    expect(t).toMatchObject({ priority: "normal", sentiment: null });
    expect(await db.select().from(corrections).where(eq(corrections.ticketId, ticketId))).toHaveLength(0);
  });

  it("teaches from the plain ticket update too, and clears needs-human once a person picks the category", async () => {
    const agent = await makeUser("agent");
    const api = callerFor(agent);
    const { ticketId } = await triaged(api, { status: "needs_human", needsHuman: true });
    await db.update(tickets).set({ needsHuman: true }).where(eq(tickets.id, ticketId));
    const r = await api.tickets.update({ ticketId, category: "WS_REFUND", status: "open" });
    expect(r.corrections).toEqual(["category"]);
    const [t] = await db.select().from(tickets).where(eq(tickets.id, ticketId));
    expect(t).toMatchObject({ category: "WS_REFUND", needsHuman: false, status: "open" });
  });

  it("a bulk category change records one correction per ticket, all or nothing", async () => {
    const agent = await makeUser("agent");
    const api = callerFor(agent);
    const a = await triaged(api);
    const b = await triaged(api);
    const r = await api.tickets.bulkUpdate({ ticketIds: [a.ticketId, b.ticketId], patch: { category: "WS_REFUND", addTags: ["vip"] } });
    expect(r).toMatchObject({ updated: 2, changed: 2, corrections: 4 });
    const rows = await db.select().from(corrections).where(inArray(corrections.ticketId, [a.ticketId, b.ticketId]));
    expect(rows.filter((c) => c.field === "category").map((c) => [c.aiValue, c.finalValue])).toEqual([
      ["WS_BILLING", "WS_REFUND"],
      ["WS_BILLING", "WS_REFUND"],
    ]);
    expect((await api.tickets.get({ ticketId: a.ticketId })).tags).toEqual(["vip"]);

    await expect(api.tickets.bulkUpdate({ ticketIds: [a.ticketId, randomUUID()], patch: { category: "WS_BILLING" } })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await api.tickets.get({ ticketId: a.ticketId })).category).toBe("WS_REFUND");
  });

  it("writes nothing from triage unless an admin turned auto-apply on for the field, above its threshold", async () => {
    const api = callerFor(await makeUser("agent"));
    const { ticketId, version } = await triaged(api);
    const fields = {
      category: { source: "learner" as const, confidence: 0.9, unsure: false },
      priority: { source: "learner" as const, confidence: 0.6, unsure: false },
    };
    const base = { ticketId, modelVersion: version, category: "WS_BILLING", priority: "high" as const, fields, injection: false };
    const setting = (minConfidence: number) =>
      db.insert(triageSettings).values({ field: "category", autoApply: true, minConfidence }).onConflictDoUpdate({ target: triageSettings.field, set: { autoApply: true, minConfidence } });
    try {
      expect(await autoApply(db, base)).toEqual({});
      await setting(0.95);
      expect(await autoApply(db, base)).toEqual({});
      expect(await autoApply(db, { ...base, injection: true })).toEqual({});
      await setting(0.8);
      expect(await autoApply(db, base)).toEqual({ category: "WS_BILLING" });
      // Nobody verified it: no correction.
      expect(await db.select().from(corrections).where(eq(corrections.ticketId, ticketId))).toHaveLength(0);
    } finally {
      await db.update(triageSettings).set({ autoApply: false });
    }
  });
});

describe("queues and search", () => {
  it("lists and counts the saved views, and finds tickets by body, note, customer and number as you type", async () => {
    const agent = await makeUser("agent");
    const api = callerFor(agent);
    const word = `zq${tag()}`;
    const mine = await triaged(api, {}, `Invoice ${word}`);
    const flagged = await triaged(api);
    await db.update(tickets).set({ flagged: true, needsHuman: true }).where(eq(tickets.id, flagged.ticketId));
    await api.tickets.update({ ticketId: mine.ticketId, assigneeId: agent.id });
    await api.tickets.addMessage({ ticketId: flagged.ticketId, kind: "note", text: `Escalated to finance ${word}note` });
    const solved = await triaged(api);
    await api.tickets.update({ ticketId: solved.ticketId, status: "solved" });

    const ids = async (input: Parameters<typeof api.tickets.list>[0]) => (await api.tickets.list({ pageSize: 100, ...input })).items.map((i) => i.id);
    expect(await ids({ view: "mine" })).toEqual([mine.ticketId]);
    expect(await ids({ view: "flagged" })).toContain(flagged.ticketId);
    expect(await ids({ view: "needs_human" })).toContain(flagged.ticketId);
    expect(await ids({ view: "open" })).not.toContain(solved.ticketId);
    // The last word is a prefix: the subject's word and the note's longer word both match.
    expect((await ids({ view: "all", q: word })).sort()).toEqual([mine.ticketId, flagged.ticketId].sort());
    expect(await ids({ q: `${word}no` })).toEqual([flagged.ticketId]); // a prefix of a word in a note
    expect(await ids({ q: `charged my car` })).toEqual(expect.arrayContaining([mine.ticketId, flagged.ticketId]));
    expect(await ids({ q: mine.email })).toEqual([mine.ticketId]);
    const number = (await api.tickets.get({ ticketId: solved.ticketId })).number;
    expect(await ids({ q: `#${number}` })).toEqual([solved.ticketId]);

    // The SLA trigger keeps the next deadline: first reply while unanswered, none once solved.
    const [open] = await db.select().from(tickets).where(eq(tickets.id, mine.ticketId));
    const [done] = await db.select().from(tickets).where(eq(tickets.id, solved.ticketId));
    expect(open!.slaDueAt).not.toBeNull();
    expect(done!.slaDueAt).toBeNull();
    await db.update(tickets).set({ createdAt: new Date(Date.now() - 7 * 86400_000) }).where(eq(tickets.id, mine.ticketId));
    expect(await ids({ view: "sla_risk" })).toContain(mine.ticketId);

    const counts = await api.tickets.viewCounts();
    expect(counts.views.mine).toBe(1);
    expect(counts.views.flagged).toBeGreaterThanOrEqual(1);
    expect(counts.views.open).toBeGreaterThanOrEqual(2);
    expect(counts.views.sla_risk).toBeGreaterThanOrEqual(1);
  });
});

describe("drafts and delivery", () => {
  it("keeps the draft→sent pair, and a reply that cannot be delivered leaves the ticket open with a resend", async () => {
    const agent = await makeUser("agent");
    const api = callerFor(agent);
    const draft = "Hello Ada, sorry for the double charge. We have refunded the second payment.";
    const { ticketId, triage } = await triaged(api, { draft });
    const sent = "Hello Ada, sorry for the double charge! We refunded the second payment today.";
    const { messageId } = await api.tickets.addMessage({ ticketId, kind: "reply", text: sent, draftTriageId: triage.id, solve: true, seenMessageId: triage.messageId });
    const [m] = await db.select().from(messages).where(eq(messages.id, messageId));
    expect(m).toMatchObject({ draftTriageId: triage.id, draftText: draft, draftEditDistance: editDistance(draft, sent) });
    expect(m!.draftChrf).toBeGreaterThan(50);
    expect(m!.draftChrf).toBeLessThan(100);
    expect((await api.tickets.get({ ticketId })).status).toBe("solved");

    // A reply from scratch carries no draft link; a draft from another ticket is refused.
    const scratch = await api.tickets.addMessage({ ticketId, kind: "reply", text: "One more thing.", seenMessageId: triage.messageId });
    const [s] = await db.select().from(messages).where(eq(messages.id, scratch.messageId));
    expect(s!.draftTriageId).toBeNull();
    const other = await triaged(api, { draft: "x" });
    await expect(api.tickets.addMessage({ ticketId, kind: "reply", text: "y", draftTriageId: other.triage.id, seenMessageId: triage.messageId })).rejects.toMatchObject({ code: "BAD_REQUEST" });

    // No relay configured: both replies fail for good; the customer got nothing, so the ticket is open again.
    for (const id of [messageId, scratch.messageId]) await deliverReply(db, id, { relayUrl: undefined, from: "Support <s@x.test>" }, { attempt: 1, maxAttempts: 8 });
    const after = await api.tickets.get({ ticketId });
    expect(after).toMatchObject({ status: "open", firstResponseAt: null, resolvedAt: null });
    expect(after.messages.find((x) => x.id === messageId)).toMatchObject({ deliveryStatus: "failed" });

    await api.tickets.resend({ ticketId, messageId });
    const resent = await api.tickets.get({ ticketId });
    expect(resent.status).toBe("pending");
    expect(resent.messages.find((x) => x.id === messageId)).toMatchObject({ deliveryStatus: "queued" });
    await expect(api.tickets.resend({ ticketId, messageId })).rejects.toMatchObject({ code: "CONFLICT" });
  });
});

describe("macros", () => {
  it("fills {{variables}} for the ticket, counts uses, and shows a team's macros to that team only", async () => {
    const manager = callerFor(await makeUser("manager"));
    const agent = await makeUser("agent");
    const api = callerFor(agent);
    const [team] = await db.insert(teams).values({ name: `WS team ${tag()}` }).returning();
    const shared = await manager.macros.save({
      macro: { name: `Refund ${tag()}`, body: "Hi {{customer.first_name}}, ticket #{{ticket.number}} is refunded. {{unknown.var}}", teamId: null, category: null },
    });
    const other = await manager.macros.save({ macro: { name: `Team only ${tag()}`, body: "x", teamId: team!.id, category: null } });
    const visible = (await api.macros.list()).map((m) => m.id);
    expect(visible).toContain(shared.id);
    expect(visible).not.toContain(other.id);
    await expect(api.macros.fill({ macroId: other.id, ticketId: (await triaged(api)).ticketId })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const { ticketId } = await triaged(api);
    const number = (await api.tickets.get({ ticketId })).number;
    const { text } = await api.macros.fill({ macroId: shared.id, ticketId });
    expect(text).toBe(`Hi Ada, ticket #${number} is refunded. {{unknown.var}}`);
    expect((await api.macros.list()).find((m) => m.id === shared.id)?.usageCount).toBe(1);
    await expect(api.macros.save({ macro: { name: "no", body: "no", teamId: null, category: null } })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("attachments", () => {
  it("lists a message's attachments on the ticket, without their bytes", async () => {
    const api = callerFor(await makeUser("agent"));
    const { ticketId } = await triaged(api);
    const [m] = await db.select().from(messages).where(eq(messages.ticketId, ticketId));
    await db.insert(attachments).values({ messageId: m!.id, filename: "invoice.pdf", contentType: "application/pdf", size: 4, content: Buffer.from("%PDF") });
    const t = await api.tickets.get({ ticketId });
    expect(t.messages[0]!.attachments).toEqual([expect.objectContaining({ filename: "invoice.pdf", contentType: "application/pdf", size: 4 })]);
    expect(t.messages[0]!.attachments[0]).not.toHaveProperty("content");
    expect((await getAttachment(db, t.messages[0]!.attachments[0]!.id)).content.toString()).toBe("%PDF");
  });
});
