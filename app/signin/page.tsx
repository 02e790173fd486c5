import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeReturnPath } from "@/server/auth/return-to";
import { getSessionUser } from "@/server/auth/session";
import { SignInForm } from "./signin-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).callbackUrl;
  const returnTo = safeReturnPath(Array.isArray(raw) ? raw[0] : raw) ?? "/tickets";
  if (await getSessionUser()) redirect(returnTo);
  return (
    <div className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex flex-col items-center gap-2 text-center">
          <span aria-hidden className="grid size-10 place-items-center rounded-lg bg-zinc-900 text-lg font-bold text-white">
            D
          </span>
          <h1 className="text-xl font-semibold tracking-tight">Sign in to Deskling</h1>
          <p className="text-sm text-zinc-500">Customer-service tickets, triaged on your own server.</p>
        </div>
        <SignInForm returnTo={returnTo} />
      </div>
    </div>
  );
}
