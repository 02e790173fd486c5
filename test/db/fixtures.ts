import { randomUUID } from "node:crypto";
import { getDb } from "@/db/client";
import type { UserRole } from "@/db/schema";
import { createCaller } from "@/server/trpc/root";
import { createUser } from "@/server/users/create-user";

/** A fresh user with a random email, so tests never collide on shared rows. */
export async function makeUser(role: UserRole = "agent", name = `Test ${role}`) {
  return createUser(getDb(), { email: `${role}-${randomUUID()}@test.local`, name, password: "correct horse battery", role });
}

/** A tRPC caller acting as `user` (or anonymous), through the real routers and database. */
export function callerFor(user: { id: string; email: string; name: string; role: UserRole } | null) {
  return createCaller({ db: getDb(), user, headers: new Headers() });
}
