import type { Metadata } from "next";
import Link from "next/link";
import { buttonVariants } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { safeReturnPath } from "@/server/auth/return-to";
import { requireUser } from "@/server/auth/session";

export const metadata: Metadata = { title: "No access" };

const ROLE_NAME: Record<string, string> = { admin: "an admin", manager: "a manager", agent: "an agent" };

/** Where requireUser sends a signed-in user whose role is too low: says so, instead of a silent jump to the inbox. */
export default async function ForbiddenPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const sp = await searchParams;
  const need = typeof sp.need === "string" && sp.need in ROLE_NAME ? sp.need : null;
  const from = safeReturnPath(typeof sp.from === "string" ? sp.from : null);
  return (
    <Card className="mx-auto mt-10 flex max-w-lg flex-col gap-3 p-6">
      <h1 className="text-lg font-semibold">You don’t have access to this page</h1>
      <p className="text-sm text-zinc-700">
        {from ? (
          <>
            <code className="rounded bg-zinc-100 px-1 text-xs">{from}</code> needs
          </>
        ) : (
          "This page needs"
        )}{" "}
        {need ? `${ROLE_NAME[need]} account` : "another role"}. You are signed in as {user.name}, {ROLE_NAME[user.role] ?? user.role}. Ask an
        admin to change your role if you need it.
      </p>
      <div>
        <Link href="/tickets" className={buttonVariants({ variant: "secondary" })}>
          Back to the inbox
        </Link>
      </div>
    </Card>
  );
}
