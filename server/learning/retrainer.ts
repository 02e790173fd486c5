/**
 * Trains a field's linear model on a worker thread. ExampleClassifier.retrain() is synchronous and takes seconds
 * (about 3 s for a 20k-row sample x 20 labels on this 2-core machine under load, see bench/learner-memory.ts): on the
 * worker's main thread it would freeze LISTEN, heartbeats and the SLM's token stream. The thread gets a copy of the
 * index's int8 rows (transferred, not copied again) and the current weights as a warm start, fits with the classifier's
 * own SoftmaxRegression.train (L-BFGS to convergence), and sends the weights back; the classifier keeps serving the
 * old model and the neighbours meanwhile. What it trains on is the learner's choice (the whole index, or a sample for
 * large fields: see Learner.trainingData).
 */
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { SoftmaxRegression, type ExampleClassifier, type SoftmaxState } from "@/models/learning/classifier";
import type { QuantizedRows } from "@/models/learning/vector-index";
import { tsxCjsApiPath } from "@/server/ts-thread";

const THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
new Promise((resolve) => resolve(require(workerData.tsxApi).require(workerData.classifierPath, workerData.parentPath))).then(({ SoftmaxRegression }) => {
  parentPort.on("message", ({ id, vectors, labels, dims, options, warmStart }) => {
    try {
      const m = SoftmaxRegression.train(vectors, labels, dims, options, warmStart);
      parentPort.postMessage({ id, state: m.state }, [m.w.buffer, m.b.buffer]);
    } catch (err) {
      parentPort.postMessage({ id, error: String((err && err.stack) || err) });
    }
  });
  parentPort.postMessage({ ready: true });
}, (err) => parentPort.postMessage({ fatal: String((err && err.stack) || err) }));
`;

export interface TrainingData {
  vectors: QuantizedRows;
  labels: string[];
  dims: number;
}

type Pending = { resolve: (s: SoftmaxState) => void; reject: (e: Error) => void };

export class Retrainer {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private pending = new Map<number, Pending>();
  private nextId = 0;

  /**
   * Retrains `classifier` on `data` (row-major vectors and their labels; its buffer is handed to the thread);
   * resolves once the new model serves. `changedSince` says whether examples arrived while it trained, in which
   * case the classifier stays marked for another retrain.
   */
  async retrain(classifier: ExampleClassifier, data: () => Promise<TrainingData>, changedSince: () => boolean): Promise<void> {
    const { vectors, labels, dims } = await data();
    // A copy: the serving model's arrays must stay where they are while the thread works.
    const current = classifier.linearModel?.state;
    const warmStart = current ? { ...current, w: current.w.slice(), b: current.b.slice() } : null;
    const state = await this.train(vectors, labels, dims, classifier.options.training, warmStart);
    classifier.install(SoftmaxRegression.fromState(state), changedSince());
  }

  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    for (const p of this.pending.values()) p.reject(new Error("learner stopped"));
    this.pending.clear();
    await w?.terminate();
  }

  private async train(vectors: QuantizedRows, labels: string[], dims: number, options: unknown, warmStart: SoftmaxState | null): Promise<SoftmaxState> {
    await this.start();
    const id = this.nextId++;
    const result = new Promise<SoftmaxState>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    const transfer = [vectors.data.buffer as ArrayBuffer, vectors.scale.buffer as ArrayBuffer];
    if (warmStart) transfer.push(warmStart.w.buffer as ArrayBuffer, warmStart.b.buffer as ArrayBuffer);
    this.worker!.postMessage({ id, vectors, labels, dims, options, warmStart }, transfer);
    return result;
  }

  private start(): Promise<void> {
    this.ready ??= new Promise<void>((resolve, reject) => {
      const worker = new Worker(THREAD, {
        eval: true,
        // Not the parent's tsx flags: its loader hooks would run on one more thread, for nothing.
        execArgv: [],
        workerData: {
          tsxApi: tsxCjsApiPath(),
          classifierPath: fileURLToPath(new URL("../../models/learning/classifier.ts", import.meta.url)),
          parentPath: fileURLToPath(import.meta.url),
        },
      });
      worker.unref();
      worker.on("message", (msg: { ready?: true; fatal?: string; id?: number; state?: SoftmaxState; error?: string }) => {
        if (msg.ready) return resolve();
        if (msg.fatal) return reject(new Error(`retrain thread: ${msg.fatal}`));
        const p = this.pending.get(msg.id!);
        this.pending.delete(msg.id!);
        if (msg.error) p?.reject(new Error(msg.error));
        else p?.resolve(msg.state!);
      });
      worker.on("error", (err) => {
        reject(err);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        this.ready = undefined;
        this.worker = undefined;
      });
      this.worker = worker;
    });
    return this.ready;
  }
}
