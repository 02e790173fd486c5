import postgres from "postgres";
import { env } from "@/config/env";
import { setDatabaseUrl } from "./client";
import { DatabaseStartError, startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded";

export const APP_DATABASE = "deskling";

function withDatabase(serverUrl: string, name: string) {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates the database when missing (an embedded server starts with only `postgres`). */
export async function ensureDatabaseExists(serverUrl: string, name: string) {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${name}`;
    if (rows.length === 0) await sql.unsafe(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await sql.end();
  }
}

/** Checks the database answers, turning the driver's error into one that names what to fix. */
export async function checkConnection(url: string, hint: string) {
  const sql = postgres(url, { max: 1, connect_timeout: 10, onnotice: () => {} });
  try {
    await sql`select 1`;
  } catch (err) {
    throw new DatabaseStartError(`Cannot reach the database (${hint}): ${(err as Error).message}`);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/**
 * Resolves the database this process uses: DATABASE_URL when set, else the embedded Postgres in the data
 * folder (started, or shared when another Deskling process already runs it). Sets it as the process default.
 */
export async function connectDatabase(opts: { takeOver?: boolean; log?: (l: string) => void } = {}): Promise<{
  url: string;
  embedded?: EmbeddedDatabase;
}> {
  if (env.DATABASE_URL) {
    await checkConnection(env.DATABASE_URL, "DATABASE_URL");
    setDatabaseUrl(env.DATABASE_URL);
    return { url: env.DATABASE_URL };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: env.DESKLING_DATA_DIR,
    port: env.EMBEDDED_PG_PORT,
    takeOver: opts.takeOver,
    log: opts.log,
  });
  await ensureDatabaseExists(embedded.serverUrl, APP_DATABASE);
  const url = withDatabase(embedded.serverUrl, APP_DATABASE);
  setDatabaseUrl(url);
  return { url, embedded };
}

export { withDatabase };
