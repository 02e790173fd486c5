import type { Metadata } from "next";
import { getQueryClient, HydrateClient, trpcServer } from "@/server/trpc/rsc";
import { requireUser } from "@/server/auth/session";
import { CreateUserForm } from "./create-user-form";
import { UsersTable } from "./users-table";

export const metadata: Metadata = { title: "Users" };

export default async function AdminUsersPage() {
  const me = await requireUser("admin");
  const qc = getQueryClient();
  await Promise.all([qc.prefetchQuery(trpcServer.users.list.queryOptions()), qc.prefetchQuery(trpcServer.users.teams.queryOptions())]);
  return (
    <HydrateClient>
      <div className="flex flex-col gap-3">
        <div>
          <h1 className="text-lg font-semibold tracking-tight">Users</h1>
          <p className="text-sm text-zinc-500">People who can sign in to Deskling. Deactivated users cannot sign in, and their open sessions end.</p>
        </div>
        <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,1fr)_340px]">
          <UsersTable meId={me.id} />
          <CreateUserForm />
        </div>
      </div>
    </HydrateClient>
  );
}
