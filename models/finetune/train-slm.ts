/**
 * Node side of the SLM LoRA fine-tune: builds its Python environment on first use (requirements-slm.txt, torch CPU
 * build), checks out the llama.cpp source node-llama-cpp ships (its converter writes the adapter in the runtime's
 * format), runs train_slm.py on chat-format examples and returns the adapter GGUF with its sha256. Knows nothing
 * about the database; the server decides what to train on and whether the adapter is used.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { mergedModelPath } from "../runtime/adapter-files";
import type { ChatMessage } from "../tasks/draft";
import { ensurePythonEnv, MODEL_CACHE_DIR, ModelFetchError, sha256File } from "../fetch";

const FINETUNE_DIR = path.dirname(fileURLToPath(import.meta.url));

export interface SlmTrainingOptions {
  /** The runtime's GGUF: the adapter is trained on its (dequantized) weights. */
  baseGguf: string;
  examples: readonly { messages: readonly ChatMessage[] }[];
  out: string;
  epochs?: number;
  /** Stop after this many optimizer steps (tests, quick checks). */
  maxSteps?: number;
  lr?: number;
  rank?: number;
  gradAccum?: number;
  maxLength?: number;
  seed?: number;
  threads: number;
  log?: (line: string) => void;
  /** Called per optimizer step, for visible progress. */
  onStep?: (step: number, total: number, loss: number) => void;
}

export interface TrainedAdapter {
  path: string;
  sha256: string;
  bytes: number;
  /** What train_slm.py reported: examples, steps, losses, trainSeconds, secondsPerExample, ... */
  stats: Record<string, unknown>;
}

export async function trainSlmAdapter(opts: SlmTrainingOptions): Promise<TrainedAdapter> {
  const log = opts.log ?? (() => {});
  const python = await ensurePythonEnv("finetune-slm-venv", path.join(FINETUNE_DIR, "requirements-slm.txt"), { log });
  const llamaCpp = await ensureLlamaCppSource(log);
  const work = await mkdtemp(path.join(os.tmpdir(), "deskling-slm-"));
  try {
    const trainFile = path.join(work, "train.jsonl");
    await writeFile(trainFile, opts.examples.map((e) => JSON.stringify({ messages: e.messages })).join("\n") + "\n");
    const args = [
      path.join(FINETUNE_DIR, "train_slm.py"),
      ...["--base-gguf", opts.baseGguf, "--train", trainFile, "--out", opts.out, "--llama-cpp", llamaCpp, "--work", work],
      ...["--epochs", String(opts.epochs ?? 1), "--max-steps", String(opts.maxSteps ?? -1)],
      ...["--lr", String(opts.lr ?? 5e-4), "--rank", String(opts.rank ?? 16), "--grad-accum", String(opts.gradAccum ?? 4)],
      ...["--max-length", String(opts.maxLength ?? 768), "--seed", String(opts.seed ?? 0), "--threads", String(opts.threads)],
    ];
    const stdout = await runTrainer(python, args, opts.threads, log, opts.onStep);
    const stats = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
    // SlmEngine loads the merged copy (mergedModelPath) in the adapter's place.
    await mergeSlmAdapter(opts.baseGguf, opts.out, { python, llamaCpp, log });
    return { path: opts.out, sha256: await sha256File(opts.out), bytes: (await stat(opts.out)).size, stats };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Writes the base GGUF with the adapter merged into its weights (merge_lora.py; weights it touches in 8 bits) beside
 * the adapter, under the name SlmEngine looks for, unless it is there already. Returns that path.
 */
export async function mergeSlmAdapter(
  baseGguf: string,
  adapter: string,
  o: { python?: string; llamaCpp?: string; log?: (line: string) => void } = {},
): Promise<string> {
  const log = o.log ?? (() => {});
  const out = mergedModelPath(adapter, (await sha256File(adapter)).slice(0, 12));
  if (existsSync(out)) return out;
  const python = o.python ?? (await ensurePythonEnv("finetune-slm-venv", path.join(FINETUNE_DIR, "requirements-slm.txt"), { log }));
  const llamaCpp = o.llamaCpp ?? (await ensureLlamaCppSource(log));
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    const { stdout } = await promisify(execFile)(python, [path.join(FINETUNE_DIR, "merge_lora.py"), "--base", baseGguf, "--lora", adapter, "--out", tmp, "--llama-cpp", llamaCpp], {
      env: { ...process.env, OMP_NUM_THREADS: "1" },
      maxBuffer: 1 << 20,
    });
    await rename(tmp, out);
    log(`[finetune-slm] merged into ${path.basename(out)}: ${stdout.trim().split("\n").at(-1)}`);
    return out;
  } catch (err) {
    await rm(tmp, { force: true });
    const detail = (err as { stderr?: string }).stderr?.trim().split("\n").slice(-3).join(" | ") ?? String(err);
    throw new ModelFetchError(`merge_lora.py failed: ${detail}`, { cause: err });
  }
}

/**
 * llama.cpp exactly as node-llama-cpp ships it (a git bundle inside its npm package), cloned once into the model
 * cache: its convert_lora_to_gguf.py and gguf-py match the runtime's file format.
 */
export async function ensureLlamaCppSource(log: (line: string) => void = () => {}): Promise<string> {
  const target = path.join(MODEL_CACHE_DIR, "llama.cpp");
  if (existsSync(path.join(target, "convert_lora_to_gguf.py"))) return target;
  // The package exports no package.json: walk up from its entry point to the folder that holds llama/.
  let pkg = path.dirname(createRequire(import.meta.url).resolve("node-llama-cpp"));
  while (!existsSync(path.join(pkg, "package.json")) && path.dirname(pkg) !== pkg) pkg = path.dirname(pkg);
  const bundle = path.join(pkg, "llama", "gitRelease.bundle");
  if (!existsSync(bundle)) throw new ModelFetchError(`node-llama-cpp ships no llama.cpp source bundle at ${bundle}`);
  await mkdir(MODEL_CACHE_DIR, { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  log(`cloning llama.cpp from ${bundle}`);
  await promisify(execFile)("git", ["clone", "--quiet", bundle, tmp]);
  await rename(tmp, target).catch(async (err) => {
    // Another process cloned it meanwhile: theirs is as good as ours.
    await rm(tmp, { recursive: true, force: true });
    if (!existsSync(path.join(target, "convert_lora_to_gguf.py"))) throw err;
  });
  return target;
}

/** Runs the trainer, passing its step lines (stderr) on; resolves with its stdout. */
function runTrainer(
  python: string,
  args: string[],
  threads: number,
  log: (line: string) => void,
  onStep?: (step: number, total: number, loss: number) => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    // One OpenMP thread per core we were given: more than the cores makes torch spin-wait and crawl.
    const child = spawn(python, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, OMP_NUM_THREADS: String(threads) } });
    let stdout = "";
    let tail = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      tail = (tail + d.toString()).slice(-4000);
      for (const line of d.toString().split("\n")) {
        const m = /^step (\d+)\/(\d+) loss ([\d.]+)/.exec(line);
        if (m) onStep?.(Number(m[1]), Number(m[2]), Number(m[3]));
        if (m || /^(loaded|adapter written)/.test(line)) log(`[finetune-slm] ${line}`);
      }
    });
    child.on("error", (err) => reject(new ModelFetchError(`could not run ${python}: ${err.message}`, { cause: err })));
    child.on("close", (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new ModelFetchError(`train_slm.py exited with ${code}: ${tail.trim().split("\n").slice(-3).join(" | ")}`)),
    );
  });
}
