import type { ReactNode } from "react";
import { NavLink } from "@/components/layout/nav-link";
import { requireUser } from "@/server/auth/session";

/** Every admin page needs the admin role; each page checks again, as layouts do not re-run on every navigation. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requireUser("admin");
  return (
    <div className="flex flex-col gap-4">
      <nav aria-label="Admin" className="flex gap-5 border-b border-zinc-200">
        <NavLink href="/admin/users" variant="tab">
          Users
        </NavLink>
        <NavLink href="/admin/teams" variant="tab">
          Teams
        </NavLink>
        <NavLink href="/admin/categories" variant="tab">
          Categories
        </NavLink>
        <NavLink href="/admin/sla" variant="tab">
          SLA
        </NavLink>
        <NavLink href="/admin/learning" variant="tab">
          Learning
        </NavLink>
        <NavLink href="/admin/ingest" variant="tab">
          Inbound
        </NavLink>
        <NavLink href="/admin/queue" variant="tab">
          Queue
        </NavLink>
        <NavLink href="/admin/api-keys" variant="tab">
          API keys
        </NavLink>
        <NavLink href="/admin/macros" variant="tab">
          Macros
        </NavLink>
      </nav>
      {children}
    </div>
  );
}
