import Link from "next/link";
import type { ComponentType } from "react";
import { RelativeTime } from "@/components/layout/relative-time";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { Table, Td, Th } from "@/components/ui/table";
import type { TicketSort } from "@/server/tickets/list-tickets";
import { SlaTimer } from "./sla-timer";
import { formatWait, queuePlaceText } from "@/components/triage/queue-place";
import { PriorityBadge, StatusBadge } from "./ticket-badges";
import type { InboxTicket } from "./types";

const AI_STATE = {
  queued: { label: "Queued", tone: "muted" },
  running: { label: "Triaging…", tone: "blue" },
  done: { label: "Triaged", tone: "green" },
  needs_human: { label: "Needs human", tone: "amber" },
  failed: { label: "Failed", tone: "red" },
} as const;

/** The ticket's latest triage state; a possible prompt injection is called out whatever the state. */
function TriageState({ ticket }: { ticket: InboxTicket }) {
  if (!ticket.ai && ticket.queue) {
    return (
      <span className="whitespace-nowrap" data-testid="ai-state" title={queuePlaceText(ticket.queue)}>
        <Badge tone="muted">{ticket.queue.state === "running" ? "Triaging…" : `Queued${ticket.queue.position ? ` #${ticket.queue.position}` : ""}`}</Badge>
        {ticket.queue.expectedWaitSeconds !== null && ticket.queue.state === "queued" && (
          <span className="block text-xs text-zinc-500">{formatWait(ticket.queue.expectedWaitSeconds)}</span>
        )}
      </span>
    );
  }
  if (!ticket.ai) return <span className="text-zinc-300">—</span>;
  const state = AI_STATE[ticket.ai.status];
  return (
    <span className="flex items-center gap-1 whitespace-nowrap" data-testid="ai-state">
      <Badge tone={state.tone}>{state.label}</Badge>
      {ticket.ai.injection && (
        <Badge tone="red" title="The ticket tried to instruct the model">
          Injection?
        </Badge>
      )}
    </span>
  );
}

export interface InboxSorting {
  sort: TicketSort;
  dir: "asc" | "desc";
  onSort: (sort: TicketSort) => void;
}

export interface InboxSelection {
  selected: Set<string>;
  toggle: (id: string) => void;
  toggleAll: () => void;
  /** The keyboard cursor (j/k). */
  cursor: number;
}

function SortHeader({ label, sort, sorting, className }: { label: string; sort: TicketSort; sorting?: InboxSorting; className?: string }) {
  if (!sorting) return <Th className={className}>{label}</Th>;
  const on = sorting.sort === sort;
  return (
    <Th className={className} aria-sort={on ? (sorting.dir === "asc" ? "ascending" : "descending") : "none"}>
      <button type="button" onClick={() => sorting.onSort(sort)} className={cn("inline-flex items-center gap-1 rounded hover:text-zinc-900", on && "text-zinc-900")}>
        {label}
        <span aria-hidden className={cn("text-[10px]", !on && "opacity-0")}>
          {sorting.dir === "asc" ? "▲" : "▼"}
        </span>
      </button>
    </Th>
  );
}

export function InboxTable({
  tickets,
  categoryLabels,
  aiCell: AiCell = TriageState,
  busy,
  sorting,
  selection,
}: {
  tickets: InboxTicket[];
  categoryLabels: Map<string, string>;
  /** Renders a ticket's triage state (the AI column). */
  aiCell?: ComponentType<{ ticket: InboxTicket }>;
  busy?: boolean;
  sorting?: InboxSorting;
  selection?: InboxSelection;
}) {
  const all = selection && tickets.length > 0 && tickets.every((t) => selection.selected.has(t.id));
  return (
    <Table className={cn("transition-opacity", busy && "opacity-60")} aria-busy={busy}>
      <thead>
        <tr>
          {selection && (
            <Th className="w-8">
              <input type="checkbox" aria-label="Select all tickets on this page" checked={!!all} onChange={selection.toggleAll} className="size-4 align-middle" />
            </Th>
          )}
          <SortHeader label="#" sort="number" sorting={sorting} className="w-16" />
          <SortHeader label="Subject" sort="subject" sorting={sorting} />
          <SortHeader label="Customer" sort="customer" sorting={sorting} />
          <SortHeader label="Status" sort="status" sorting={sorting} />
          <SortHeader label="Priority" sort="priority" sorting={sorting} />
          <Th>Category</Th>
          <Th>Assignee</Th>
          <Th>AI</Th>
          <SortHeader label="SLA" sort="sla" sorting={sorting} />
          <SortHeader label="Last activity" sort="updated" sorting={sorting} className="text-right" />
        </tr>
      </thead>
      <tbody>
        {tickets.map((t, i) => {
          const current = selection?.cursor === i;
          const suggested = !t.category && t.ai?.category ? (categoryLabels.get(t.ai.category) ?? t.ai.category) : null;
          return (
            <tr
              key={t.id}
              className={cn("group hover:bg-zinc-50", current && "bg-zinc-50 shadow-[inset_3px_0_0_var(--color-indigo-500)]")}
              data-testid="ticket-row"
              data-current={current || undefined}
              aria-current={current || undefined}
            >
              {selection && (
                <Td>
                  <input
                    type="checkbox"
                    aria-label={`Select ticket ${t.number}`}
                    checked={selection.selected.has(t.id)}
                    onChange={() => selection.toggle(t.id)}
                    className="size-4 align-middle"
                  />
                </Td>
              )}
              <Td className="font-mono text-xs text-zinc-500 tabular-nums">{t.number}</Td>
              <Td className="max-w-[18rem]">
                <Link href={`/tickets/${t.id}`} className="block truncate font-medium text-zinc-900 group-hover:text-indigo-700 hover:underline">
                  {t.subject}
                </Link>
              </Td>
              <Td className="max-w-[10rem]">
                <div className="truncate text-zinc-800">{t.customerName ?? t.customerEmail ?? "—"}</div>
                {t.customerName && t.customerEmail && <div className="truncate text-xs text-zinc-500">{t.customerEmail}</div>}
              </Td>
              <Td>
                <span className="flex flex-wrap gap-1">
                  <StatusBadge status={t.status} />
                  {t.snoozedUntil && new Date(t.snoozedUntil).getTime() > Date.now() && (
                    <Badge tone="violet">
                      Snoozed
                    </Badge>
                  )}
                </span>
              </Td>
              <Td>
                <PriorityBadge priority={t.priority} />
              </Td>
              <Td className="whitespace-nowrap text-zinc-700">
                {t.category ? (
                  (categoryLabels.get(t.category) ?? t.category)
                ) : suggested ? (
                  <span className="text-zinc-500" title="Proposed by the AI; not yet accepted">
                    {suggested} <span className="text-[10px] font-medium tracking-wide text-violet-700 uppercase">AI</span>
                  </span>
                ) : (
                  <span className="text-zinc-400">—</span>
                )}
              </Td>
              <Td className="whitespace-nowrap">
                {t.assigneeName ? <span className="text-zinc-800">{t.assigneeName}</span> : <span className="text-zinc-500">Unassigned</span>}
                {t.teamName && <div className="text-xs text-zinc-500">{t.teamName}</div>}
              </Td>
              <Td>
                <AiCell ticket={t} />
              </Td>
              <Td className="text-xs">
                <SlaTimer dueAt={t.slaDueAt} firstResponseAt={t.firstResponseAt} />
              </Td>
              <Td className="text-right whitespace-nowrap text-zinc-500">
                <RelativeTime date={t.lastMessageAt} />
              </Td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
