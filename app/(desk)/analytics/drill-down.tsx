"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef } from "react";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Button } from "@/components/ui/button";
import { Table, Td, Th } from "@/components/ui/table";
import { PriorityBadge, StatusBadge } from "@/components/tickets/ticket-badges";
import type { TicketPriority, TicketStatus } from "@/db/schema";
import type { DrillMetric } from "@/server/analytics/metric-tickets";
import type { queryParams } from "./dashboard-params";

export interface Drill {
  title: string;
  metric: DrillMetric;
  day?: string;
  groupBy?: "team" | "priority";
  group?: string;
}

/** The tickets behind a number, in a modal dialog; each opens the ticket. */
export function DrillDown({ drill, params, onClose }: { drill: Drill | null; params: ReturnType<typeof queryParams>; onClose: () => void }) {
  const trpc = useTRPC();
  const ref = useRef<HTMLDialogElement>(null);
  const list = useQuery({
    ...trpc.analytics.tickets.queryOptions({ params, metric: drill?.metric ?? "created", day: drill?.day, groupBy: drill?.groupBy, group: drill?.group }),
    enabled: drill !== null,
  });
  useEffect(() => {
    const d = ref.current;
    if (drill && d && !d.open) d.showModal();
    if (!drill && d?.open) d.close();
  }, [drill]);
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-labelledby="drill-title"
      className="m-auto w-[min(880px,92vw)] rounded-lg border border-zinc-200 p-0 shadow-xl backdrop:bg-zinc-900/30"
    >
      <div className="flex items-center justify-between gap-3 border-b border-zinc-100 px-4 py-3">
        <div>
          <h2 id="drill-title" className="text-sm font-semibold text-zinc-900">
            {drill?.title}
          </h2>
          <p className="text-xs text-zinc-500">
            {list.data ? `${list.data.total.toLocaleString("en")} tickets${list.data.total > list.data.tickets.length ? `, the newest ${list.data.tickets.length} shown` : ""}` : "Loading…"}
          </p>
        </div>
        <Button variant="ghost" size="sm" onClick={() => ref.current?.close()}>
          Close
        </Button>
      </div>
      <div className="max-h-[60vh] overflow-y-auto">
        <Table>
          <thead className="sticky top-0">
            <tr>
              <Th>#</Th>
              <Th>Subject</Th>
              <Th>Status</Th>
              <Th>Priority</Th>
              <Th>Created</Th>
            </tr>
          </thead>
          <tbody>
            {list.data?.tickets.map((t) => (
              <tr key={t.id} className="hover:bg-zinc-50">
                <Td className="tabular-nums text-zinc-500">{t.number}</Td>
                <Td>
                  <Link href={`/tickets/${t.id}`} className="font-medium text-zinc-900 hover:underline">
                    {t.subject}
                  </Link>
                </Td>
                <Td>
                  <StatusBadge status={t.status as TicketStatus} />
                </Td>
                <Td>
                  <PriorityBadge priority={t.priority as TicketPriority} />
                </Td>
                <Td className="whitespace-nowrap text-zinc-500">{t.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
    </dialog>
  );
}

/** A figure that opens its tickets. */
export function DrillNumber({ children, onOpen, label }: { children: React.ReactNode; onOpen: () => void; label: string }) {
  return (
    <button type="button" onClick={onOpen} aria-label={label} className="rounded underline decoration-zinc-300 decoration-dotted underline-offset-4 hover:decoration-zinc-900">
      {children}
    </button>
  );
}
