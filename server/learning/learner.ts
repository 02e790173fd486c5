/**
 * The database-backed learner a worker keeps in memory: per labeled field, an exact vector index of the verified
 * examples and the classifier over it (server/learning). Loaded at start, then kept current by the NOTIFY that
 * recordCorrection sends in the same transaction as the example, so a correction changes the next prediction within
 * a second on every worker, without a restart.
 */
import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { embeddings, examples, LIVE_SCOPE } from "@/db/schema";
import { reportError } from "@/server/errors";
import { classifierVersion, combine, ExampleClassifier, type ClassifierOptions, type LabelScore, type Prediction } from "@/models/learning/classifier";
import type { Embedder } from "@/models/learning/embedder";
import { seededRandom } from "@/models/learning/random";
import { VectorIndex } from "@/models/learning/vector-index";
import { NAME_PRIOR_MAX_EXAMPLES, taxonomyExampleId, taxonomyExamples } from "./labels";
import { EXAMPLES_CHANNEL, notifyExamples, type ExamplesNotice } from "./record-correction";
import { Retrainer, type TrainingData } from "./retrainer";
import { bytesToVector, textHash, vectorToBytes } from "./vectors";

export interface Neighbour {
  exampleId: string;
  label: string;
  similarity: number;
}

export interface FieldPrediction {
  field: string;
  /** Always one of the allowed labels when given, or null: the learner never forces a ticket into a label. */
  label: string | null;
  confidence: number;
  needsHuman: boolean;
  reason: Prediction["reason"] | "label-not-allowed";
  /** Best allowed labels first. */
  candidates: LabelScore[];
  nearestSimilarity: number;
  /** Closest verified examples, best first, for explaining the decision and for the SLM prompt. */
  neighbours: Neighbour[];
}

interface FieldModel {
  index: VectorIndex;
  classifier: ExampleClassifier;
  /** Examples per label, kept current here so that listing labels never scans the index. */
  labelCounts: Map<string, number>;
  /** Bumped on every change, so a retrain knows whether it trained on the latest examples. */
  version: number;
  training: Promise<void> | null;
  trainedRows: number;
}

interface ExampleRow {
  id: string;
  field: string;
  label: string;
  textHash: string;
  text: string | null;
  vector: Buffer | null;
}

export interface LearnerOptions {
  db: Db;
  embedder: Embedder;
  scope?: string;
  classifierOptions?: Partial<ClassifierOptions>;
  /** Quiet time after the last new example before the classifier is refit off the request path. */
  retrainDelayMs?: number;
  /** Above this many examples, the linear view trains on a random sample of this size (see trainingData). */
  trainCap?: number;
  /**
   * Also learn each enabled category's name and description as one example of it ("Refund request. The customer
   * wants money back"), read at every (re)load: a zero-shot start before any correction, and measured to help
   * after (bench/eval: +2 points on bitext intents at 5 per label). Production's learner sets it.
   */
  taxonomyExamples?: boolean;
  log?: (line: string) => void;
}

const LOAD_BATCH = 2000;
const INDEX_HEADROOM = 1024;
const TRAIN_CAP = 20_000;

function count(counts: Map<string, number>, label: string, delta: number) {
  const n = (counts.get(label) ?? 0) + delta;
  if (n > 0) counts.set(label, n);
  else counts.delete(label);
}

export class Learner {
  readonly scope: string;
  private fields = new Map<string, FieldModel>();
  private queue: Promise<void> = Promise.resolve();
  private barriers = new Map<string, () => void>();
  private refitTimers = new Map<string, NodeJS.Timeout>();
  private readonly retrainer: Retrainer;
  private readonly trainCap: number;
  /** Duration of each field's last retrain, for the worker log and benchmarks. */
  readonly lastRetrainMs = new Map<string, number>();
  private unlisten: (() => Promise<void>) | undefined;
  private listens = 0;
  private stopped = false;
  private readonly db: Db;
  private readonly embedder: Embedder;
  private readonly log: (line: string) => void;
  private readonly retrainDelayMs: number;
  private readonly classifierOptions: Partial<ClassifierOptions>;
  private readonly taxonomyExamples: boolean;
  /** The taxonomy examples now in the category index, so a reload can take them out again. */
  private taxonomyIds = new Set<string>();

  private constructor(opts: LearnerOptions) {
    this.db = opts.db;
    this.embedder = opts.embedder;
    this.scope = opts.scope ?? LIVE_SCOPE;
    this.log = opts.log ?? (() => {});
    this.retrainDelayMs = opts.retrainDelayMs ?? 250;
    this.classifierOptions = opts.classifierOptions ?? {};
    this.retrainer = new Retrainer();
    this.trainCap = opts.trainCap ?? TRAIN_CAP;
    this.taxonomyExamples = opts.taxonomyExamples ?? false;
  }

  /** Listens first, then loads: an example committed during the load is applied twice, never missed. */
  static async start(opts: LearnerOptions): Promise<Learner> {
    const learner = new Learner(opts);
    let firstLoad!: Promise<void>;
    const { unlisten } = await learner.db.$sql.listen(
      EXAMPLES_CHANNEL,
      (payload) => learner.onNotice(payload),
      () => {
        // Called on the first LISTEN and after every reconnect: notices sent while disconnected are lost, so reload.
        const reload = learner.enqueue(() => learner.loadAll());
        if (learner.listens++ === 0) firstLoad = reload;
      },
    );
    learner.unlisten = unlisten;
    try {
      await firstLoad;
    } catch (err) {
      // The caller disposes the embedder on failure: without this the LISTEN stayed, and after the database came
      // back every reconnect reloaded into a disposed model ("Object is disposed"), for good.
      await learner.stop();
      throw err;
    }
    return learner;
  }

  get modelId(): string {
    return this.embedder.modelId;
  }

  /** The classifier part of a triage's version (the model registry). */
  get classifierVersion(): string {
    return classifierVersion(this.classifierOptions);
  }

  labeledFields(): string[] {
    return [...this.fields.keys()].filter((f) => this.fields.get(f)!.index.size > 0);
  }

  size(field: string): number {
    return this.fields.get(field)?.index.size ?? 0;
  }

  has(field: string, exampleId: string): boolean {
    return this.fields.get(field)?.index.has(exampleId) ?? false;
  }

  labels(field: string): string[] {
    const counts = this.fields.get(field)?.labelCounts;
    return counts ? [...counts.keys()].sort() : [];
  }

  /** Resolves once every notice committed before this call has been applied (tests, evaluation, imports). */
  async barrier(): Promise<void> {
    const token = randomUUID();
    const reached = new Promise<void>((resolve) => this.barriers.set(token, resolve));
    await notifyExamples(this.db, { scope: this.scope, ids: [], barrier: token });
    await reached;
  }

  /** True until the retrain after the latest examples has finished. */
  retrainPending(field: string): boolean {
    const m = this.fields.get(field);
    return this.refitTimers.has(field) || m?.training != null || (m?.classifier.needsRetrain ?? false);
  }

  /** Runs pending retrains now and waits for them (evaluation, tests); in a worker the debounce timer does it. */
  async flushRetrain(): Promise<void> {
    for (const [field, timer] of this.refitTimers) {
      clearTimeout(timer);
      this.refitTimers.delete(field);
    }
    for (const [field, m] of this.fields) {
      await m.training;
      await this.refit(field);
    }
  }

  async embed(text: string): Promise<Float32Array> {
    return this.embedder.embed(text.trim(), "query");
  }

  async classify(field: string, text: string, opts: { allowedLabels?: readonly string[]; neighbours?: number } = {}) {
    return this.classifyVector(field, await this.embed(text), opts);
  }

  classifyVector(field: string, vector: Float32Array, opts: { allowedLabels?: readonly string[]; neighbours?: number } = {}): FieldPrediction {
    const model = this.fields.get(field);
    if (!model || model.index.size === 0) {
      return { field, label: null, confidence: 0, needsHuman: true, reason: "no-examples", candidates: [], nearestSimilarity: 0, neighbours: [] };
    }
    // One scan of the index serves both the decision and the neighbours shown to the SLM.
    const evidence = model.classifier.evidence(vector, Math.max(model.classifier.options.k, opts.neighbours ?? 3));
    const p = combine(evidence, model.classifier.options);
    const neighbours = evidence.hits
      .slice(0, opts.neighbours ?? 3)
      .map((h) => ({ exampleId: h.id, label: h.label, similarity: h.score }));
    const allowed = opts.allowedLabels ? new Set(opts.allowedLabels) : undefined;
    const candidates = allowed ? p.candidates.filter((c) => allowed.has(c.label)) : p.candidates;
    // A label the taxonomy no longer has (disabled, renamed) is never proposed: the ticket goes to a human.
    const notAllowed = allowed !== undefined && p.label !== "" && !allowed.has(p.label);
    return {
      field,
      label: notAllowed || p.label === "" ? null : p.label,
      confidence: notAllowed ? 0 : p.confidence,
      needsHuman: p.needsHuman || notAllowed,
      reason: notAllowed ? "label-not-allowed" : p.reason,
      candidates,
      nearestSimilarity: p.nearestSimilarity,
      neighbours,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.refitTimers.values()) clearTimeout(t);
    await this.unlisten?.().catch(() => {});
    await this.queue.catch(() => {});
    await this.retrainer.stop();
  }

  /** Notices are applied one at a time, in commit order: that is what makes barrier() meaningful. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task, task);
    this.queue = next.catch((err) => void reportError(`learner ${this.scope}`, err, this.log));
    return next;
  }

  private onNotice(payload: string) {
    let notice: ExamplesNotice;
    try {
      notice = JSON.parse(payload) as ExamplesNotice;
    } catch {
      return;
    }
    if (this.stopped) return;
    // The taxonomy is shared by every scope: its notice reaches every learner that learns from it.
    const mine = notice.scope === this.scope;
    if (!mine && !notice.taxonomy) return;
    void this.enqueue(async () => {
      if (mine && notice.ids.length) await this.apply(notice.ids);
      if (notice.taxonomy && this.taxonomyExamples) await this.reloadTaxonomy();
      if (mine && notice.barrier) {
        this.barriers.get(notice.barrier)?.();
        this.barriers.delete(notice.barrier);
      }
    });
  }

  private selectRows() {
    return this.db
      .select({
        id: examples.id,
        field: examples.field,
        label: examples.label,
        textHash: examples.textHash,
        // The text only travels when its vector is missing and has to be computed here.
        text: sql<string | null>`case when ${embeddings.vector} is null then ${examples.text} end`,
        vector: embeddings.vector,
      })
      .from(examples)
      .leftJoin(embeddings, and(eq(embeddings.textHash, examples.textHash), eq(embeddings.model, this.embedder.modelId)));
  }

  private async loadAll(): Promise<void> {
    const started = Date.now();
    const fresh = new Map<string, FieldModel>();
    // Sized up front: a growing index doubles, and at 100k examples the doubling alone would break the memory budget.
    const sizes = await this.db
      .select({ field: examples.field, n: sql<number>`count(*)`.mapWith(Number) })
      .from(examples)
      .where(eq(examples.scope, this.scope))
      .groupBy(examples.field);
    for (const { field, n } of sizes) fresh.set(field, this.newModel(n + INDEX_HEADROOM));
    let count = 0;
    let lastId = "";
    // Keyset pages keep memory flat: only one page of bytea rows exists at a time next to the index.
    for (;;) {
      const page = await this.selectRows()
        .where(and(eq(examples.scope, this.scope), sql`${examples.id} > ${lastId || "00000000-0000-0000-0000-000000000000"}`))
        .orderBy(examples.id)
        .limit(LOAD_BATCH);
      if (page.length === 0) break;
      await this.addRows(fresh, page);
      count += page.length;
      lastId = page[page.length - 1]!.id;
      if (page.length < LOAD_BATCH) break;
    }
    if (this.taxonomyExamples) await this.addTaxonomy(fresh);
    this.fields = fresh;
    // Not awaited: until the linear models land, predictions come from the neighbours alone.
    for (const field of fresh.keys()) void this.refit(field);
    this.log(
      `[learner] scope ${this.scope}: ${count} examples in ${[...fresh.keys()].map((f) => `${f} (${fresh.get(f)!.labelCounts.size} labels)`).join(", ") || "no fields"}, loaded and trained in ${Date.now() - started} ms`,
    );
  }

  /** Adds each enabled category's name-and-description example; returns whether there were any. */
  private async addTaxonomy(target: Map<string, FieldModel>): Promise<boolean> {
    const named = (await taxonomyExamples(this.db)).map((t) => ({ ...t, field: "category", textHash: textHash(t.text), vector: null }));
    this.taxonomyIds = new Set(named.map((t) => t.id));
    if (!named.length) return false;
    if (!target.has("category")) target.set("category", this.newModel(named.length + INDEX_HEADROOM));
    await this.addRows(target, named);
    this.retireNames(target.get("category")!);
    return true;
  }

  /** An admin renamed, described, disabled or added a category: its example is replaced, a disabled one forgotten. */
  private async reloadTaxonomy(): Promise<void> {
    const model = this.fields.get("category");
    for (const id of this.taxonomyIds) {
      const previous = model?.index.get(id)?.label;
      if (model && previous !== undefined && model.classifier.remove(id)) {
        count(model.labelCounts, previous, -1);
        model.version++;
      }
    }
    if ((await this.addTaxonomy(this.fields)) || model) this.scheduleRefit("category");
  }

  private async apply(ids: string[]): Promise<void> {
    const rows = await this.selectRows().where(and(eq(examples.scope, this.scope), inArray(examples.id, ids)));
    const found = new Set(rows.map((r) => r.id));
    // An id that is gone was deleted: forget it wherever it was.
    for (const id of ids) {
      if (found.has(id)) continue;
      for (const m of this.fields.values()) {
        const previous = m.index.get(id)?.label;
        if (previous !== undefined && m.classifier.remove(id)) {
          count(m.labelCounts, previous, -1);
          m.version++;
        }
      }
    }
    const touched = await this.addRows(this.fields, rows);
    const categories = this.fields.get("category");
    if (categories && touched.has("category")) this.retireNames(categories);
    for (const field of touched) this.scheduleRefit(field);
  }

  /**
   * A category's name stops being an example once its label has more than NAME_PRIOR_MAX_EXAMPLES verified ones
   * (counted with the name, hence the +1). It comes back only on the next full load.
   */
  private retireNames(model: FieldModel) {
    for (const [label, n] of model.labelCounts) {
      const id = taxonomyExampleId(label);
      if (n <= NAME_PRIOR_MAX_EXAMPLES + 1 || model.index.get(id)?.label !== label) continue;
      if (model.classifier.remove(id)) {
        count(model.labelCounts, label, -1);
        model.version++;
      }
    }
  }

  private async addRows(target: Map<string, FieldModel>, rows: ExampleRow[]): Promise<Set<string>> {
    const missing = rows.filter((r) => !r.vector);
    const computed = new Map<string, Float32Array>();
    if (missing.length) {
      const unique = [...new Map(missing.map((r) => [r.textHash, r.text ?? ""])).entries()];
      const vectors = await this.embedder.embedMany(unique.map(([, text]) => text), { kind: "query" });
      unique.forEach(([hash], i) => computed.set(hash, vectors[i]!));
      await this.db
        .insert(embeddings)
        .values(unique.map(([hash], i) => ({ textHash: hash, model: this.embedder.modelId, dims: vectors[i]!.length, vector: vectorToBytes(vectors[i]!) })))
        .onConflictDoNothing();
    }
    const touched = new Set<string>();
    for (const r of rows) {
      const vector = r.vector ? bytesToVector(r.vector) : computed.get(r.textHash)!;
      let model = target.get(r.field);
      if (!model) {
        model = this.newModel(INDEX_HEADROOM);
        target.set(r.field, model);
      }
      // A field's label may have been corrected: add() replaces the stored label and vector of a known id.
      const previous = model.index.get(r.id)?.label;
      if (previous !== undefined) count(model.labelCounts, previous, -1);
      model.classifier.add(r.id, r.label, vector);
      model.version++;
      count(model.labelCounts, r.label, 1);
      touched.add(r.field);
    }
    return touched;
  }

  private scheduleRefit(field: string) {
    clearTimeout(this.refitTimers.get(field));
    this.refitTimers.set(
      field,
      setTimeout(() => {
        this.refitTimers.delete(field);
        if (!this.stopped) void this.refit(field);
      }, this.retrainDelayMs).unref(),
    );
  }

  /**
   * What the linear view trains on: the whole index while it is small; above the cap a uniform sample of it, as
   * int8 rows (a copy the thread takes over: 7.7 MB at 20k rows). 384-dimensional logistic regression gains little
   * from more than tens of thousands of rows, and the neighbour view still searches every example. Sampling the
   * index rather than the database keeps the retrain's peak to the sample itself: no query pages to collect.
   */
  private trainingData(model: FieldModel): TrainingData {
    const { rows, labels } = model.index.sample(this.trainCap, seededRandom(model.version));
    model.trainedRows = labels.length;
    return { vectors: rows, labels, dims: model.index.dims };
  }

  private newModel(capacity: number): FieldModel {
    const index = new VectorIndex(this.embedder.dimensions, capacity);
    return { index, classifier: ExampleClassifier.fromIndex(index, this.classifierOptions), labelCounts: new Map(), version: 0, training: null, trainedRows: 0 };
  }

  /**
   * Debounced retrain of the linear view, on a worker thread (see retrainer.ts). Until it lands, a new example
   * already counts through the neighbour view (combine() in server/learning/classifier.ts), so a burst of
   * corrections costs one retrain, not one each; examples that arrive during a retrain trigger one more.
   */
  private refit(field: string): Promise<void> {
    const model = this.fields.get(field);
    if (!model || model.index.size === 0 || !model.classifier.needsRetrain) return Promise.resolve();
    if (model.training) return model.training;
    const version = model.version;
    const started = Date.now();
    let failed = false;
    model.training = this.retrainer
      .retrain(model.classifier, async () => this.trainingData(model), () => model.version !== version)
      .then(() => {
        this.lastRetrainMs.set(field, Date.now() - started);
        this.log(
          `[learner] ${this.scope}/${field}: retrained on ${model.trainedRows === model.index.size ? "" : `a sample of ${model.trainedRows} of `}${model.index.size} examples in ${Date.now() - started} ms`,
        );
      })
      .catch((err: unknown) => {
        failed = true;
        if (!this.stopped) reportError(`learner ${this.scope}/${field} retrain`, err, this.log);
      })
      .finally(() => {
        model.training = null;
        // A failure is not retried in a loop: the next example schedules the next attempt.
        if (!failed && !this.stopped && model.classifier.needsRetrain) this.scheduleRefit(field);
      });
    return model.training;
  }
}
