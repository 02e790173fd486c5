import type { Db } from "@/db/client";
import { users, type UserRole } from "@/db/schema";
import { recordAudit } from "@/server/audit/record-audit";
import { hashPassword } from "@/server/auth/password";
import { AppError } from "@/server/errors";

export async function createUser(
  db: Db,
  input: { email: string; name: string; password: string; role: UserRole; teamId?: string | null; createdBy?: string },
) {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({ email: input.email.trim().toLowerCase(), name: input.name.trim(), passwordHash, role: input.role, teamId: input.teamId ?? null })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id, email: users.email, name: users.name, role: users.role });
    if (!user) throw new AppError("CONFLICT", "A user with this email exists.", { email: "Already in use" });
    await recordAudit(tx, {
      actor: input.createdBy ? { kind: "user", userId: input.createdBy } : { kind: "system", label: "seed" },
      entity: "user",
      entityId: user.id,
      action: "created",
      changes: { role: { from: null, to: input.role } },
    });
    return user;
  });
}
