import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { embeddings, encoderRuns } from "@/db/schema";
import { env } from "@/config/env";
import { Embedder } from "@/models/learning/embedder";
import { createActiveEmbedder } from "./active-embedder";
import { activeEncoder, ENCODER_CHANNEL } from "./encoders";
import { finetuneEncoder, splitForFinetune } from "./finetune-encoder";
import { recordCorrections } from "./record-correction";
import { textHash } from "./vectors";

// From the committed demo sample of real Bitext tickets (8 per intent): 12 intents, 96 rows.
const DEMO = JSON.parse(readFileSync(path.join(import.meta.dirname, "../seed/data/bitext-demo.json"), "utf8")) as { text: string; intent: string }[];
const INTENTS = [...new Set(DEMO.map((r) => r.intent))].sort().slice(0, 12);
const ROWS = DEMO.filter((r) => INTENTS.includes(r.intent)).map((r) => ({ text: r.text, label: r.intent }));

let dir: string;
const scope = `test:${randomUUID()}`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "deskling-encoders-"));
  await recordCorrections(
    getDb(),
    ROWS.map((r) => ({ label: { scope, field: "category", text: r.text, finalValue: r.label, source: "import" as const } })),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("splitForFinetune", () => {
  it("holds out a share of every label with 3+ examples, seeded", () => {
    const rows = [
      ...Array.from({ length: 10 }, (_, i) => ({ text: `a${i}`, label: "a" })),
      ...Array.from({ length: 2 }, (_, i) => ({ text: `b${i}`, label: "b" })),
    ];
    const { train, holdout } = splitForFinetune(rows, 0.2, 1);
    expect(holdout.map((r) => r.label)).toEqual(["a", "a"]);
    expect(train).toHaveLength(10);
    expect(splitForFinetune(rows, 0.2, 1).holdout).toEqual(holdout);
    expect(new Set([...train, ...holdout].map((r) => r.text)).size).toBe(12);
  });
});

describe("finetuneEncoder", () => {
  it("promotes a fine-tune only past the required gain, and workers can load what it promoted", async () => {
    const db = getDb();
    const notices: string[] = [];
    const { unlisten } = await db.$sql.listen(ENCODER_CHANNEL, (p) => notices.push(p));
    try {
      // A gain of 1 (100 points) is impossible: trained, scored, rejected, file gone, nothing changes.
      const rejected = await finetuneEncoder({ db, scope, dir, epochs: 1, pairs: 1, minGain: 1 });
      expect(rejected.status).toBe("rejected");
      const m = rejected.metrics as { holdout: number; baseline: { total: number; accuracy: number; model: string }; candidate: { total: number; accuracy: number } };
      expect(m.holdout).toBe(24); // 2 of each intent's 8
      expect(m.baseline).toMatchObject({ total: 24, model: env.EMBED_MODEL });
      expect(m.candidate.total).toBe(24);
      expect(m.baseline.accuracy).toBeGreaterThan(0.5);
      expect(existsSync(path.join(dir, `${rejected.id}.gguf`))).toBe(false);
      expect((await activeEncoder(db, { scope })).id).toBe(env.EMBED_MODEL);

      // Any gain at all (-1): promoted, vectors stored for every example before the notice, then it is the active one.
      const promoted = await finetuneEncoder({ db, scope, dir, epochs: 1, pairs: 1, minGain: -1 });
      expect(promoted.status).toBe("promoted");
      expect(promoted.modelId).toMatch(new RegExp(`^${env.EMBED_MODEL}\\+ft-[0-9a-f]{12}$`));
      expect(existsSync(promoted.path!)).toBe(true);
      const active = await activeEncoder(db, { scope });
      expect(active).toMatchObject({ id: promoted.modelId, model: promoted.path, base: env.EMBED_MODEL });
      // Its own needs-human threshold, calibrated on the held-out examples, travels with it to the workers.
      const calibrated = (promoted.metrics as { candidate: { minSimilarity: number } }).candidate.minSimilarity;
      expect(calibrated).toBeGreaterThanOrEqual(0.35);
      expect(calibrated).toBeLessThan(1);
      expect(active.classifierOptions).toEqual({ minSimilarity: calibrated });
      expect((await activeEncoder(db)).id).toBe(env.EMBED_MODEL); // the live scope is untouched
      const stored = await db
        .select({ textHash: embeddings.textHash })
        .from(embeddings)
        .where(and(eq(embeddings.model, promoted.modelId!), inArray(embeddings.textHash, ROWS.map((r) => textHash(r.text)))));
      expect(stored).toHaveLength(new Set(ROWS.map((r) => r.text)).size);
      // The notice comes on the listening connection after the commit: wait for it rather than guess a delay.
      await vi.waitFor(() => expect(notices.map((n) => JSON.parse(n))).toContainEqual({ scope, modelId: promoted.modelId }), { timeout: 10_000 });

      // Training improved its objective on a fixed probe of pairs, and the promoted file is a working encoder that
      // embeds differently from the base.
      const training = (promoted.metrics as { training: { probeLossBefore: number; probeLossAfter: number } }).training;
      expect(training.probeLossAfter).toBeLessThan(training.probeLossBefore);
      const { embedder: tuned } = await createActiveEmbedder(db, { scope, threads: env.SLM_THREADS });
      const base = await Embedder.create({ model: env.EMBED_MODEL, threads: env.SLM_THREADS });
      try {
        expect(tuned.modelId).toBe(promoted.modelId);
        const [a, b] = [await tuned.embed(ROWS[0]!.text), await base.embed(ROWS[0]!.text)];
        const cosine = a.reduce((sum, x, i) => sum + x * b[i]!, 0);
        expect(cosine).toBeGreaterThan(0.8); // the same model, moved
        expect(cosine).toBeLessThan(0.99999);
      } finally {
        await tuned.dispose();
        await base.dispose();
      }

      // A later promotion retires this one.
      const next = await finetuneEncoder({ db, scope, dir, epochs: 1, pairs: 1, seed: 1, minGain: -1 });
      const [old] = await db.select({ status: encoderRuns.status }).from(encoderRuns).where(eq(encoderRuns.id, promoted.id));
      expect(old?.status).toBe("retired");
      expect((await activeEncoder(db, { scope })).id).toBe(next.modelId);
    } finally {
      await unlisten();
    }
  }, 900_000); // three fine-tunes (a Python start, training and a GGUF conversion each), plus the first run's venv

  it("refuses to run without enough examples to compare on, and records nothing", async () => {
    const db = getDb();
    const small = `test:${randomUUID()}`;
    await recordCorrections(
      db,
      ROWS.slice(0, 6).map((r) => ({ label: { scope: small, field: "category", text: r.text, finalValue: r.label, source: "import" as const } })),
    );
    await expect(finetuneEncoder({ db, scope: small, dir })).rejects.toThrow(/needs verified category examples/);
    expect(await db.select().from(encoderRuns).where(eq(encoderRuns.scope, small))).toHaveLength(0);
  });
});
