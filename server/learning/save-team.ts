import { and, eq, inArray, isNull, ne, notInArray, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { examples, LIVE_SCOPE, teams, users } from "@/db/schema";
import { recordAudit, type Changes } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { notifyExamples } from "./record-correction";

/**
 * An admin creates a team, renames it or sets its members (a user belongs to one team: adding them here moves them).
 * A team's name is the learner's label for it (labels.ts), so a rename relabels its verified examples and tells
 * every learner in the same transaction; otherwise the learner would keep proposing a name no team has. Audited.
 */
export async function saveTeam(db: Db, input: { id?: string; actorId: string; name: string; memberIds: string[] }) {
  const name = input.name.trim();
  const memberIds = [...new Set(input.memberIds)];
  return db.transaction(async (tx) => {
    const changes: Changes = {};
    let id = input.id;
    const [clash] = await tx
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.name, name), id ? ne(teams.id, id) : undefined));
    if (clash) throw new AppError("CONFLICT", "A team with this name exists already.", { name: "Already in use" });
    if (id) {
      const [current] = await tx.select().from(teams).where(eq(teams.id, id)).for("update");
      if (!current) throw new AppError("NOT_FOUND", "Team not found.");
      if (current.name !== name) {
        changes.name = { from: current.name, to: name };
        await tx.update(teams).set({ name }).where(eq(teams.id, id));
        const relabelled = await tx
          .update(examples)
          .set({ label: name })
          .where(and(eq(examples.scope, LIVE_SCOPE), eq(examples.field, "team"), eq(examples.label, current.name)))
          .returning({ id: examples.id });
        for (let i = 0; i < relabelled.length; i += 100) {
          await notifyExamples(tx, { scope: LIVE_SCOPE, ids: relabelled.slice(i, i + 100).map((r) => r.id) });
        }
      }
    } else {
      const [row] = await tx.insert(teams).values({ name }).returning({ id: teams.id });
      id = row!.id;
      changes.name = { from: null, to: name };
    }
    const before = (await tx.select({ id: users.id }).from(users).where(eq(users.teamId, id))).map((u) => u.id).sort();
    if (memberIds.length) {
      const found = await tx.select({ id: users.id }).from(users).where(inArray(users.id, memberIds));
      if (found.length !== memberIds.length) throw new AppError("INVALID_INPUT", "Unknown user.", { memberIds: "Unknown user" });
      await tx
        .update(users)
        .set({ teamId: id, updatedAt: new Date() })
        .where(and(inArray(users.id, memberIds), or(isNull(users.teamId), ne(users.teamId, id))));
    }
    await tx
      .update(users)
      .set({ teamId: null, updatedAt: new Date() })
      .where(and(eq(users.teamId, id), memberIds.length ? notInArray(users.id, memberIds) : undefined));
    const after = [...memberIds].sort();
    if (before.join() !== after.join()) changes.members = { from: before, to: after };
    if (Object.keys(changes).length) {
      await recordAudit(tx, { actor: { kind: "user", userId: input.actorId }, entity: "team", entityId: id, action: input.id ? "updated" : "created", changes });
    }
    return { id, changed: Object.keys(changes).length > 0 };
  });
}
