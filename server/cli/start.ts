/**
 * `npm start`: the whole product on one machine. Fetches the default models when missing, starts (or uses)
 * Postgres, applies migrations, seeds demo data, builds the web app when its sources changed, then runs the
 * web server, the inference worker and the mail receiver as child processes until Ctrl-C.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { closeDb, getDb } from "@/db/client";
import { connectDatabase } from "@/db/connect";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/db/embedded";
import { migrateDatabase } from "@/db/migrate";
import { seedDemo } from "@/server/seed";
import { env } from "@/config/env";
import { ensureModelFile } from "@/models/fetch";

const root = path.resolve(import.meta.dirname, "../..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const dataDir = path.resolve(env.DESKLING_DATA_DIR);
const log = (line: string) => console.log(`[deskling] ${line}`);

function fail(message: string): never {
  console.error(`[deskling] ${message}`);
  process.exit(1);
}

function portFree(port: number) {
  return new Promise<boolean>((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, () => s.close(() => resolve(true)));
  });
}

/** One `npm start` per data folder: a second one would fight over the embedded Postgres. */
function takeLock() {
  fs.mkdirSync(dataDir, { recursive: true });
  const lock = path.join(dataDir, "deskling.pid");
  if (fs.existsSync(lock)) {
    const pid = Number(fs.readFileSync(lock, "utf8"));
    try {
      if (pid !== process.pid) {
        process.kill(pid, 0);
        fail(`Deskling is already running from ${dataDir} (pid ${pid}). Stop it first, or set DESKLING_DATA_DIR.`);
      }
    } catch {
      // stale lock from a crash
    }
  }
  fs.writeFileSync(lock, String(process.pid));
  return () => fs.rmSync(lock, { force: true });
}

/** NEXTAUTH_SECRET from the environment, else one generated once and kept in the data folder. */
function authSecret() {
  if (env.NEXTAUTH_SECRET) return env.NEXTAUTH_SECRET;
  const file = path.join(dataDir, "auth-secret");
  if (!fs.existsSync(file)) fs.writeFileSync(file, crypto.randomBytes(32).toString("hex"), { mode: 0o600 });
  return fs.readFileSync(file, "utf8").trim();
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the web app when there is no build or a source file is newer than it. */
function buildIfStale() {
  const buildId = path.join(root, ".next", "BUILD_ID");
  const sources = ["app", "components", "server", "db", "models", "config", "instrumentation.ts"].map((d) => path.join(root, d)).filter((d) => fs.existsSync(d));
  const built = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  const mtime = (p: string) => (fs.statSync(p).isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  if (built && sources.every((d) => mtime(d) < built)) return;
  log("building the web app (next build)…");
  const r = spawnSync(bin("next"), ["build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) fail("next build failed: see the output above.");
}

async function main() {
  const t0 = Date.now();
  const releaseLock = takeLock();
  if (!(await portFree(env.PORT))) fail(`Port ${env.PORT} is in use. Stop what uses it or start with PORT=<another port>.`);

  log(`models: chat ${env.SLM_MODEL}, embeddings ${env.EMBED_MODEL}`);
  await ensureModelFile(env.SLM_MODEL, { log });
  await ensureModelFile(env.EMBED_MODEL, { log });

  const { url, embedded: firstDb } = await connectDatabase({ takeOver: true, log }).catch((e: Error) => fail(e.message));
  let embedded: EmbeddedDatabase | undefined = firstDb;
  log(env.DATABASE_URL ? "database: DATABASE_URL" : `database: embedded Postgres in ${path.join(dataDir, "pg")} (port ${env.EMBEDDED_PG_PORT})`);
  await migrateDatabase(url);
  if (env.DEMO_SEED) await seedDemo(getDb(), { tickets: env.DEMO_TICKETS, log });
  await closeDb();
  buildIfStale();

  const childEnv = {
    ...process.env,
    DATABASE_URL: url,
    NEXTAUTH_SECRET: authSecret(),
    NEXTAUTH_URL: env.NEXTAUTH_URL ?? `http://localhost:${env.PORT}`,
    NEXT_TELEMETRY_DISABLED: "1",
    // The worker shares this machine with the web server and Postgres: leave them a core (see config/env.ts).
    SLM_THREADS: String(process.env.SLM_THREADS ? env.SLM_THREADS : Math.max(1, env.SLM_THREADS - 1)),
  };
  const children = new Map<string, ChildProcess>();
  let stopping = false;

  const run = (name: string, cmd: string, args: string[], restarts = 0) => {
    const child = spawn(cmd, args, { cwd: root, env: childEnv, stdio: ["ignore", "inherit", "inherit"] });
    children.set(name, child);
    child.on("exit", (code, signal) => {
      children.delete(name);
      if (stopping) return;
      if (name === "web") {
        log(`web server exited (${code ?? signal}); shutting down`);
        void shutdown(1);
      } else if (restarts < 5) {
        // A worker that dies (e.g. out of memory on a huge model) comes back; its job is picked up again.
        log(`${name} exited (${code ?? signal}); restarting in ${2 ** restarts} s`);
        setTimeout(() => run(name, cmd, args, restarts + 1), 1000 * 2 ** restarts);
      } else {
        log(`${name} keeps exiting; not restarting it. The web server stays up.`);
      }
    });
  };

  /**
   * The embedded Postgres is supervised like the children: when it stops unexpectedly it is restarted on the same
   * port, with back-off, at most DB_MAX_RESTARTS times in 10 minutes. The web, worker and mail processes keep
   * running meanwhile (requests answer 503, SMTP 451) and reconnect by themselves once it is back.
   */
  const dbRestarts: number[] = [];
  const superviseDatabase = (db: EmbeddedDatabase) => {
    void db.exited.then(async ({ code, signal }) => {
      if (stopping || db !== embedded) return;
      log(`embedded Postgres stopped unexpectedly (${signal ?? `exit code ${code}`})`);
      for (;;) {
        const now = Date.now();
        while (dbRestarts.length && dbRestarts[0]! < now - 10 * 60_000) dbRestarts.shift();
        if (dbRestarts.length >= env.DB_MAX_RESTARTS) {
          log(`embedded Postgres stopped ${dbRestarts.length + 1} times in 10 minutes; not restarting it again`);
          embedded = undefined;
          return void shutdown(1);
        }
        const delay = 1000 * 2 ** dbRestarts.length;
        dbRestarts.push(now);
        log(`restarting embedded Postgres in ${delay / 1000} s (restart ${dbRestarts.length} of at most ${env.DB_MAX_RESTARTS} in 10 minutes)`);
        await new Promise((r) => setTimeout(r, delay));
        if (stopping) return;
        const t = Date.now();
        try {
          embedded = await startEmbeddedPostgres({ dataDir: env.DESKLING_DATA_DIR, port: env.EMBEDDED_PG_PORT, takeOver: true, log });
          log(`embedded Postgres is back after ${((Date.now() - t + delay) / 1000).toFixed(1)} s; web, worker and mail reconnect on their next query`);
          return superviseDatabase(embedded);
        } catch (err) {
          log(`embedded Postgres did not start: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    });
  };
  if (embedded) superviseDatabase(embedded);

  // Bounded in every state (database down, a child hung): children get SIGTERM then SIGKILL, Postgres is stopped
  // unless already gone, and the lock is released and "stopped" logged whatever failed on the way.
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log("shutting down…");
    try {
      await Promise.all(
        [...children.values()].map(
          (c) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => c.kill("SIGKILL"), 10_000);
              c.once("exit", () => (clearTimeout(timer), resolve()));
              c.kill("SIGTERM");
            }),
        ),
      );
      await embedded?.stop();
    } catch (err) {
      log(`shutdown: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      releaseLock();
      log("stopped");
      process.exit(code);
    }
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  run("web", bin("next"), ["start", "-p", String(env.PORT), "-H", env.HOST]);
  // node with tsx as a loader (not the tsx CLI, which adds a process in between that a SIGKILL would orphan).
  run("worker", process.execPath, ["--import", "tsx", path.join(root, "server/cli/worker.ts")]);
  run("mail", process.execPath, ["--import", "tsx", path.join(root, "server/cli/mail.ts")]);
  log(`Deskling is starting at http://${env.HOST === "0.0.0.0" ? "localhost" : env.HOST}:${env.PORT} (listening on ${env.HOST}; ready in ${((Date.now() - t0) / 1000).toFixed(1)} s before the web server)`);
}

main().catch((err) => fail(err instanceof Error ? err.message : String(err)));
