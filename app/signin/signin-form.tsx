"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { formatDateTime } from "@/components/layout/relative-time";

/** authorize() throws "invalid", or "locked" with the ISO time the lock ends: "locked:2026-01-01T10:00:00.000Z". */
function describeError(code: string) {
  if (code.startsWith("locked")) {
    const until = new Date(code.slice("locked:".length));
    return Number.isNaN(until.getTime())
      ? "Too many attempts. This account is locked for a while; try again later."
      : `Too many attempts, locked until ${formatDateTime(until)}.`;
  }
  if (code === "invalid" || code === "CredentialsSignin") return "Wrong email or password.";
  if (code === "unavailable") return "Sign-in is unavailable for a moment (the database is not answering). Try again shortly.";
  return "Sign-in failed. Try again.";
}

export function SignInForm({ returnTo }: { returnTo: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    if (!result || result.error) {
      setError(describeError(result?.error ?? ""));
      setPending(false);
      return;
    }
    router.replace(returnTo);
    router.refresh();
  }

  return (
    <Card className="p-5">
      <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
        {error && (
          <Alert tone="error" data-testid="signin-error">
            {error}
          </Alert>
        )}
        <Field label="Email" htmlFor="email">
          <Input id="email" name="email" type="email" autoComplete="username" required autoFocus />
        </Field>
        <Field label="Password" htmlFor="password">
          <Input id="password" name="password" type="password" autoComplete="current-password" required />
        </Field>
        <Button type="submit" size="lg" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
    </Card>
  );
}
