import type { UserRole } from "@/db/schema";

const RANK: Record<UserRole, number> = { agent: 1, manager: 2, admin: 3 };

/** Roles are ordered: a manager can do what an agent can, an admin what a manager can. */
export const hasRole = (user: { role: UserRole }, required: UserRole) => RANK[user.role] >= RANK[required];
