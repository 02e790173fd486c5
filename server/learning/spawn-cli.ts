import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import path from "node:path";

/**
 * Runs one of our CLIs (`server/cli/*.ts`) as a child process with its output in `logFile`, so that minutes of CPU,
 * a Python trainer and a model of its own stay in a process of their own. Resolves with how it exited ("0" on
 * success); an abort (the job is cancelled or the worker stops) kills it.
 */
export function runCli(args: string[], logFile: string, signal?: AbortSignal): Promise<string> {
  const out = openSync(logFile, "a");
  const root = process.cwd();
  return new Promise((resolve) => {
    const child = spawn(path.join(root, "node_modules", ".bin", "tsx"), args, { cwd: root, stdio: ["ignore", out, out], signal });
    child.on("exit", (code, sig) => resolve(String(sig ?? code)));
    child.on("error", (err) => resolve(err.name === "AbortError" ? "aborted" : err.message));
  });
}
