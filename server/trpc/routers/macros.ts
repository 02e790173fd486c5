import { z } from "zod";
import { applyMacro } from "@/server/tickets/apply-macro";
import { listMacros } from "@/server/tickets/list-macros";
import { saveMacro } from "@/server/tickets/save-macro";
import { agentProcedure, managerProcedure, router } from "../init";

const macro = z.object({
  id: z.uuid(),
  name: z.string(),
  body: z.string(),
  teamId: z.uuid().nullable(),
  teamName: z.string().nullable(),
  category: z.string().nullable(),
  usageCount: z.number(),
});
const macroInput = z.object({
  name: z.string().trim().min(1, "A name is required").max(100),
  body: z.string().trim().min(1, "Write the reply").max(10_000),
  teamId: z.uuid().nullable(),
  category: z.string().min(1).max(100).nullable(),
});

export const macrosRouter = router({
  /** Macros the caller may use (shared and their team's), most used first; managers may ask for every team's. */
  list: agentProcedure
    .input(z.object({ all: z.boolean().optional() }).optional())
    .output(z.array(macro))
    .query(({ ctx, input }) => listMacros(ctx.db, { userId: ctx.user.id, all: input?.all && ctx.user.role !== "agent" })),

  /** The macro's text for one ticket, variables filled; counts a use. */
  fill: agentProcedure
    .input(z.object({ macroId: z.uuid(), ticketId: z.uuid() }))
    .output(z.object({ text: z.string() }))
    .mutation(({ ctx, input }) => applyMacro(ctx.db, { ...input, userId: ctx.user.id })),

  save: managerProcedure
    .input(z.object({ id: z.uuid().optional(), macro: macroInput }))
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => saveMacro(ctx.db, { id: input.id, userId: ctx.user.id, macro: input.macro })),

  remove: managerProcedure
    .input(z.object({ id: z.uuid() }))
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => saveMacro(ctx.db, { id: input.id, userId: ctx.user.id, remove: true })),
});
