import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { categories } from "@/db/schema";
import type { TriageCategory } from "@/models/tasks/triage";

/** The enabled categories in their order, as the triage prompt and grammar use them. Read per use, never cached. */
export async function enabledTaxonomy(db: DbOrTx): Promise<TriageCategory[]> {
  return db
    .select({ key: categories.key, label: categories.label, description: categories.description })
    .from(categories)
    .where(eq(categories.enabled, true))
    .orderBy(asc(categories.position), asc(categories.key));
}
