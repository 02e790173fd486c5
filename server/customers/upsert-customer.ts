import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { customers } from "@/db/schema";

/** Finds or creates the contact for an email address; fills in a name we did not know yet. */
export async function upsertCustomer(tx: DbOrTx, input: { email: string; name?: string | null }) {
  const email = input.email.trim().toLowerCase();
  const [row] = await tx
    .insert(customers)
    .values({ email, name: input.name || null })
    .onConflictDoUpdate({ target: customers.email, set: { name: sql`coalesce(${customers.name}, excluded.name)` } })
    .returning();
  return row!;
}
