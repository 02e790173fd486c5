import { z } from "zod";
import { slaPolicies, ticketPriority } from "@/db/schema";
import { saveSlaPolicies } from "@/server/tickets/save-sla-policies";
import { adminProcedure, router } from "../init";

const minutes = z.number().int().min(1, "At least a minute").max(525_600, "At most a year").nullable();
const target = z.object({ priority: z.enum(ticketPriority.enumValues), firstReplyMinutes: minutes, resolutionMinutes: minutes });

export const slaRouter = router({
  /** One row per priority, urgent first; a priority without a policy has null targets. */
  policies: adminProcedure.output(z.array(target)).query(async ({ ctx }) => {
    const rows = new Map((await ctx.db.select().from(slaPolicies)).map((p) => [p.priority, p]));
    return [...ticketPriority.enumValues].reverse().map((priority) => ({
      priority,
      firstReplyMinutes: rows.get(priority)?.firstReplyMinutes ?? null,
      resolutionMinutes: rows.get(priority)?.resolutionMinutes ?? null,
    }));
  }),

  save: adminProcedure
    .input(z.object({ targets: z.array(target).min(1).max(ticketPriority.enumValues.length) }))
    .output(z.object({ changed: z.array(z.enum(ticketPriority.enumValues)) }))
    .mutation(({ ctx, input }) => saveSlaPolicies(ctx.db, { ...input, actorId: ctx.user.id })),
});
