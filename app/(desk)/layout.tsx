import type { ReactNode } from "react";
import { AppHeader } from "@/components/layout/app-header";
import { KeyboardLayer } from "@/components/layout/keyboard-layer";
import { requireUser } from "@/server/auth/session";

/** Every page of the desk needs a signed-in user; each page checks again for its own role. */
export default async function DeskLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <>
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium text-indigo-700 shadow focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
      >
        Skip to content
      </a>
      <AppHeader user={user} />
      <main id="main" tabIndex={-1} className="mx-auto max-w-[1400px] px-4 py-5 focus:outline-none">
        {children}
      </main>
      <KeyboardLayer />
    </>
  );
}
