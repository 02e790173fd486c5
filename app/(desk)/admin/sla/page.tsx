import type { Metadata } from "next";
import { requireUser } from "@/server/auth/session";
import { getQueryClient, HydrateClient, trpcServer } from "@/server/trpc/rsc";
import { SlaAdmin } from "./sla-admin";

export const metadata: Metadata = { title: "SLA policies" };

export default async function AdminSlaPage() {
  await requireUser("admin");
  await getQueryClient().prefetchQuery(trpcServer.sla.policies.queryOptions());
  return (
    <HydrateClient>
      <div className="flex flex-col gap-3">
        <div>
          <h1 className="text-lg font-semibold tracking-tight">SLA policies</h1>
          <p className="text-sm text-zinc-500">
            Targets per priority, counted from the ticket&rsquo;s creation: the first public reply, then the solve. The inbox and the ticket show live
            timers against them; a change applies to open tickets at once. Leave both empty for no target.
          </p>
        </div>
        <SlaAdmin />
      </div>
    </HydrateClient>
  );
}
