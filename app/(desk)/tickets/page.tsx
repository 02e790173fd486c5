import type { Metadata } from "next";
import { getQueryClient, HydrateClient, trpcServer } from "@/server/trpc/rsc";
import { requireUser } from "@/server/auth/session";
import { Inbox } from "./inbox";
import { listInput, parseInboxParams } from "./inbox-params";

export const metadata: Metadata = { title: "Inbox" };

export default async function InboxPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const params = parseInboxParams(await searchParams);
  const qc = getQueryClient();
  await Promise.all([
    qc.prefetchQuery(trpcServer.tickets.list.queryOptions(listInput(params, user.id))),
    qc.prefetchQuery(trpcServer.users.assignable.queryOptions()),
    qc.prefetchQuery(trpcServer.users.teams.queryOptions()),
    qc.prefetchQuery(trpcServer.taxonomy.categories.queryOptions()),
  ]);
  return (
    <HydrateClient>
      <Inbox meId={user.id} />
    </HydrateClient>
  );
}
