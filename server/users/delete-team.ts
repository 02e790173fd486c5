import { count, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { macros, teams, tickets, users } from "@/db/schema";
import { recordAudit } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";

/**
 * Deletes a team: its members and tickets keep no team (the foreign keys set null) and its team macros go with it
 * (cascade). The learner's examples keep the old name as a fact; triage no longer offers it (allowedLabels). Audited
 * with what was detached, so the confirmation the admin saw can be checked against what happened.
 */
export async function deleteTeam(db: Db, input: { id: string; actorId: string }) {
  return db.transaction(async (tx) => {
    const [team] = await tx.select().from(teams).where(eq(teams.id, input.id)).for("update");
    if (!team) throw new AppError("NOT_FOUND", "Team not found.");
    const [[m], [t], [mac]] = await Promise.all([
      tx.select({ n: count() }).from(users).where(eq(users.teamId, team.id)),
      tx.select({ n: count() }).from(tickets).where(eq(tickets.teamId, team.id)),
      tx.select({ n: count() }).from(macros).where(eq(macros.teamId, team.id)),
    ]);
    await tx.delete(teams).where(eq(teams.id, team.id));
    await recordAudit(tx, {
      actor: { kind: "user", userId: input.actorId },
      entity: "team",
      entityId: team.id,
      action: "deleted",
      changes: { name: { from: team.name, to: null }, members: { from: m?.n ?? 0, to: 0 }, tickets: { from: t?.n ?? 0, to: 0 }, macros: { from: mac?.n ?? 0, to: 0 } },
    });
    return { id: team.id };
  });
}
