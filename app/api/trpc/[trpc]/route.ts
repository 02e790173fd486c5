import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { env } from "@/server/env";
import { limitRequest } from "@/server/ingestion/http";
import { createContext } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/root";

async function handler(incoming: Request) {
  const req = await limitRequest(incoming, env.JSON_MAX_BYTES);
  if (req instanceof Response) return req;
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContext({ headers: req.headers }),
  });
}

export { handler as GET, handler as POST };
