import { asc } from "drizzle-orm";
import { z } from "zod";
import { teams, users } from "@/db/schema";
import { saveTeam } from "@/server/learning/save-team";
import { deleteTeam } from "@/server/users/delete-team";
import { adminProcedure, router } from "../init";

export const teamsRouter = router({
  /** Teams with their members, for the admin page. */
  list: adminProcedure
    .output(z.array(z.object({ id: z.uuid(), name: z.string(), members: z.array(z.object({ id: z.uuid(), name: z.string(), active: z.boolean() })) })))
    .query(async ({ ctx }) => {
      const [rows, people] = await Promise.all([
        ctx.db.select({ id: teams.id, name: teams.name }).from(teams).orderBy(asc(teams.name)),
        ctx.db.select({ id: users.id, name: users.name, active: users.active, teamId: users.teamId }).from(users).orderBy(asc(users.name)),
      ]);
      return rows.map((t) => ({ ...t, members: people.filter((p) => p.teamId === t.id).map(({ teamId: _, ...p }) => p) }));
    }),

  save: adminProcedure
    .input(z.object({ id: z.uuid().optional(), name: z.string().trim().min(1, "A name is required").max(80), memberIds: z.array(z.uuid()).max(500) }))
    .output(z.object({ id: z.uuid(), changed: z.boolean() }))
    .mutation(({ ctx, input }) => saveTeam(ctx.db, { ...input, actorId: ctx.user.id })),

  remove: adminProcedure
    .input(z.object({ id: z.uuid() }))
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => deleteTeam(ctx.db, { ...input, actorId: ctx.user.id })),
});
