import { getDb } from "@/db/client";
import { databaseUp } from "./database-up";

export interface Health {
  status: "ok" | "degraded";
  database: "up" | "down";
}

/** What the service can do right now. Nothing else is said publicly (no versions, no counts). */
export async function getHealth(): Promise<Health> {
  const up = await databaseUp(getDb());
  return { status: up ? "ok" : "degraded", database: up ? "up" : "down" };
}
