import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "@/db/client";
import type { UserRole } from "@/db/schema";
import { cleanText } from "@/server/clean-input";
import { reportError } from "@/server/errors";
import { env } from "@/config/env";
import { signIn } from "./sign-in";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name: string; role: UserRole };
  }
  interface User {
    role: UserRole;
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    uid: string;
    role: UserRole;
  }
}

export const authOptions: AuthOptions = {
  secret: env.NEXTAUTH_SECRET,
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  // Errors are shown on the sign-in form (with a fixed code), never on next-auth's own error page.
  pages: { signIn: "/signin", error: "/signin" },
  // next-auth's default logger prints the error object with its message and metadata (the request, the credentials'
  // e-mail); ours prints the code next-auth gives and an id.
  logger: {
    error: (code, metadata) => void reportError(`auth ${code}`, metadata instanceof Error ? metadata : (metadata as { error?: unknown })?.error),
    warn: (code) => console.warn(`[auth] warning ${code}`),
    debug: () => {},
  },
  providers: [
    CredentialsProvider({
      name: "Email",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials) {
        if (!credentials?.email || !credentials.password) return null;
        // next-auth puts whatever authorize() throws into the redirect URL (?error=…): only our fixed codes may
        // get there, never a driver message (which quoted the query, the schema and the e-mail).
        const result = await signIn(getDb(), cleanText(credentials.email), cleanText(credentials.password)).catch((err: unknown) => {
          const r = reportError("auth sign-in", err);
          throw new Error(r.code === "UNAVAILABLE" ? "unavailable" : "failed");
        });
        if (!result.ok) {
          // next-auth hands this message to the sign-in form as `error`; the form shows when a lock ends.
          throw new Error(result.reason === "locked" ? `locked:${result.lockedUntil?.toISOString() ?? ""}` : "invalid");
        }
        const { id, email, name, role } = result.user;
        return { id, email, name, role };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.role = user.role;
      }
      return token;
    },
    session({ session, token }) {
      session.user = { id: token.uid, email: token.email ?? "", name: token.name ?? "", role: token.role };
      return session;
    },
  },
};
