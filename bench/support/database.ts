import { closeDb, getDb, setDatabaseUrl } from "@/db/client";
import { ensureDatabaseExists, withDatabase } from "@/db/connect";
import { startEmbeddedPostgres } from "@/db/embedded";
import { migrateDatabase } from "@/db/migrate";

/**
 * A fresh, migrated database for one benchmark run: on DATABASE_URL's server when set, else on an embedded
 * Postgres in .data/bench (port BENCH_PG_PORT, default 54349). Returns the url and a stop function.
 */
export async function benchDatabase(prefix: string) {
  const external = process.env.DATABASE_URL;
  const embedded = external
    ? undefined
    : await startEmbeddedPostgres({ dataDir: ".data/bench", port: Number(process.env.BENCH_PG_PORT ?? 54349), takeOver: true });
  const serverUrl = external ?? embedded!.serverUrl;
  const name = `${prefix}_${Date.now()}`;
  await ensureDatabaseExists(serverUrl, name);
  const url = withDatabase(serverUrl, name);
  await migrateDatabase(url);
  setDatabaseUrl(url);
  return {
    url,
    db: getDb(),
    async stop() {
      await closeDb();
      await embedded?.stop();
    },
  };
}
