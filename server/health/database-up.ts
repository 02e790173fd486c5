import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";

const TTL_MS = 1000;
const probes = new WeakMap<Db, { at: number; result: Promise<boolean> }>();

/**
 * Whether the database answers, probed at most once a second per process and shared by concurrent callers: the
 * SMTP receiver asks before every message, so a flood during an outage costs one probe a second, and each sender
 * gets its 451 at once instead of after its own failed insert.
 */
export function databaseUp(db: Db): Promise<boolean> {
  const cached = probes.get(db);
  if (cached && Date.now() - cached.at < TTL_MS) return cached.result;
  const result = db.execute(sql`select 1`).then(
    () => true,
    () => false,
  );
  probes.set(db, { at: Date.now(), result });
  return result;
}
