import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

export interface WorkerProcess {
  child: ChildProcess;
  id: Promise<string>;
  output: string[];
  exited: Promise<number | null>;
}

/** A real `npm run worker` process, one sequence and one thread each so two fit on two cores. */
export function startWorker(): WorkerProcess {
  // node with tsx as a loader, not the tsx CLI: the CLI runs the script in a child process, and a SIGKILL would only
  // kill the wrapper.
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "server/cli/worker.ts")], {
    cwd: root,
    env: { ...process.env, SLM_SEQUENCES: "1", SLM_THREADS: "1", SLM_TRIAGE_HINTS: "false", SLM_TIMEOUT_MS: "300000" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const id = new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      for (const line of d.toString().split("\n")) {
        if (line) output.push(line);
        const m = /\[worker\] (worker-\w+) ready/.exec(line);
        if (m) resolve(m[1]!);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${output.join("\n")}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, id, output, exited };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
