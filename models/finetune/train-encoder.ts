/**
 * Node side of encoder fine-tuning: builds the Python environment on first use (models/finetune/requirements.txt,
 * torch CPU build), runs train_encoder.py on the given examples, and converts the result to a GGUF that
 * node-llama-cpp loads like the base model. Knows nothing about the database; server/learning/finetune-encoder.ts
 * decides what to train on and whether the result is used.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { convertEncoder, ensureModelSource, ensurePythonEnv, ModelFetchError, sha256File } from "../fetch";

const FINETUNE_DIR = path.dirname(fileURLToPath(import.meta.url));

export interface EncoderTrainingOptions {
  /** Catalog id of the base encoder (its Hugging Face folder is the starting point). */
  base: string;
  examples: readonly { text: string; label: string }[];
  /** Where the GGUF goes. */
  out: string;
  epochs?: number;
  /** Positives drawn per example and epoch. */
  pairs?: number;
  seed?: number;
  /** AdamW learning rate (train_encoder.py's default, 2e-5, when unset). */
  lr?: number;
  /** Fill batches with labels the base encoder confuses (see train_encoder.py). */
  hardNegatives?: boolean;
  threads: number;
  log?: (line: string) => void;
}

export interface TrainedEncoder {
  path: string;
  sha256: string;
  /** What train_encoder.py reported: labels, examples, steps, meanLoss, trainSeconds. */
  stats: Record<string, unknown>;
}

export async function trainEncoder(opts: EncoderTrainingOptions): Promise<TrainedEncoder> {
  const log = opts.log ?? (() => {});
  const python = await ensurePythonEnv("finetune-venv", path.join(FINETUNE_DIR, "requirements.txt"), { log });
  const baseDir = await ensureModelSource(opts.base, { log });
  const work = await mkdtemp(path.join(os.tmpdir(), "deskling-finetune-"));
  try {
    const trainFile = path.join(work, "train.jsonl");
    await writeFile(trainFile, opts.examples.map((e) => JSON.stringify({ text: e.text, label: e.label })).join("\n") + "\n");
    const tuned = path.join(work, "model");
    const args = [
      path.join(FINETUNE_DIR, "train_encoder.py"),
      ...["--base", baseDir, "--train", trainFile, "--out", tuned],
      ...["--epochs", String(opts.epochs ?? 1), "--pairs", String(opts.pairs ?? 4), "--seed", String(opts.seed ?? 0)],
      ...["--threads", String(opts.threads)],
      ...(opts.lr === undefined ? [] : ["--lr", String(opts.lr)]),
      ...(opts.hardNegatives === false ? [] : ["--hard-negatives"]),
    ];
    const stdout = await runPython(python, args, opts.threads, log);
    const stats = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
    await convertEncoder(tuned, opts.out, { log });
    return { path: opts.out, sha256: await sha256File(opts.out), stats };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Runs the trainer, passing its progress lines (stderr) to the log; resolves with its stdout. */
function runPython(python: string, args: string[], threads: number, log: (line: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    // One OpenMP thread per core we were given: more than the cores makes torch spin-wait and crawl.
    const child = spawn(python, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, OMP_NUM_THREADS: String(threads) } });
    let stdout = "";
    let tail = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      tail = (tail + d.toString()).slice(-4000);
      for (const line of d.toString().split("\n")) if (/^epoch \d+ batch/.test(line)) log(`[finetune] ${line}`);
    });
    child.on("error", (err) => reject(new ModelFetchError(`could not run ${python}: ${err.message}`, { cause: err })));
    child.on("close", (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new ModelFetchError(`train_encoder.py exited with ${code}: ${tail.trim().split("\n").slice(-3).join(" | ")}`)),
    );
  });
}
