import { defaultShouldDehydrateQuery, QueryClient } from "@tanstack/react-query";
import superjson from "superjson";

/** One factory for the browser and for server components, so prefetched data hydrates with Dates intact. */
export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      // Server-prefetched data counts as fresh briefly, so the client does not refetch it on mount.
      queries: { staleTime: 30_000, refetchOnWindowFocus: true },
      dehydrate: {
        serializeData: superjson.serialize,
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === "pending",
      },
      hydrate: { deserializeData: superjson.deserialize },
    },
  });
}
