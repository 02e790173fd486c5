import type { Metadata } from "next";
import { getQueryClient, HydrateClient, trpcServer } from "@/server/trpc/rsc";
import { requireUser } from "@/server/auth/session";
import { QueueOverview } from "./queue-overview";

export const metadata: Metadata = { title: "Queue" };

export default async function AdminQueuePage() {
  await requireUser("admin");
  await getQueryClient().prefetchQuery(trpcServer.queue.overview.queryOptions({}));
  return (
    <HydrateClient>
      <div className="flex flex-col gap-3">
        <div>
          <h1 className="text-lg font-semibold tracking-tight">Queue</h1>
          <p className="text-sm text-zinc-500">
            Background jobs waiting, running and failing. &ldquo;Triage now&rdquo; runs first, then live mail, then replays, re-triage and imports;
            the demo seed runs when nothing else waits.
          </p>
        </div>
        <QueueOverview />
      </div>
    </HydrateClient>
  );
}
