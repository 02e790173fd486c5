import Link from "next/link";
import type { ComponentType } from "react";
import { RelativeTime } from "@/components/layout/relative-time";
import { cn } from "@/components/ui/cn";
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
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
          <span className="ml-1 text-xs text-zinc-500">{formatWait(ticket.queue.expectedWaitSeconds)}</span>
        )}
      </span>
    );
  }
  if (!ticket.ai) return <span className="text-zinc-300">—</span>;
  const state = AI_STATE[ticket.ai.status];
  return (
    <span className="flex items-center gap-1 whitespace-nowrap" data-testid="ai-state">
      <Badge tone={state.tone}>{state.label}</Badge>
      {ticket.ai.injection && <Badge tone="red" title="The ticket tried to instruct the model">Injection?</Badge>}
    </span>
  );
}

export function InboxTable({
  tickets,
  categoryLabels,
  aiCell: AiCell = TriageState,
  busy,
}: {
  tickets: InboxTicket[];
  categoryLabels: Map<string, string>;
  /** Renders a ticket's triage state (the AI column). */
  aiCell?: ComponentType<{ ticket: InboxTicket }>;
  busy?: boolean;
}) {
  return (
    <Table className={cn("transition-opacity", busy && "opacity-60")} aria-busy={busy}>
      <thead>
        <tr>
          <Th className="w-16">#</Th>
          <Th>Subject</Th>
          <Th>Customer</Th>
          <Th>Status</Th>
          <Th>Priority</Th>
          <Th>Category</Th>
          <Th>Assignee</Th>
          <Th>AI</Th>
          <Th className="text-right">Last activity</Th>
        </tr>
      </thead>
      <tbody>
        {tickets.map((t) => (
          <tr key={t.id} className="group hover:bg-zinc-50" data-testid="ticket-row">
            <Td className="font-mono text-xs text-zinc-500 tabular-nums">{t.number}</Td>
            <Td className="max-w-[28rem]">
              <Link href={`/tickets/${t.id}`} className="block truncate font-medium text-zinc-900 group-hover:text-indigo-700 hover:underline">
                {t.subject}
              </Link>
            </Td>
            <Td className="max-w-[14rem]">
              <div className="truncate text-zinc-800">{t.customerName ?? t.customerEmail ?? "—"}</div>
              {t.customerName && t.customerEmail && <div className="truncate text-xs text-zinc-500">{t.customerEmail}</div>}
            </Td>
            <Td>
              <StatusBadge status={t.status} />
            </Td>
            <Td>
              <PriorityBadge priority={t.priority} />
            </Td>
            <Td className="whitespace-nowrap text-zinc-700">
              {t.category ? (categoryLabels.get(t.category) ?? t.category) : <span className="text-zinc-400">—</span>}
            </Td>
            <Td className="whitespace-nowrap">
              {t.assigneeName ? <span className="text-zinc-800">{t.assigneeName}</span> : <span className="text-zinc-400">Unassigned</span>}
              {t.teamName && <div className="text-xs text-zinc-500">{t.teamName}</div>}
            </Td>
            <Td>
              <AiCell ticket={t} />
            </Td>
            <Td className="text-right whitespace-nowrap text-zinc-500">
              <RelativeTime date={t.lastMessageAt} />
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
