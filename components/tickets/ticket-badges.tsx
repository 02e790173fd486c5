import type { TicketPriority, TicketStatus } from "@/db/schema";
import { Badge } from "@/components/ui/badge";

export const STATUSES: { value: TicketStatus; label: string }[] = [
  { value: "new", label: "New" },
  { value: "open", label: "Open" },
  { value: "pending", label: "Pending" },
  { value: "solved", label: "Solved" },
  { value: "closed", label: "Closed" },
];

export const PRIORITIES: { value: TicketPriority; label: string }[] = [
  { value: "low", label: "Low" },
  { value: "normal", label: "Normal" },
  { value: "high", label: "High" },
  { value: "urgent", label: "Urgent" },
];

const statusTone = { new: "blue", open: "amber", pending: "violet", solved: "green", closed: "muted" } as const;
const priorityTone = { low: "muted", normal: "neutral", high: "orange", urgent: "red" } as const;

const labelOf = <T extends string>(list: { value: T; label: string }[], value: T) => list.find((o) => o.value === value)?.label ?? value;

export function StatusBadge({ status }: { status: TicketStatus }) {
  return (
    <Badge tone={statusTone[status]} data-testid="status-badge">
      {labelOf(STATUSES, status)}
    </Badge>
  );
}

export function PriorityBadge({ priority }: { priority: TicketPriority }) {
  return (
    <Badge tone={priorityTone[priority]} data-testid="priority-badge">
      {priority === "urgent" && <span aria-hidden>▲</span>}
      {labelOf(PRIORITIES, priority)}
    </Badge>
  );
}
