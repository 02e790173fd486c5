import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { categories, corrections, embeddings, examples, LIVE_SCOPE } from "@/db/schema";
import { env } from "@/config/env";
import { Embedder } from "@/models/learning/embedder";
import { makeUser } from "@/test/db/fixtures";
import { allowedLabels, NAME_PRIOR_MAX_EXAMPLES } from "./labels";
import { Learner } from "./learner";
import { recordCorrection, recordCorrections } from "./record-correction";
import { saveCategory } from "./save-category";
import { textHash } from "./vectors";

const SEED: [string, string][] = [
  ["I was charged twice for the same order", "billing"],
  ["Why is there a second payment on my credit card statement?", "billing"],
  ["My invoice shows the wrong amount", "billing"],
  ["Where is my package? The tracking has not moved in a week", "delivery"],
  ["The parcel was delivered to the wrong address", "delivery"],
  ["When will my order arrive?", "delivery"],
  ["I forgot my password and cannot log in", "account"],
  ["How do I delete my account?", "account"],
  ["I want to change the email address on my profile", "account"],
];

let embedder: Embedder;
const learners: Learner[] = [];

beforeAll(async () => {
  embedder = await Embedder.create({ model: env.EMBED_MODEL, threads: env.SLM_THREADS });
});

afterAll(async () => {
  for (const l of learners) await l.stop();
  await embedder?.dispose();
});

async function startLearner(scope: string) {
  const learner = await Learner.start({ db: getDb(), embedder, scope, retrainDelayMs: 10 });
  learners.push(learner);
  return learner;
}

describe("learner", () => {
  it("loads stored examples, and a correction changes the next prediction without a restart", async () => {
    const db = getDb();
    const scope = `test:${randomUUID()}`;
    await recordCorrections(
      db,
      SEED.map(([text, label]) => ({ label: { scope, field: "category", text, finalValue: label, source: "import" as const } })),
    );
    const learner = await startLearner(scope);
    expect(learner.size("category")).toBe(SEED.length);
    // Loading embedded the texts once and stored the vectors for every other worker.
    const [stored] = await db.select().from(embeddings).where(eq(embeddings.textHash, textHash(SEED[0]![0])));
    expect(stored?.model).toBe(embedder.modelId);
    expect(stored?.vector.byteLength).toBe(embedder.dimensions * 4);

    expect((await learner.classify("category", "My card was billed two times for one purchase")).label).toBe("billing");

    const ticket = "Can I upgrade my plan to the yearly subscription?";
    const before = await learner.classify("category", ticket);
    expect(before.label).not.toBe("subscription");

    const agent = await recordCorrection(db, {
      scope,
      field: "category",
      text: ticket,
      aiValue: before.label,
      finalValue: "subscription",
      modelVersion: "test-model@1",
      source: "agent",
    });
    await recordCorrection(db, { scope, field: "category", text: "Please cancel my monthly subscription plan", finalValue: "subscription", source: "agent" });
    await learner.barrier();

    expect(learner.has("category", agent.exampleId!)).toBe(true);
    expect(learner.labels("category")).toContain("subscription");
    // Right away through the neighbours, and again once the background retrain has taught the linear model.
    const similar = "I would like to switch my subscription plan to yearly";
    const after = await learner.classify("category", similar);
    expect(after.label).toBe("subscription");
    expect(after.neighbours[0]?.exampleId).toBe(agent.exampleId);
    await vi.waitFor(() => expect(learner.retrainPending("category")).toBe(false), { timeout: 60_000, interval: 50 });
    expect((await learner.classify("category", similar)).label).toBe("subscription");

    const [c] = await db.select().from(corrections).where(eq(corrections.id, agent.correctionId));
    expect(c).toMatchObject({ aiValue: before.label, finalValue: "subscription", modelVersion: "test-model@1", source: "agent", scope });
  });

  it("trains a large field on a sample of its index", async () => {
    const db = getDb();
    const scope = `test:${randomUUID()}`;
    await recordCorrections(
      db,
      SEED.map(([text, label]) => ({ label: { scope, field: "category", text, finalValue: label, source: "import" as const } })),
    );
    const lines: string[] = [];
    const learner = await Learner.start({ db, embedder, scope, retrainDelayMs: 10, trainCap: 6, log: (l) => lines.push(l) });
    learners.push(learner);
    await learner.flushRetrain();
    expect(lines.filter((l) => l.includes("retrain failed"))).toEqual([]);
    expect(lines.some((l) => l.includes("retrained on a sample of 6 of 9 examples"))).toBe(true);
    expect(learner.retrainPending("category")).toBe(false);
    expect(learner.size("category")).toBe(9);
  });

  it("relabels a text corrected twice instead of keeping two contradicting examples", async () => {
    const db = getDb();
    const scope = `test:${randomUUID()}`;
    const learner = await startLearner(scope);
    const text = "The app crashes when I open my invoice";
    const first = await recordCorrection(db, { scope, field: "category", text, finalValue: "billing", source: "agent" });
    const second = await recordCorrection(db, { scope, field: "category", text: `  ${text} `, finalValue: "bug", source: "agent" });
    expect(second.exampleId).toBe(first.exampleId);
    await learner.barrier();
    expect(learner.size("category")).toBe(1);
    expect(learner.labels("category")).toEqual(["bug"]);
    const rows = await db.select().from(examples).where(eq(examples.scope, scope));
    expect(rows.map((r) => r.label)).toEqual(["bug"]);
  });

  it("answers a configured category or needs-human, never anything else", async () => {
    const db = getDb();
    const keys = ["BILLING_T", "DELIVERY_T", "ACCOUNT_T"];
    await db
      .insert(categories)
      .values(keys.map((key) => ({ key, label: key })))
      .onConflictDoNothing();
    const upper = (l: string) => `${l.toUpperCase()}_T`;
    await recordCorrections(
      db,
      SEED.map(([text, label]) => ({ label: { field: "category", text, finalValue: upper(label), source: "import" as const } })),
    );
    await expect(
      recordCorrection(db, { field: "category", text: "x", finalValue: "NOT_A_CATEGORY", source: "api" }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });

    const learner = await startLearner(LIVE_SCOPE);
    // A category switched off after its examples were verified must not come back out of triage.
    await db.update(categories).set({ enabled: false }).where(eq(categories.key, "ACCOUNT_T"));
    const allowed = await allowedLabels(db, "category", { forTriage: true });
    const tickets = [
      "I forgot my password",
      "I was billed twice",
      "Where is my parcel?",
      "What is the capital of Mongolia?",
      "asdf qwerty",
      "Your product is great, thanks!",
    ];
    let needsHuman = 0;
    for (const t of tickets) {
      const p = await learner.classify("category", t, { allowedLabels: allowed });
      if (p.needsHuman) needsHuman++;
      else expect(allowed).toContain(p.label);
      if (p.label !== null) expect(allowed).toContain(p.label);
      for (const c of p.candidates) expect(allowed).toContain(c.label);
    }
    const password = await learner.classify("category", tickets[0]!, { allowedLabels: allowed });
    expect(password).toMatchObject({ needsHuman: true, label: null, reason: "label-not-allowed" });
    expect(needsHuman).toBeGreaterThanOrEqual(2);
  });

  it("with taxonomyExamples, starts from each enabled category's name and description before any correction", async () => {
    const db = getDb();
    await db
      .insert(categories)
      .values([
        { key: "PARKING_TX", label: "Parking permits", description: "Questions about parking spaces, garage access and permits at the office" },
        { key: "CATERING_TX", label: "Catering", description: "Lunch orders, dietary requirements and meeting-room food" },
        { key: "RETIRED_TX", label: "Old stuff", description: "Switched off", enabled: false },
      ])
      .onConflictDoNothing();
    const scope = `test:${randomUUID()}`; // no examples at all in this scope
    const learner = await Learner.start({ db, embedder, scope, retrainDelayMs: 10, taxonomyExamples: true });
    learners.push(learner);
    expect(learner.has("category", "taxonomy:PARKING_TX")).toBe(true);
    expect(learner.has("category", "taxonomy:RETIRED_TX")).toBe(false);
    expect((await learner.classify("category", "Where can I leave my car when I come to the office?")).label).toBe("PARKING_TX");
    expect((await learner.classify("category", "I am vegetarian, can the lunch for Tuesday's meeting be meat-free?")).label).toBe("CATERING_TX");
    // Without the option (evaluation scopes), the taxonomy is not an example.
    const plain = await startLearner(scope);
    expect(plain.size("category")).toBe(0);

    // An admin disables one and rewrites another: every learner re-reads the taxonomy, no restart.
    const admin = await makeUser("admin");
    await saveCategory(db, { key: "PARKING_TX", actorId: admin.id, category: { label: "Parking permits", description: "Questions about parking spaces", enabled: false } });
    await saveCategory(db, { key: "CATERING_TX", actorId: admin.id, category: { label: "Catering", description: "Where to park the car at the office garage", enabled: true } });
    await learner.barrier();
    expect(learner.has("category", "taxonomy:PARKING_TX")).toBe(false);
    expect(learner.labels("category")).not.toContain("PARKING_TX");
    await learner.flushRetrain();
    expect((await learner.classify("category", "Where can I leave my car when I come to the office?")).label).toBe("CATERING_TX");
  });
  it("counts a category's name only while its label has few verified examples", async () => {
    const db = getDb();
    const keys = ["PRIOR_PARKING_TX", "PRIOR_CATERING_TX"];
    await db
      .insert(categories)
      .values([
        { key: keys[0]!, label: "Parking permits", description: "Questions about parking spaces, garage access and permits" },
        { key: keys[1]!, label: "Catering", description: "Lunch orders, dietary requirements and meeting-room food" },
      ])
      .onConflictDoNothing();
    try {
      const scope = `test:${randomUUID()}`;
      const learner = await Learner.start({ db, embedder, scope, retrainDelayMs: 10, taxonomyExamples: true });
      learners.push(learner);
      expect(learner.has("category", `taxonomy:${keys[0]}`)).toBe(true);
      // A name is a prior for a label's first examples: past NAME_PRIOR_MAX_EXAMPLES verified ones it stops counting.
      const parking = Array.from({ length: NAME_PRIOR_MAX_EXAMPLES + 1 }, (_, i) => `Parking question number ${i + 1}: is bay ${i + 3} free?`);
      await recordCorrections(
        db,
        parking.map((text) => ({ label: { scope, field: "category", text, finalValue: keys[0]!, source: "import" as const } })),
      );
      await learner.barrier();
      expect(learner.has("category", `taxonomy:${keys[0]}`)).toBe(false);
      expect(learner.has("category", `taxonomy:${keys[1]}`)).toBe(true);
      // A fresh load agrees.
      const reloaded = await Learner.start({ db, embedder, scope, retrainDelayMs: 10, taxonomyExamples: true });
      learners.push(reloaded);
      expect(reloaded.has("category", `taxonomy:${keys[0]}`)).toBe(false);
      expect(reloaded.has("category", `taxonomy:${keys[1]}`)).toBe(true);
    } finally {
      await db.update(categories).set({ enabled: false }).where(inArray(categories.key, keys));
    }
  });
});
