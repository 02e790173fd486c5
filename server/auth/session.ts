import "server-only";
import { and, eq } from "drizzle-orm";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { users, type UserRole } from "@/db/schema";
import { authOptions } from "./options";
import { hasRole } from "./roles";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
}

/**
 * The signed-in user, re-read from the database on each request so that a deactivated user or a changed
 * role takes effect at once, not when the JWT expires.
 */
export async function getSessionUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions);
  if (!session?.user?.id) return null;
  const [user] = await getDb()
    .select({ id: users.id, email: users.email, name: users.name, role: users.role })
    .from(users)
    .where(and(eq(users.id, session.user.id), eq(users.active, true)));
  return user ?? null;
}

/** For server components: the user, or a redirect to sign-in (or to the inbox when the role is too low). */
export async function requireUser(role: UserRole = "agent"): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect("/signin");
  if (!hasRole(user, role)) redirect("/tickets");
  return user;
}
