import { z } from "zod";
import type { TicketStatus } from "@/db/schema";
import { STATUSES } from "@/components/tickets/ticket-badges";
import type { TicketSort, TicketView } from "@/server/tickets/list-tickets";

/** The inbox's state as it lives in the URL (?view=mine&status=…&team=…&category=…&q=…&sort=…&dir=…&page=…). */
export interface InboxParams {
  view: TicketView;
  status: TicketStatus[];
  /** "me", "unassigned", a user id, or empty for anyone. */
  assignee: string;
  team: string;
  category: string;
  q: string;
  sort: TicketSort;
  dir: "asc" | "desc" | "";
  page: number;
}

export const VIEWS: { value: TicketView; label: string }[] = [
  { value: "open", label: "Open work" },
  { value: "mine", label: "Mine" },
  { value: "mentions", label: "Mentions" },
  { value: "unassigned", label: "Unassigned" },
  { value: "needs_human", label: "Needs human" },
  { value: "flagged", label: "Flagged" },
  { value: "sla_risk", label: "SLA at risk" },
  { value: "snoozed", label: "Snoozed" },
  { value: "all", label: "All tickets" },
];

const SORT_VALUES: TicketSort[] = ["updated", "newest", "oldest", "priority", "number", "subject", "customer", "status", "sla"];

export const PAGE_SIZE = 25;

const uuid = z.uuid();
const statuses = new Set<string>(STATUSES.map((s) => s.value));

type Raw = Record<string, string | string[] | undefined> | URLSearchParams;

const read = (raw: Raw, key: string) => {
  const v = raw instanceof URLSearchParams ? raw.get(key) : raw[key];
  return (Array.isArray(v) ? v[0] : v) ?? "";
};

/** Tolerant: a hand-edited or stale URL drops the parts it cannot use rather than failing. */
export function parseInboxParams(raw: Raw): InboxParams {
  const view = read(raw, "view");
  const assignee = read(raw, "assignee");
  const team = read(raw, "team");
  const sort = read(raw, "sort");
  const dir = read(raw, "dir");
  const page = Number.parseInt(read(raw, "page"), 10);
  return {
    view: VIEWS.some((v) => v.value === view) ? (view as TicketView) : "open",
    status: read(raw, "status")
      .split(",")
      .filter((s): s is TicketStatus => statuses.has(s)),
    assignee: assignee === "me" || assignee === "unassigned" || uuid.safeParse(assignee).success ? assignee : "",
    team: uuid.safeParse(team).success ? team : "",
    category: read(raw, "category").slice(0, 100),
    q: read(raw, "q").slice(0, 200),
    sort: SORT_VALUES.includes(sort as TicketSort) ? (sort as TicketSort) : "updated",
    dir: dir === "asc" || dir === "desc" ? dir : "",
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

export function inboxSearch(p: InboxParams): string {
  const qs = new URLSearchParams();
  if (p.view !== "open") qs.set("view", p.view);
  if (p.status.length) qs.set("status", p.status.join(","));
  if (p.assignee) qs.set("assignee", p.assignee);
  if (p.team) qs.set("team", p.team);
  if (p.category) qs.set("category", p.category);
  if (p.q) qs.set("q", p.q);
  if (p.sort !== "updated") qs.set("sort", p.sort);
  if (p.dir) qs.set("dir", p.dir);
  if (p.page > 1) qs.set("page", String(p.page));
  const s = qs.toString();
  return s ? `?${s}` : "";
}

/** The tickets.list input; the server and the browser build the same one, so prefetched data is reused. */
export function listInput(p: InboxParams, meId: string) {
  return {
    // A search from the default view looks through every ticket (solved ones too); from another view, within it.
    view: p.q.trim() && p.view === "open" ? ("all" as const) : p.view,
    status: p.status.length ? p.status : undefined,
    assignee: p.assignee === "me" ? meId : p.assignee || undefined,
    teamId: p.team || undefined,
    category: p.category || undefined,
    q: p.q.trim() || undefined,
    sort: p.sort,
    dir: p.dir || undefined,
    page: p.page,
    pageSize: PAGE_SIZE,
  };
}
