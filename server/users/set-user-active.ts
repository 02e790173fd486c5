import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import { recordAudit } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";

/** Deactivated users cannot sign in, and their open sessions stop working at the next request. */
export async function setUserActive(db: Db, input: { userId: string; active: boolean; actorId: string }) {
  if (input.userId === input.actorId && !input.active) {
    throw new AppError("INVALID_INPUT", "You cannot deactivate yourself.");
  }
  return db.transaction(async (tx) => {
    const [user] = await tx.update(users).set({ active: input.active, updatedAt: new Date() }).where(eq(users.id, input.userId)).returning();
    if (!user) throw new AppError("NOT_FOUND", "User not found.");
    await recordAudit(tx, {
      actor: { kind: "user", userId: input.actorId },
      entity: "user",
      entityId: user.id,
      action: input.active ? "activated" : "deactivated",
    });
    return { id: user.id, active: user.active };
  });
}
