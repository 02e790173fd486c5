import { defaultShouldDehydrateQuery, MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import superjson from "superjson";

const httpStatusOf = (error: unknown) => (error as { data?: { httpStatus?: number } } | null)?.data?.httpStatus;

/**
 * One factory for the browser and for server components, so prefetched data hydrates with Dates intact.
 * `onUnauthorized` runs when a call finds the session gone (signed out elsewhere, or deactivated).
 */
export function makeQueryClient(opts: { onUnauthorized?: () => void } = {}) {
  const onError = (error: unknown) => {
    if (httpStatusOf(error) === 401) opts.onUnauthorized?.();
  };
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        // Server-prefetched data counts as fresh briefly, so the client does not refetch it on mount.
        staleTime: 30_000,
        // A 4xx answer (not found, forbidden, bad input) will not change on retry; network and 5xx errors may.
        retry: (failures, error) => {
          const status = httpStatusOf(error);
          return !(status && status >= 400 && status < 500) && failures < 3;
        },
      },
      dehydrate: {
        serializeData: superjson.serialize,
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === "pending",
      },
      hydrate: { deserializeData: superjson.deserialize },
    },
  });
}
