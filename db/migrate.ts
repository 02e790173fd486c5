import path from "node:path";
import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { runMigrations } from "graphile-worker";
import { createDb } from "./client";

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/** Applies our committed migrations and graphile-worker's own schema (the job queue). */
export async function migrateDatabase(url: string) {
  const db = createDb(url, { max: 1 });
  try {
    await migrate(db, { migrationsFolder });
  } finally {
    await db.$sql.end();
  }
  await runMigrations({ connectionString: url, logger: undefined });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { connectDatabase } = await import("./connect");
  const { url, embedded } = await connectDatabase({ log: console.log });
  await migrateDatabase(url);
  console.log("migrations applied");
  await embedded?.stop();
}
