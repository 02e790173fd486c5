import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** Contacts keyed by email (stored lower-cased). */
export const customers = pgTable("customers", {
  id: uuid("id").primaryKey().defaultRandom(),
  email: text("email").notNull().unique("customers_email_key"),
  name: text("name"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  // The inbox search finds tickets by their customer's name or address; keep this expression in step with it.
  index("customers_fts_idx").using("gin", sql`to_tsvector('simple', coalesce(${t.name}, '') || ' ' || ${t.email})`),
]);

export type Customer = typeof customers.$inferSelect;
