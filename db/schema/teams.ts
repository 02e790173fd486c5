import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** A team is also a queue: tickets are routed to a team, agents belong to one. */
export const teams = pgTable("teams", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique("teams_name_key"),
  description: text("description"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export type Team = typeof teams.$inferSelect;
