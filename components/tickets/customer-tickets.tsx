"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { RelativeTime } from "@/components/layout/relative-time";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { StatusBadge } from "./ticket-badges";

/** The customer's other tickets, newest first: context an agent otherwise looks up by hand. */
export function CustomerTickets({ ticketId, customerId }: { ticketId: string; customerId: string }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.tickets.list.queryOptions({ view: "all", customerId, sort: "newest", pageSize: 6 }));
  const others = (list.data?.items ?? []).filter((t) => t.id !== ticketId).slice(0, 5);
  if (!list.data) return null;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Other tickets from this customer</CardTitle>
      </CardHeader>
      <CardBody>
        {others.length === 0 ? (
          <p className="text-sm text-zinc-500">None.</p>
        ) : (
          <ul className="flex flex-col gap-2 text-sm">
            {others.map((t) => (
              <li key={t.id} className="flex items-center gap-2">
                <StatusBadge status={t.status} />
                <Link href={`/tickets/${t.id}`} className="min-w-0 flex-1 truncate text-zinc-800 hover:text-indigo-700 hover:underline">
                  <span className="font-mono text-xs text-zinc-500">#{t.number}</span> {t.subject}
                </Link>
                <RelativeTime date={t.createdAt} className="shrink-0 text-xs text-zinc-500" />
              </li>
            ))}
          </ul>
        )}
      </CardBody>
    </Card>
  );
}
