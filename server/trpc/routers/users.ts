import { asc, eq } from "drizzle-orm";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { teams, userRole, users } from "@/db/schema";
import { createUser } from "@/server/users/create-user";
import { setUserActive } from "@/server/users/set-user-active";
import { updateUser } from "@/server/users/update-user";
import { adminProcedure, agentProcedure, router } from "../init";

const user = createSelectSchema(users);
const me = user.pick({ id: true, email: true, name: true, role: true });
const named = z.object({ id: z.uuid(), name: z.string() });

export const usersRouter = router({
  me: agentProcedure.output(me).query(({ ctx }) => ctx.user),

  /** Active users, for the assignee picker. */
  assignable: agentProcedure.output(z.array(named)).query(({ ctx }) =>
    ctx.db.select({ id: users.id, name: users.name }).from(users).where(eq(users.active, true)).orderBy(asc(users.name)),
  ),

  teams: agentProcedure.output(z.array(named)).query(({ ctx }) => ctx.db.select({ id: teams.id, name: teams.name }).from(teams).orderBy(asc(teams.name))),

  list: adminProcedure
    .output(z.array(user.pick({ id: true, email: true, name: true, role: true, teamId: true, active: true, createdAt: true })))
    .query(({ ctx }) =>
    ctx.db
      .select({ id: users.id, email: users.email, name: users.name, role: users.role, teamId: users.teamId, active: users.active, createdAt: users.createdAt })
      .from(users)
      .orderBy(asc(users.email)),
  ),

  create: adminProcedure
    .input(
      z.object({
        email: z.email("Enter a valid email address"),
        name: z.string().trim().min(1, "A name is required").max(200),
        password: z.string().min(10, "At least 10 characters").max(200),
        role: z.enum(userRole.enumValues),
        teamId: z.uuid().nullable().optional(),
      }),
    )
    .output(me)
    .mutation(({ ctx, input }) => createUser(ctx.db, { ...input, createdBy: ctx.user.id })),

  /** Edit name, role and team, or reset the password (the admin passes the new one on). */
  update: adminProcedure
    .input(
      z.object({
        userId: z.uuid(),
        name: z.string().trim().min(1, "A name is required").max(200).optional(),
        role: z.enum(userRole.enumValues).optional(),
        teamId: z.uuid().nullable().optional(),
        password: z.string().min(10, "At least 10 characters").max(200).optional(),
      }),
    )
    .output(z.object({ changed: z.boolean() }))
    .mutation(({ ctx, input }) => updateUser(ctx.db, { ...input, actorId: ctx.user.id })),

  setActive: adminProcedure
    .input(z.object({ userId: z.uuid(), active: z.boolean() }))
    .output(z.object({ id: z.uuid(), active: z.boolean() }))
    .mutation(({ ctx, input }) => setUserActive(ctx.db, { ...input, actorId: ctx.user.id })),
});
