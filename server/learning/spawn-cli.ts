import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import path from "node:path";

/**
 * Runs one of our CLIs (`server/cli/*.ts`) as a child process with its output in `logFile`, so that minutes of CPU
 * and a model of its own stay out of the web server. The CLI records its own outcome in the database; `onDeath` runs
 * only when it exits without success (bad install, killed), so the row it was filling in does not stay "running".
 */
export function spawnCli(args: string[], logFile: string, onDeath: (exit: string) => Promise<unknown>): void {
  const out = openSync(logFile, "a");
  const root = process.cwd();
  const child = spawn(path.join(root, "node_modules", ".bin", "tsx"), args, { cwd: root, stdio: ["ignore", out, out] });
  child.on("exit", (code, signal) => {
    if (code !== 0) void onDeath(String(signal ?? code)).catch(() => {});
  });
  child.on("error", () => {});
}
