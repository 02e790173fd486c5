import type { Metadata } from "next";
import { getQueryClient, HydrateClient, trpcServer } from "@/server/trpc/rsc";
import { requireUser } from "@/server/auth/session";
import { InboundLog } from "./inbound-log";
import { WebhookSources } from "./webhook-sources";

export const metadata: Metadata = { title: "Ingest" };

export default async function AdminIngestPage() {
  await requireUser("admin");
  const qc = getQueryClient();
  await Promise.all([
    qc.prefetchQuery(trpcServer.ingest.list.queryOptions({ status: "failed", page: 1, pageSize: 50 })),
    qc.prefetchQuery(trpcServer.ingest.webhookSources.queryOptions()),
  ]);
  return (
    <HydrateClient>
      <div className="flex flex-col gap-3">
        <div>
          <h1 className="text-lg font-semibold tracking-tight">Ingest</h1>
          <p className="text-sm text-zinc-500">
            Every email, webhook and API call is stored as received before it is processed. Failed items keep their reason and can be replayed.
          </p>
        </div>
        <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,1fr)_340px]">
          <InboundLog />
          <WebhookSources />
        </div>
      </div>
    </HydrateClient>
  );
}
