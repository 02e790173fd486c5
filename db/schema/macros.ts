import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { teams } from "./teams";
import { users } from "./users";

/**
 * Canned replies. The body may use {{customer.first_name}}-style variables, filled in when inserted. A macro with a
 * team is offered to that team's agents only; without one, to everyone. `category` makes it a suggestion on tickets
 * of that category.
 */
export const macros = pgTable(
  "macros",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    body: text("body").notNull(),
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "cascade" }),
    category: text("category"),
    usageCount: integer("usage_count").notNull().default(0),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("macros_team_idx").on(t.teamId)],
);

export type Macro = typeof macros.$inferSelect;
