import "server-only";
import { and, eq } from "drizzle-orm";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { users, type UserRole } from "@/db/schema";
import { authOptions } from "./options";
import { safeReturnPath } from "./return-to";
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

/**
 * For server components: the user, or a redirect to sign-in that comes back to the requested page afterwards (the
 * path arrives from proxy.ts), or to the forbidden page, which says which role the page needs.
 */
export async function requireUser(role: UserRole = "agent"): Promise<SessionUser> {
  const user = await getSessionUser();
  const here = safeReturnPath((await headers()).get("x-deskling-path"));
  if (!user) redirect(here && here !== "/tickets" ? `/signin?callbackUrl=${encodeURIComponent(here)}` : "/signin");
  if (!hasRole(user, role)) redirect(`/forbidden?need=${role}${here ? `&from=${encodeURIComponent(here)}` : ""}`);
  return user;
}
