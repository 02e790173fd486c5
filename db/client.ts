import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { env } from "@/config/env";
import * as schema from "./schema";

export function createDb(url: string, opts: { max?: number } = {}) {
  // A short connect timeout: with the database down, a request fails at once (503, SMTP 451) instead of hanging
  // for postgres.js's default 30 s. Broken connections are replaced on the next query, so a restarted server is
  // picked up without restarting this process.
  // work_mem 16 MB (Postgres' default is 4): the dashboard's exact percentiles sort a year of ticket_stats rows, more
  // than 4 MB holds in memory (bench:analytics, whole year: response times p95 209 → 189 ms). At most one such sort per
  // connection at a time, so a pool of 10 bounds it at 160 MB.
  const sql = postgres(url, {
    max: opts.max ?? 10,
    connect_timeout: env.DB_CONNECT_TIMEOUT_SECONDS,
    onnotice: () => {},
    connection: { work_mem: "16MB" },
  });
  return Object.assign(drizzle(sql, { schema, casing: "snake_case" }), { $sql: sql });
}

export type Db = ReturnType<typeof createDb>;
/** A transaction handle or the database itself: data-access functions accept either. */
export type DbOrTx = Db | Parameters<Parameters<Db["transaction"]>[0]>[0];

let shared: Db | undefined;
let sharedUrl = env.DATABASE_URL;

/** For a process that started (or found) the embedded Postgres itself: see db/connect.ts. */
export function setDatabaseUrl(url: string) {
  sharedUrl = url;
}

/** The process-wide database. Processes started by `npm start` and by the tests always get DATABASE_URL. */
export function getDb(): Db {
  if (!shared) {
    if (!sharedUrl) throw new Error("DATABASE_URL is not set: start Deskling with `npm start`, or set DATABASE_URL.");
    shared = createDb(sharedUrl);
  }
  return shared;
}

export async function closeDb() {
  await shared?.$sql.end({ timeout: 5 });
  shared = undefined;
}
