import type { Metadata } from "next";
import { requireUser } from "@/server/auth/session";
import { getQueryClient, HydrateClient, trpcServer } from "@/server/trpc/rsc";
import { TeamsAdmin } from "./teams-admin";

export const metadata: Metadata = { title: "Teams" };

export default async function AdminTeamsPage() {
  await requireUser("admin");
  const qc = getQueryClient();
  await Promise.all([qc.prefetchQuery(trpcServer.teams.list.queryOptions()), qc.prefetchQuery(trpcServer.users.assignable.queryOptions())]);
  return (
    <HydrateClient>
      <div className="flex flex-col gap-3">
        <div>
          <h1 className="text-lg font-semibold tracking-tight">Teams</h1>
          <p className="text-sm text-zinc-500">
            A team is a queue: tickets are routed to it and each agent belongs to one. Triage learns to propose teams by name, so a rename carries its
            examples along.
          </p>
        </div>
        <TeamsAdmin />
      </div>
    </HydrateClient>
  );
}
