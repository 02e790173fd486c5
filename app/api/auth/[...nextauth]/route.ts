import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { authOptions } from "@/server/auth/options";
import { env } from "@/config/env";
import { limitRequest } from "@/server/ingestion/http";

const nextAuth = NextAuth(authOptions);

/** Bounded before next-auth sees it: next-auth reads the whole body, and this route needs no session. */
async function handler(incoming: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  const req = await limitRequest(incoming, env.AUTH_MAX_BYTES);
  if (req instanceof Response) return req;
  // next-auth reads `nextUrl`, which only a NextRequest has.
  return nextAuth(new NextRequest(req), ctx);
}

export { handler as GET, handler as POST };
