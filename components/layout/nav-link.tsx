"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";

const under = (pathname: string, prefix: string) => pathname === prefix || pathname.startsWith(`${prefix}/`);

/**
 * A nav entry, marked current on its own pages: by default `href` and below; `section` widens that to a
 * whole area (e.g. every /admin page), and `except` carves out paths that have their own entry.
 */
export function NavLink({
  href,
  section = href,
  except = [],
  variant = "main",
  children,
}: {
  href: string;
  section?: string;
  except?: string[];
  variant?: "main" | "tab";
  children: ReactNode;
}) {
  const pathname = usePathname();
  const active = under(pathname, section) && !except.some((p) => under(pathname, p));
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={cn(
        variant === "main"
          ? "rounded-md px-2.5 py-1.5 text-sm font-medium text-zinc-600 transition-colors hover:bg-zinc-100 hover:text-zinc-900"
          : "-mb-px border-b-2 border-transparent px-1 pb-2 text-sm font-medium text-zinc-500 hover:text-zinc-900",
        active && (variant === "main" ? "bg-zinc-100 text-zinc-900" : "border-zinc-900 text-zinc-900"),
      )}
    >
      {children}
    </Link>
  );
}
