import path from "node:path";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { categories, corrections, examples, importJobs, LIVE_SCOPE } from "@/db/schema";
import { env } from "@/config/env";
import { Embedder } from "@/models/learning/embedder";
import { importHistory, ImportRefused } from "./import-history";
import { Learner } from "./learner";
import { textHash } from "./vectors";

const fixtures = path.join(import.meta.dirname, "../../test/fixtures/learning");
const LABELS = ["ACCOUNT_FX", "BILLING_FX", "DELIVERY_FX"];
let embedder: Embedder;

beforeAll(async () => {
  embedder = await Embedder.create({ model: env.EMBED_MODEL, threads: env.SLM_THREADS });
});
afterAll(async () => embedder?.dispose());

async function examplesFor(texts: string[]) {
  return getDb()
    .select()
    .from(examples)
    .where(and(eq(examples.scope, LIVE_SCOPE), eq(examples.field, "category"), inArray(examples.textHash, texts.map(textHash))));
}

describe("importHistory", () => {
  it("refuses unknown labels and writes nothing; with createLabels imports every good row and reports the bad one", async () => {
    const db = getDb();
    const file = path.join(fixtures, "history.csv");
    const texts = [
      "I was charged twice for my order, please refund one payment",
      "Where is my parcel? Tracking has not updated since Monday",
      "My invoice lists the wrong VAT number",
      "The courier left the package at the wrong house",
      "I want to close my account and delete my data",
    ];
    await db.insert(categories).values({ key: "BILLING_FX", label: "Billing" }).onConflictDoNothing();

    const refused = await importHistory(db, embedder, { file, field: "category" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ImportRefused);
    expect((refused as ImportRefused).unknownLabels).toEqual(["ACCOUNT_FX", "DELIVERY_FX"]);
    expect((refused as ImportRefused).message).toContain("ACCOUNT_FX, DELIVERY_FX");
    expect(await examplesFor(texts)).toHaveLength(0);
    expect(await db.select().from(categories).where(inArray(categories.key, LABELS))).toHaveLength(1);

    const learner = await Learner.start({ db, embedder });
    const before = learner.size("category");
    const [job] = await db.insert(importJobs).values({ fileName: "history.csv", field: "category" }).returning();
    const report = await importHistory(db, embedder, { file, field: "category", createLabels: true, jobId: job!.id });
    expect(report).toMatchObject({ rows: 6, imported: 5, examples: 5, createdLabels: ["ACCOUNT_FX", "DELIVERY_FX"] });
    // Line 1 is the header: the row without text is line 4 of the file.
    expect(report.bad).toEqual([{ line: 4, reason: "empty text" }]);

    const stored = await examplesFor(texts);
    expect(stored.map((e) => [e.text, e.label]).sort()).toEqual(
      [
        [texts[0], "BILLING_FX"],
        [texts[1], "DELIVERY_FX"],
        [texts[2], "BILLING_FX"],
        [texts[3], "DELIVERY_FX"],
        [texts[4], "ACCOUNT_FX"],
      ].sort(),
    );
    const recorded = await db.select().from(corrections).where(inArray(corrections.id, stored.map((e) => e.correctionId!)));
    expect(recorded.every((c) => c.source === "import" && c.aiValue === null && c.ticketId === null)).toBe(true);
    expect((await db.select().from(importJobs).where(eq(importJobs.id, job!.id)))[0]).toMatchObject({ status: "succeeded", imported: 5 });

    // A running worker learned the history without a restart.
    await learner.barrier();
    expect(learner.size("category")).toBe(before + 5);
    expect(learner.labels("category")).toEqual(expect.arrayContaining(LABELS));
    await learner.stop();

    // Importing the same file again relabels nothing and embeds nothing new.
    const again = await importHistory(db, embedder, { file, field: "category" });
    expect(again.embedded).toMatchObject({ new: 0, cached: 5 });
    expect(await examplesFor(texts)).toHaveLength(5);
  });

  it("reports bad JSONL lines and refuses an unknown field", async () => {
    const db = getDb();
    const file = path.join(fixtures, "unknown-labels.jsonl");
    const err = (await importHistory(db, embedder, { file, field: "category" }).catch((e: unknown) => e)) as ImportRefused;
    expect(err).toBeInstanceOf(ImportRefused);
    expect(err.unknownLabels).toEqual(["BUG_FX", "SUBSCRIPTION_FX"]);
    expect(err.bad).toEqual([{ line: 4, reason: "invalid JSON" }]);
    await expect(importHistory(db, embedder, { file, field: "mood" })).rejects.toThrow(/Unknown field "mood"/);
  });
});
