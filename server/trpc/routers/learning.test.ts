import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { run } from "graphile-worker";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { categories, corrections, encoderRuns, examples, LIVE_SCOPE, messages, modelVersions, triageResults } from "@/db/schema";
import { callerFor, makeUser } from "@/test/db/fixtures";
import { env } from "@/config/env";
import { createLearningTasks } from "@/server/learning/learning-tasks";
import { learningText } from "@/server/learning/ticket-text";
import { textHash } from "@/server/learning/vectors";

describe("learning router", () => {
  it("records every verified field on a ticket against what triage proposed", async () => {
    const db = getDb();
    await db.insert(categories).values([{ key: "BILLING_RT", label: "Billing" }, { key: "REFUND_RT", label: "Refund" }]).onConflictDoNothing();
    const agent = await makeUser("agent");
    const api = callerFor(agent);
    const { ticketId } = await api.tickets.create({ customerEmail: "rt@example.com", subject: "Double charge", text: "You charged my card twice." });
    const [msg] = await db.select().from(messages).where(eq(messages.ticketId, ticketId));
    const version = `test-slm@${randomUUID().slice(0, 8)}`;
    await db.insert(modelVersions).values({ id: version, modelId: "test-slm", fileSha256: "0".repeat(64), backend: "cpu" });
    const [triage] = await db
      .insert(triageResults)
      .values({ ticketId, messageId: msg!.id, modelVersion: version, status: "done", category: "BILLING_RT", priority: "high" })
      .returning();

    // Triage wrote nothing onto the ticket: its values wait for the agent.
    expect((await api.tickets.get({ ticketId })).category).toBeNull();
    // The agent accepts the AI's category: the ticket takes it, a verification with ai = final.
    const accepted = await api.learning.accept({ ticketId, field: "category" });
    expect(accepted).toMatchObject({ changed: true, correction: { aiValue: "BILLING_RT", finalValue: "BILLING_RT" } });
    expect((await api.tickets.get({ ticketId })).category).toBe("BILLING_RT");

    // And corrects the priority.
    const fixed = await api.learning.correct({ ticketId, field: "priority", value: "low" });
    expect(fixed).toMatchObject({ changed: true, fields: ["priority"], correction: { aiValue: "high", finalValue: "low" } });
    expect((await api.tickets.get({ ticketId })).priority).toBe("low");

    const rows = await db.select().from(corrections).where(eq(corrections.ticketId, ticketId));
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r).toMatchObject({ source: "agent", userId: agent.id, modelVersion: version, triageResultId: triage!.id, scope: "live" });
    }
    const text = learningText("Double charge", "You charged my card twice.");
    const [example] = await db
      .select()
      .from(examples)
      .where(and(eq(examples.field, "category"), eq(examples.textHash, textHash(text))));
    expect(example).toMatchObject({ text, label: "BILLING_RT", source: "agent" });

    // A second thought relabels the same example.
    await api.learning.correct({ ticketId, field: "category", value: "REFUND_RT" });
    const relabeled = await db.select().from(examples).where(and(eq(examples.field, "category"), eq(examples.textHash, textHash(text))));
    expect(relabeled.map((e) => e.label)).toEqual(["REFUND_RT"]);

    const feedback = await api.learning.ticketFeedback({ ticketId });
    expect(feedback.ai).toMatchObject({ category: "BILLING_RT", modelVersion: version });
    expect(Object.fromEntries(feedback.verified.map((v) => [v.field, v.finalValue]))).toEqual({ category: "REFUND_RT", priority: "low" });
  });

  it("refuses an unknown category without recording anything, and keeps the overview to managers", async () => {
    const agent = await makeUser("agent");
    const api = callerFor(agent);
    const { ticketId } = await api.tickets.create({ customerEmail: "rt2@example.com", subject: "s", text: "t" });
    await expect(api.learning.correct({ ticketId, field: "category", value: "NOPE_RT" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(api.learning.accept({ ticketId, field: "category" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await getDb().select().from(corrections).where(eq(corrections.ticketId, ticketId))).toHaveLength(0);

    await expect(api.learning.overview()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(api.learning.startImport({ fileName: "x.csv", content: "text,category\n", field: "category" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const overview = await callerFor(await makeUser("manager")).learning.overview();
    expect(overview.agreement.find((a) => a.field === "category")?.total).toBeGreaterThanOrEqual(1);
  });

  it("imports an uploaded file in the background and reports progress, bad rows and the outcome", async () => {
    const admin = callerFor(await makeUser("admin"));
    const content = [
      "message,topic",
      '"My package never arrived, the tracking is stuck",ADMIN_IMPORT_SHIPPING',
      ",ADMIN_IMPORT_SHIPPING",
      '"Please send me a copy of last month\'s invoice",ADMIN_IMPORT_BILLING',
    ].join("\n");
    const { jobId } = await admin.learning.startImport({
      fileName: "history.csv",
      content,
      field: "category",
      textCol: "message",
      labelCol: "topic",
      createLabels: true,
    });
    expect(await admin.learning.importJob({ jobId })).toMatchObject({ status: "running", phase: "queued" });
    // A worker's background runner takes the queued job (as `npm run worker` does) and runs the import in a child
    // process (`npm run import -- --job`), which loads the embedding model first.
    const runner = await run({
      connectionString: env.DATABASE_URL,
      concurrency: 1,
      noHandleSignals: true,
      pollInterval: 250,
      taskList: createLearningTasks(getDb()) as never,
    });
    try {
      await vi.waitFor(async () => expect((await admin.learning.importJob({ jobId })).status).not.toBe("running"), { timeout: 120_000, interval: 250 });
    } finally {
      await runner.stop();
    }
    const job = await admin.learning.importJob({ jobId });
    expect(job).toMatchObject({ status: "succeeded", imported: 2, total: 3, problems: [{ line: 3, reason: "empty text" }] });
    const labels = await getDb().select().from(categories).where(inArray(categories.key, ["ADMIN_IMPORT_SHIPPING", "ADMIN_IMPORT_BILLING"]));
    expect(labels).toHaveLength(2);

    await expect(admin.learning.startImport({ fileName: "notes.txt", content: "x", field: "category" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("keeps encoders and fine-tuning to admins and refuses a second fine-tune while one is training", async () => {
    const db = getDb();
    for (const role of ["agent", "manager"] as const) {
      const api = callerFor(await makeUser(role));
      await expect(api.learning.encoders()).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(api.learning.startFinetune({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    const user = await makeUser("admin");
    const admin = callerFor(user);
    // No fine-tune is promoted in the live scope here: triage embeds with the configured base model.
    expect((await admin.learning.encoders()).active).toEqual({ id: env.EMBED_MODEL, base: null, runId: null, since: null });

    // A run already training (inserted directly: a real fine-tune takes minutes and is finetune-encoder.test.ts's job).
    const [training] = await db
      .insert(encoderRuns)
      .values({ scope: LIVE_SCOPE, field: "category", baseModel: env.EMBED_MODEL, params: { field: "category" }, userId: user.id })
      .returning();
    // One whose process died long ago is closed as failed on the next attempt, instead of blocking forever.
    const [stale] = await db
      .insert(encoderRuns)
      .values({ scope: LIVE_SCOPE, field: "category", baseModel: env.EMBED_MODEL, params: {}, createdAt: new Date(Date.now() - 7 * 3600_000) })
      .returning();
    try {
      await expect(admin.learning.startFinetune({ field: "priority" })).rejects.toMatchObject({ code: "CONFLICT" });
      const [closed] = await db.select().from(encoderRuns).where(eq(encoderRuns.id, stale!.id));
      expect(closed).toMatchObject({ status: "failed", error: expect.stringMatching(/no result after 6 hours/) });
      const after = await db.select({ id: encoderRuns.id }).from(encoderRuns).where(and(eq(encoderRuns.scope, LIVE_SCOPE), eq(encoderRuns.status, "training")));
      expect(after.map((r) => r.id)).toEqual([training!.id]);
      const { runs } = await admin.learning.encoders();
      expect(runs.find((r) => r.id === training!.id)).toMatchObject({ status: "training", field: "category", metrics: null, modelId: null });
    } finally {
      // Not left "training": it would refuse every later fine-tune in this database.
      await db.update(encoderRuns).set({ status: "failed", error: "test", finishedAt: new Date() }).where(eq(encoderRuns.id, training!.id));
    }

    // A promoted fine-tune whose file is gone: triage stays on the base model, and the page says why.
    const modelId = `${env.EMBED_MODEL}+ft-${randomUUID().slice(0, 12)}`;
    const [lost] = await db
      .insert(encoderRuns)
      .values({ scope: LIVE_SCOPE, field: "category", baseModel: env.EMBED_MODEL, modelId, path: `/nonexistent/${modelId}.gguf`, status: "promoted", params: {}, finishedAt: new Date() })
      .returning();
    try {
      const e = await admin.learning.encoders();
      expect(e.active).toMatchObject({ id: env.EMBED_MODEL, runId: null });
      expect(e.warning).toContain(modelId);
    } finally {
      await db.delete(encoderRuns).where(eq(encoderRuns.id, lost!.id));
    }
  });
});
