import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ensureDatabaseExists, withDatabase } from "@/db/connect";
import { startEmbeddedPostgres } from "@/db/embedded";
import { migrateDatabase } from "@/db/migrate";
import { ensureModelFile } from "@/models/fetch";
import { env } from "@/config/env";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/**
 * One fresh database per test run: on the server DATABASE_URL points at when set, else on an embedded
 * Postgres of its own (not the one `npm start` uses), so tests never touch demo or production data.
 */
export default async function setup(project: TestProject) {
  // Tests run the real models: fetch them once, before any test file starts.
  await ensureModelFile(env.SLM_MODEL, { log: console.log });
  await ensureModelFile(env.EMBED_MODEL, { log: console.log });
  const external = process.env.DATABASE_URL;
  // Each run gets its own throwaway cluster on a free port, so parallel runs never stop each other's server.
  const dataDir = external ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), "deskling-test-"));
  if (dataDir) fs.chmodSync(dataDir, 0o755); // Postgres runs as its own user and must reach its folder inside
  const embedded = dataDir ? await startEmbeddedPostgres({ dataDir, port: await freePort() }) : undefined;
  const serverUrl = external ?? embedded!.serverUrl;
  const name = `deskling_test_${Date.now()}`;
  await ensureDatabaseExists(serverUrl, name);
  const url = withDatabase(serverUrl, name);
  await migrateDatabase(url);
  project.provide("databaseUrl", url);
  return async () => {
    await embedded?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
}

function freePort() {
  return new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
