import { and, eq, ne } from "drizzle-orm";
import type { Db } from "@/db/client";
import { teams, users, type UserRole } from "@/db/schema";
import { recordAudit, type Changes } from "@/server/audit/record-audit";
import { hashPassword } from "@/server/auth/password";
import { AppError } from "@/server/errors";

/**
 * An admin edits a user: name, role, team, and optionally sets a new password (a reset: the admin tells the user, who
 * signs in with it). Changes are audited, the password only as "reset". An admin cannot demote themselves, so the
 * last admin cannot lock everyone out by accident.
 */
export async function updateUser(
  db: Db,
  input: { userId: string; actorId: string; name?: string; role?: UserRole; teamId?: string | null; password?: string },
) {
  if (input.userId === input.actorId && input.role && input.role !== "admin") {
    throw new AppError("INVALID_INPUT", "You cannot change your own role.", { role: "Ask another admin" });
  }
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(users).where(eq(users.id, input.userId)).for("update");
    if (!current) throw new AppError("NOT_FOUND", "User not found.");
    if (input.teamId) {
      const [team] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, input.teamId));
      if (!team) throw new AppError("INVALID_INPUT", "Unknown team.", { teamId: "Unknown team" });
    }
    if (input.role && input.role !== "admin" && current.role === "admin") {
      const [other] = await tx.select({ id: users.id }).from(users).where(and(eq(users.role, "admin"), eq(users.active, true), ne(users.id, current.id))).limit(1);
      if (!other) throw new AppError("INVALID_INPUT", "Deskling needs at least one active admin.", { role: "Last admin" });
    }
    const changes: Changes = {};
    const set: Partial<typeof users.$inferInsert> = {};
    for (const key of ["name", "role", "teamId"] as const) {
      if (input[key] !== undefined && input[key] !== current[key]) {
        changes[key] = { from: current[key], to: input[key] };
        Object.assign(set, { [key]: input[key] });
      }
    }
    if (passwordHash) {
      set.passwordHash = passwordHash;
      changes.password = { from: null, to: "reset" };
    }
    if (Object.keys(changes).length === 0) return { changed: false };
    await tx.update(users).set({ ...set, updatedAt: new Date() }).where(eq(users.id, current.id));
    await recordAudit(tx, { actor: { kind: "user", userId: input.actorId }, entity: "user", entityId: current.id, action: "updated", changes });
    return { changed: true };
  });
}
