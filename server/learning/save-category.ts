import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { categories, LIVE_SCOPE } from "@/db/schema";
import { recordAudit, type Changes } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { notifyExamples } from "./record-correction";

export interface CategoryInput {
  label: string;
  description: string;
  enabled: boolean;
}

/** A new category's key: its name in upper snake case ("Shipping address" → SHIPPING_ADDRESS), like the seed's. */
export function categoryKey(label: string): string {
  return label
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 60);
}

/**
 * An admin creates a category or edits one (name, description, enabled). The key never changes: tickets, corrections
 * and learner examples carry it. Audited; in the same transaction every worker's learner is told to re-read the
 * taxonomy, whose names and descriptions are examples of their categories (labels.ts) and whose disabled keys triage
 * may no longer answer (the grammar and the classifier's allowed labels are read from this table at each triage).
 */
export async function saveCategory(db: Db, input: { key?: string; actorId: string; category: CategoryInput }) {
  const label = input.category.label.trim();
  const description = input.category.description.trim();
  return db.transaction(async (tx) => {
    let key = input.key;
    const changes: Changes = {};
    if (key) {
      const [current] = await tx.select().from(categories).where(eq(categories.key, key)).for("update");
      if (!current) throw new AppError("NOT_FOUND", "Category not found.");
      for (const [field, to] of [["label", label], ["description", description], ["enabled", input.category.enabled]] as const) {
        if (current[field] !== to) changes[field] = { from: current[field], to };
      }
      if (Object.keys(changes).length === 0) return { key, changed: false };
      await tx.update(categories).set({ label, description, enabled: input.category.enabled }).where(eq(categories.key, key));
    } else {
      key = categoryKey(label);
      if (!key) throw new AppError("INVALID_INPUT", "The name needs a letter or a digit.", { label: "Use letters or digits" });
      const [{ next } = { next: 0 }] = await tx.select({ next: sql<number>`coalesce(max(${categories.position}) + 1, 0)`.mapWith(Number) }).from(categories);
      const [row] = await tx
        .insert(categories)
        .values({ key, label, description, enabled: input.category.enabled, position: next })
        .onConflictDoNothing()
        .returning({ key: categories.key });
      if (!row) throw new AppError("CONFLICT", `A category with the key ${key} exists already.`, { label: "Already in use" });
      changes.label = { from: null, to: label };
    }
    await recordAudit(tx, { actor: { kind: "user", userId: input.actorId }, entity: "category", entityId: key, action: input.key ? "updated" : "created", changes });
    await notifyExamples(tx, { scope: LIVE_SCOPE, ids: [], taxonomy: true });
    return { key, changed: true };
  });
}

