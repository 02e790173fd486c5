"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useShortcuts } from "@/components/layout/keyboard";
import { DateTime } from "@/components/layout/relative-time";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { neighbourTicket } from "@/components/tickets/inbox-order";
import { SlaTimer } from "@/components/tickets/sla-timer";
import { PriorityBadge, StatusBadge } from "@/components/tickets/ticket-badges";
import { SnoozeControl } from "@/components/tickets/snooze-control";
import { TicketComposer } from "@/components/tickets/ticket-composer";
import { TicketPresence } from "@/components/tickets/ticket-presence";
import { TicketSidePanel } from "@/components/tickets/ticket-side-panel";
import { TicketThread } from "@/components/tickets/ticket-thread";

const channelLabel = { email: "Email", web: "Web form", api: "API", webhook: "Helpdesk sync", manual: "Entered by hand" } as const;

export function TicketView({ ticketId }: { ticketId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const ticket = useQuery({
    ...trpc.tickets.get.queryOptions({ ticketId }),
    // A reply on its way: watch its delivery state until the worker settles it (sent, or failed with a resend).
    refetchInterval: (q) => (q.state.data?.messages.some((m) => m.deliveryStatus === "queued") ? 2000 : false),
  });
  const solve = useMutation(
    trpc.tickets.update.mutationOptions({
      onSuccess: () =>
        Promise.all([
          queryClient.invalidateQueries(trpc.tickets.get.queryFilter({ ticketId })),
          queryClient.invalidateQueries(trpc.tickets.list.pathFilter()),
        ]),
    }),
  );
  const go = (step: 1 | -1) => {
    const next = neighbourTicket(ticketId, step);
    if (next) router.push(`/tickets/${next}`);
  };
  useShortcuts({
    e: () => solve.mutate({ ticketId, status: "solved" }),
    a: () => document.getElementById("ticket-assignee")?.focus(),
    c: () => document.getElementById("ticket-category")?.focus(),
    j: () => go(1),
    k: () => go(-1),
  });
  if (ticket.isError) return <Alert tone="error">Could not load this ticket: {ticket.error.message}</Alert>;
  const t = ticket.data;
  if (!t) return <p className="text-sm text-zinc-500">Loading…</p>;

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-col gap-1.5">
        <Link href="/tickets" className="text-xs font-medium text-zinc-500 hover:text-zinc-800">
          ← Inbox
        </Link>
        <h1 className="text-lg leading-snug font-semibold tracking-tight">
          <span className="mr-2 font-mono text-base font-normal text-zinc-500">#{t.number}</span>
          {t.subject}
        </h1>
        <div className="flex flex-wrap items-center gap-2 text-xs text-zinc-500">
          <StatusBadge status={t.status} />
          <PriorityBadge priority={t.priority} />
          <Badge tone="muted">{channelLabel[t.channel]}</Badge>
          <span>
            Opened <DateTime date={t.createdAt} />
          </span>
          {t.assigneeName && <span>· Assigned to {t.assigneeName}</span>}
          {t.slaDueAt && (
            <span>
              · SLA <SlaTimer dueAt={t.slaDueAt} firstResponseAt={t.firstResponseAt} />
            </span>
          )}
          <SnoozeControl ticketId={t.id} snoozedUntil={t.snoozedUntil} disabled={t.status === "solved" || t.status === "closed"} />
        </div>
        <TicketPresence ticketId={t.id} />
      </div>

      <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,1fr)_320px]">
        <div className="flex min-w-0 flex-col gap-4">
          <TicketThread ticket={t} />
          <TicketComposer
            ticketId={t.id}
            customerEmail={t.customer?.email ?? null}
            category={t.category}
            latestInboundId={t.messages.findLast((m) => m.direction === "inbound")?.id ?? null}
          />
        </div>
        <TicketSidePanel ticket={t} />
      </div>
    </div>
  );
}
