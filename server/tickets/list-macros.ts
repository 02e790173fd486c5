import { and, desc, eq, isNull, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { macros, teams, users } from "@/db/schema";

/**
 * The macros a user may use: shared ones (no team) and their own team's, most used first. `all` (for managing them)
 * lists every team's.
 */
export async function listMacros(db: DbOrTx, input: { userId: string; all?: boolean }) {
  const [me] = await db.select({ teamId: users.teamId }).from(users).where(eq(users.id, input.userId));
  const visible = input.all ? undefined : or(isNull(macros.teamId), me?.teamId ? eq(macros.teamId, me.teamId) : sql`false`);
  return db
    .select({
      id: macros.id,
      name: macros.name,
      body: macros.body,
      teamId: macros.teamId,
      teamName: teams.name,
      category: macros.category,
      usageCount: macros.usageCount,
    })
    .from(macros)
    .leftJoin(teams, eq(teams.id, macros.teamId))
    .where(and(visible))
    .orderBy(desc(macros.usageCount), macros.name);
}
