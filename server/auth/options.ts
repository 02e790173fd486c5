import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "@/db/client";
import type { UserRole } from "@/db/schema";
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
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials) {
        if (!credentials?.email || !credentials.password) return null;
        const result = await signIn(getDb(), credentials.email, credentials.password);
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
