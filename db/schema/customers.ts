import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** Contacts keyed by email (stored lower-cased). Their name and address are part of their tickets' search document. */
export const customers = pgTable("customers", {
  id: uuid("id").primaryKey().defaultRandom(),
  email: text("email").notNull().unique("customers_email_key"),
  name: text("name"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export type Customer = typeof customers.$inferSelect;
