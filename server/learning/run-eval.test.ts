import path from "node:path";
import { eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { corrections, evalRuns, examples } from "@/db/schema";
import { env } from "@/config/env";
import { Embedder } from "@/models/learning/embedder";
import { runEval } from "./run-eval";

const fixtures = path.join(import.meta.dirname, "../../test/fixtures/learning");
let embedder: Embedder;

beforeAll(async () => {
  embedder = await Embedder.create({ model: env.EMBED_MODEL, threads: env.SLM_THREADS });
});
afterAll(async () => embedder?.dispose());

describe("runEval", () => {
  it("trains through recorded corrections, scores the test file, stores the run and leaves no examples behind", async () => {
    const db = getDb();
    const result = await runEval(db, embedder, {
      train: path.join(fixtures, "eval-train.jsonl"),
      test: path.join(fixtures, "eval-test.csv"),
      perLabel: 3,
      seed: 1,
      oosLabel: "oos",
    });
    const m = result.metrics;
    // 3 per label from 3 labels; the out-of-scope training row is never learned.
    expect(m.trainExamples).toBe(9);
    expect(m.labels).toBe(3);
    expect(result.rows.map((r) => r.gold)).toEqual(["billing", "delivery", "account", "billing", "oos"]);

    // By hand from the rows: these four topics are far apart, so every in-scope row is right.
    const inScope = result.rows.filter((r) => r.gold !== "oos");
    expect(inScope.map((r) => r.predicted)).toEqual(["billing", "delivery", "account", "billing"]);
    expect(m.accuracy).toBe(1);
    expect(m.macroF1).toBe(1);
    expect(m.perLabelF1).toEqual({ account: 1, billing: 1, delivery: 1 });
    expect(m.confusedPairs).toEqual([]);
    expect(m.needsHumanRate).toBe(inScope.filter((r) => r.needsHuman).length / 4);
    const pizza = result.rows[4]!;
    expect(m.outOfScope).toEqual({
      rows: 1,
      recall: pizza.needsHuman ? 1 : 0,
      inScopeAccuracyWithRejection: inScope.filter((r) => !r.needsHuman).length / 4,
    });
    expect(m.confidenceBuckets.reduce((s, b) => s + b.count, 0)).toBe(4);
    expect(m.latencyMs.p95).toBeGreaterThanOrEqual(m.latencyMs.p50);

    const [run] = await db.select().from(evalRuns).where(eq(evalRuns.id, result.runId));
    expect(run).toMatchObject({ status: "succeeded", metrics: { accuracy: 1, trainExamples: 9 } });
    expect(run!.params).toMatchObject({ perLabel: 3, seed: 1, oosLabel: "oos" });
    const scope = `eval:${result.runId}`;
    expect(await db.select().from(examples).where(eq(examples.scope, scope))).toHaveLength(0);
    expect(await db.select().from(corrections).where(like(corrections.scope, scope))).toHaveLength(0);
  });
});
