import type { TestProject } from "vitest/node";
import { ensureDatabaseExists, withDatabase } from "@/db/connect";
import { startEmbeddedPostgres } from "@/db/embedded";
import { migrateDatabase } from "@/db/migrate";
import { ensureModelFile } from "@/models/fetch";
import { env } from "@/server/env";

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
  const embedded = external
    ? undefined
    : await startEmbeddedPostgres({ dataDir: ".data/test", port: Number(process.env.TEST_PG_PORT ?? 54339), takeOver: true });
  const serverUrl = external ?? embedded!.serverUrl;
  const name = `deskling_test_${Date.now()}`;
  await ensureDatabaseExists(serverUrl, name);
  const url = withDatabase(serverUrl, name);
  await migrateDatabase(url);
  project.provide("databaseUrl", url);
  return async () => {
    await embedded?.stop();
  };
}
