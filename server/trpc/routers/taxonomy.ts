import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { categories } from "@/db/schema";
import { agentProcedure, router } from "../init";

export const taxonomyRouter = router({
  /** Enabled categories, in the admins' order. */
  categories: agentProcedure
    .output(z.array(z.object({ key: z.string(), label: z.string(), description: z.string() })))
    .query(({ ctx }) =>
    ctx.db
      .select({ key: categories.key, label: categories.label, description: categories.description })
      .from(categories)
      .where(eq(categories.enabled, true))
      .orderBy(asc(categories.position), asc(categories.key)),
  ),
});
