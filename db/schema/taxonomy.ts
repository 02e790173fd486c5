import { boolean, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The category taxonomy admins configure. Triage may only answer an enabled key (the grammar is built
 * from this table), or "needs human".
 */
export const categories = pgTable("categories", {
  key: text("key").primaryKey(),
  label: text("label").notNull(),
  description: text("description").notNull().default(""),
  enabled: boolean("enabled").notNull().default(true),
  position: integer("position").notNull().default(0),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export type Category = typeof categories.$inferSelect;
