import { integer, pgTable, timestamp } from "drizzle-orm/pg-core";
import { ticketPriority } from "./tickets";

/**
 * Service-level targets per priority, in minutes: the workspace shows live timers against them and analytics counts
 * breaches. One row per priority; a priority without a row has no target.
 */
export const slaPolicies = pgTable("sla_policies", {
  priority: ticketPriority("priority").primaryKey(),
  firstReplyMinutes: integer("first_reply_minutes").notNull(),
  resolutionMinutes: integer("resolution_minutes").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type SlaPolicy = typeof slaPolicies.$inferSelect;
