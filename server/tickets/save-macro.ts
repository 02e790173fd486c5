import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { macros } from "@/db/schema";
import { recordAudit } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";

export interface MacroInput {
  name: string;
  body: string;
  teamId: string | null;
  category: string | null;
}

/** Creates a macro, or updates one when `id` is given; `remove` deletes it. Audited. */
export async function saveMacro(db: Db, input: { id?: string; userId: string; macro?: MacroInput; remove?: boolean }) {
  return db.transaction(async (tx) => {
    let id = input.id;
    if (input.remove) {
      const [gone] = await tx.delete(macros).where(eq(macros.id, input.id ?? "")).returning({ id: macros.id });
      if (!gone) throw new AppError("NOT_FOUND", "Macro not found.");
    } else if (id) {
      const [row] = await tx.update(macros).set({ ...input.macro, updatedAt: new Date() }).where(eq(macros.id, id)).returning({ id: macros.id });
      if (!row) throw new AppError("NOT_FOUND", "Macro not found.");
    } else {
      const [row] = await tx.insert(macros).values({ ...input.macro!, createdBy: input.userId }).returning({ id: macros.id });
      id = row!.id;
    }
    await recordAudit(tx, {
      actor: { kind: "user", userId: input.userId },
      entity: "macro",
      entityId: id!,
      action: input.remove ? "deleted" : input.id ? "updated" : "created",
    });
    return { id: id! };
  });
}
