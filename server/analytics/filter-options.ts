import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";

/** What the dashboard's filters offer: teams, people who can hold tickets, and the model versions that triaged. */
export async function getFilterOptions(db: Db) {
  const [teams, agents, versions] = await Promise.all([
    db.execute<{ id: string; name: string }>(sql`select id, name from teams order by name`),
    db.execute<{ id: string; name: string }>(sql`select id, name from users where active order by name`),
    db.execute<{ id: string }>(sql`select id from model_versions order by first_seen_at desc`),
  ]);
  return { teams: [...teams], agents: [...agents], modelVersions: versions.map((v) => v.id) };
}
