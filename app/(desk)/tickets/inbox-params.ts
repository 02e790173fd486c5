import { z } from "zod";
import type { TicketStatus } from "@/db/schema";
import { STATUSES } from "@/components/tickets/ticket-badges";

/** The inbox's filters as they live in the URL (?status=new,open&assignee=me&team=…&q=…&sort=…&page=…). */
export interface InboxParams {
  status: TicketStatus[];
  /** "me", "unassigned", a user id, or empty for anyone. */
  assignee: string;
  team: string;
  q: string;
  sort: "updated" | "newest" | "oldest" | "priority";
  page: number;
}

export const SORTS: { value: InboxParams["sort"]; label: string }[] = [
  { value: "updated", label: "Last activity" },
  { value: "newest", label: "Newest" },
  { value: "oldest", label: "Oldest" },
  { value: "priority", label: "Priority" },
];

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
  const assignee = read(raw, "assignee");
  const team = read(raw, "team");
  const sort = read(raw, "sort");
  const page = Number.parseInt(read(raw, "page"), 10);
  return {
    status: read(raw, "status")
      .split(",")
      .filter((s): s is TicketStatus => statuses.has(s)),
    assignee: assignee === "me" || assignee === "unassigned" || uuid.safeParse(assignee).success ? assignee : "",
    team: uuid.safeParse(team).success ? team : "",
    q: read(raw, "q").slice(0, 200),
    sort: SORTS.some((s) => s.value === sort) ? (sort as InboxParams["sort"]) : "updated",
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

export function inboxSearch(p: InboxParams): string {
  const qs = new URLSearchParams();
  if (p.status.length) qs.set("status", p.status.join(","));
  if (p.assignee) qs.set("assignee", p.assignee);
  if (p.team) qs.set("team", p.team);
  if (p.q) qs.set("q", p.q);
  if (p.sort !== "updated") qs.set("sort", p.sort);
  if (p.page > 1) qs.set("page", String(p.page));
  const s = qs.toString();
  return s ? `?${s}` : "";
}

/** The tickets.list input; the server and the browser build the same one, so prefetched data is reused. */
export function listInput(p: InboxParams, meId: string) {
  return {
    status: p.status.length ? p.status : undefined,
    assignee: p.assignee === "me" ? meId : p.assignee || undefined,
    teamId: p.team || undefined,
    q: p.q.trim() || undefined,
    sort: p.sort,
    page: p.page,
    pageSize: PAGE_SIZE,
  };
}
