import Link from "next/link";
import type { SessionUser } from "@/server/auth/session";
import { hasRole } from "@/server/auth/roles";
import { Badge } from "@/components/ui/badge";
import { NavLink } from "./nav-link";
import { SignOutButton } from "./sign-out-button";

export function AppHeader({ user }: { user: SessionUser }) {
  return (
    <header className="sticky top-0 z-20 border-b border-zinc-200 bg-white">
      <div className="mx-auto flex h-12 max-w-[1400px] items-center gap-6 px-4">
        <Link href="/tickets" className="flex items-center gap-2 font-semibold tracking-tight text-zinc-900">
          <span aria-hidden className="grid size-6 place-items-center rounded-md bg-zinc-900 text-xs font-bold text-white">
            D
          </span>
          Deskling
        </Link>
        <nav aria-label="Main" className="flex items-center gap-1">
          <NavLink href="/tickets" except={["/tickets/new"]}>
            Inbox
          </NavLink>
          <NavLink href="/tickets/new">New ticket</NavLink>
          {hasRole(user, "manager") && <NavLink href="/analytics">Analytics</NavLink>}
          {hasRole(user, "admin") && (
            <NavLink href="/admin/users" section="/admin" except={["/admin/learning"]}>
              Admin
            </NavLink>
          )}
          {hasRole(user, "admin") && <NavLink href="/admin/learning">Learning</NavLink>}
        </nav>
        <div className="ml-auto flex items-center gap-3">
          <div className="flex items-center gap-2 text-sm" data-testid="current-user">
            <span className="font-medium text-zinc-800">{user.name}</span>
            <Badge tone={user.role === "admin" ? "violet" : user.role === "manager" ? "blue" : "neutral"}>{user.role}</Badge>
          </div>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
