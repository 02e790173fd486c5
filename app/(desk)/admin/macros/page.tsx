import type { Metadata } from "next";
import { requireUser } from "@/server/auth/session";
import { getQueryClient, HydrateClient, trpcServer } from "@/server/trpc/rsc";
import { MacrosAdmin } from "./macros-admin";

export const metadata: Metadata = { title: "Macros" };

export default async function AdminMacrosPage() {
  await requireUser("admin");
  await getQueryClient().prefetchQuery(trpcServer.macros.list.queryOptions({ all: true }));
  return (
    <HydrateClient>
      <div className="flex flex-col gap-3">
        <div>
          <h1 className="text-lg font-semibold tracking-tight">Macros</h1>
          <p className="text-sm text-zinc-500">
            Canned replies agents insert from the composer. Variables: <code>{"{{customer.first_name}}"}</code>, <code>{"{{customer.name}}"}</code>,{" "}
            <code>{"{{ticket.number}}"}</code>, <code>{"{{ticket.subject}}"}</code>, <code>{"{{agent.first_name}}"}</code>. A team macro is offered to that
            team only; a category makes it a suggestion on tickets of that category.
          </p>
        </div>
        <MacrosAdmin />
      </div>
    </HydrateClient>
  );
}
