import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getSessionUser } from "@/server/auth/session";
import { hasRole } from "@/server/auth/roles";
import { env } from "@/config/env";
import { limitRequest } from "@/server/ingestion/http";
import { createContext } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/root";

/**
 * Every body is bounded before tRPC reads it. A history upload is the one large call: its larger limit applies
 * only to an admin's session, checked before the body is read, so nobody else can make the server hold 64 MB.
 */
async function bodyLimit(path: string) {
  if (path !== "learning.startImport") return env.JSON_MAX_BYTES;
  const user = await getSessionUser().catch(() => null);
  return user && hasRole(user, "admin") ? env.IMPORT_MAX_BYTES : env.JSON_MAX_BYTES;
}

async function handler(incoming: Request, ctx: { params: Promise<{ trpc: string }> }) {
  const req = await limitRequest(incoming, await bodyLimit((await ctx.params).trpc));
  if (req instanceof Response) return req;
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContext({ headers: req.headers }),
  });
}

export { handler as GET, handler as POST };
