import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { loginThrottle, users, type User } from "@/db/schema";
import { env } from "@/config/env";
import { verifyPassword } from "./password";

export type SignInResult =
  | { ok: true; user: User }
  | { ok: false; reason: "invalid" | "locked"; lockedUntil?: Date };

/**
 * Checks credentials with throttling per email: after LOGIN_MAX_FAILURES failures the email is locked for
 * LOGIN_LOCK_MINUTES, whether or not the password is then right. Unknown emails are throttled too, so the
 * answer does not reveal which accounts exist.
 */
export async function signIn(db: Db, emailInput: string, password: string): Promise<SignInResult> {
  const email = emailInput.trim().toLowerCase();
  const [throttle] = await db.select().from(loginThrottle).where(eq(loginThrottle.email, email));
  if (throttle?.lockedUntil && throttle.lockedUntil > new Date()) {
    return { ok: false, reason: "locked", lockedUntil: throttle.lockedUntil };
  }
  const [user] = await db.select().from(users).where(eq(users.email, email));
  const valid = user !== undefined && user.active && (await verifyPassword(user.passwordHash, password));
  if (valid) {
    await db.delete(loginThrottle).where(eq(loginThrottle.email, email));
    return { ok: true, user };
  }
  const lockAfter = env.LOGIN_MAX_FAILURES;
  const [row] = await db
    .insert(loginThrottle)
    .values({ email, failures: 1 })
    .onConflictDoUpdate({
      target: loginThrottle.email,
      // A lock that has expired starts a fresh count.
      set: {
        failures: sql`case when ${loginThrottle.lockedUntil} is not null then 1 else ${loginThrottle.failures} + 1 end`,
        lockedUntil: sql`null`,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  if (row && row.failures >= lockAfter) {
    const lockedUntil = new Date(Date.now() + env.LOGIN_LOCK_MINUTES * 60_000);
    await db.update(loginThrottle).set({ lockedUntil }).where(eq(loginThrottle.email, email));
    return { ok: false, reason: "locked", lockedUntil };
  }
  return { ok: false, reason: "invalid" };
}
