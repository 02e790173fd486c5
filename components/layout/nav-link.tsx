"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";

export function NavLink({ href, exact, children }: { href: string; exact?: boolean; children: ReactNode }) {
  const pathname = usePathname();
  // The inbox stays active on a ticket page, but not on "New ticket", which has its own entry.
  const active = exact
    ? pathname === href || (pathname.startsWith(`${href}/`) && pathname !== `${href}/new`)
    : pathname === href || pathname.startsWith(`${href}/`);
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={cn(
        "rounded-md px-2.5 py-1.5 text-sm font-medium text-zinc-600 transition-colors hover:bg-zinc-100 hover:text-zinc-900",
        active && "bg-zinc-100 text-zinc-900",
      )}
    >
      {children}
    </Link>
  );
}
