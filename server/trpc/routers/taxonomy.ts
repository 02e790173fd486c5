import { asc, eq } from "drizzle-orm";
import { categories } from "@/db/schema";
import { agentProcedure, router } from "../init";

export const taxonomyRouter = router({
  /** Enabled categories, in the admins' order. */
  categories: agentProcedure.query(({ ctx }) =>
    ctx.db
      .select({ key: categories.key, label: categories.label, description: categories.description })
      .from(categories)
      .where(eq(categories.enabled, true))
      .orderBy(asc(categories.position), asc(categories.key)),
  ),
});
