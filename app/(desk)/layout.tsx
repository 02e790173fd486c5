import type { ReactNode } from "react";
import { AppHeader } from "@/components/layout/app-header";
import { requireUser } from "@/server/auth/session";

/** Every page of the desk needs a signed-in user; each page checks again for its own role. */
export default async function DeskLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-[1400px] px-4 py-5">{children}</main>
    </>
  );
}
