import type { Metadata } from "next";
import { getQueryClient, HydrateClient, trpcServer } from "@/server/trpc/rsc";
import { requireUser } from "@/server/auth/session";
import { ApiKeys } from "./api-keys";

export const metadata: Metadata = { title: "API keys" };

export default async function AdminApiKeysPage() {
  await requireUser("admin");
  await getQueryClient().prefetchQuery(trpcServer.ingest.apiKeys.queryOptions());
  return (
    <HydrateClient>
      <div className="flex flex-col gap-3">
        <div>
          <h1 className="text-lg font-semibold tracking-tight">API keys</h1>
          <p className="text-sm text-zinc-500">
            Keys for the REST API (<a className="text-blue-700 hover:underline" href="/api/v1/openapi.json">OpenAPI</a>). A key is shown once when created; only its hash is kept.
          </p>
        </div>
        <ApiKeys />
      </div>
    </HydrateClient>
  );
}
