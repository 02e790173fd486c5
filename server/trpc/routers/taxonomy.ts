import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { categories } from "@/db/schema";
import { saveCategory } from "@/server/learning/save-category";
import { adminProcedure, agentProcedure, router } from "../init";

const category = z.object({ key: z.string(), label: z.string(), description: z.string() });

export const taxonomyRouter = router({
  /** Enabled categories, in the admins' order. */
  categories: agentProcedure.output(z.array(category)).query(({ ctx }) =>
    ctx.db
      .select({ key: categories.key, label: categories.label, description: categories.description })
      .from(categories)
      .where(eq(categories.enabled, true))
      .orderBy(asc(categories.position), asc(categories.key)),
  ),

  /** Every category, disabled ones too: the admin page. */
  all: adminProcedure.output(z.array(category.extend({ enabled: z.boolean() }))).query(({ ctx }) =>
    ctx.db
      .select({ key: categories.key, label: categories.label, description: categories.description, enabled: categories.enabled })
      .from(categories)
      .orderBy(asc(categories.position), asc(categories.key)),
  ),

  /** Creates a category (no key) or edits one; the learners re-read the taxonomy (see saveCategory). */
  save: adminProcedure
    .input(
      z.object({
        key: z.string().min(1).max(100).optional(),
        category: z.object({
          label: z.string().trim().min(1, "A name is required").max(80),
          description: z.string().trim().max(500),
          enabled: z.boolean(),
        }),
      }),
    )
    .output(z.object({ key: z.string(), changed: z.boolean() }))
    .mutation(({ ctx, input }) => saveCategory(ctx.db, { ...input, actorId: ctx.user.id })),
});
