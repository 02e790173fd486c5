"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { useShortcuts } from "@/components/layout/keyboard";
import { formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { InboxTable } from "@/components/tickets/inbox-table";
import { rememberInboxOrder } from "@/components/tickets/inbox-order";
import { STATUSES } from "@/components/tickets/ticket-badges";
import { useInboxLive } from "@/components/triage/use-inbox-live";
import { Alert } from "@/components/ui/alert";
import { Button, buttonVariants } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Input, Select } from "@/components/ui/input";
import type { TicketSort } from "@/server/tickets/list-tickets";
import { inboxSearch, listInput, parseInboxParams, VIEWS, type InboxParams } from "./inbox-params";

/** The natural direction of each sortable column (a second click flips it). */
const NATURAL: Record<TicketSort, "asc" | "desc"> = {
  updated: "desc",
  newest: "desc",
  oldest: "asc",
  priority: "desc",
  number: "desc",
  subject: "asc",
  customer: "asc",
  status: "asc",
  sla: "asc",
};

export function Inbox({ meId }: { meId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const searchParams = useSearchParams();
  const params = useMemo(() => parseInboxParams(searchParams), [searchParams]);

  // The URL is the filter state: shareable, and the back button undoes a filter change.
  const navigate = (patch: Partial<InboxParams>, replace = false) => {
    const next = { ...params, page: 1, ...patch };
    window.history[replace ? "replaceState" : "pushState"](null, "", `/tickets${inboxSearch(next)}`);
  };

  useInboxLive();
  const list = useQuery({ ...trpc.tickets.list.queryOptions(listInput(params, meId)), placeholderData: keepPreviousData });
  const counts = useQuery({ ...trpc.tickets.viewCounts.queryOptions(), refetchInterval: 60_000 });
  const users = useQuery(trpc.users.assignable.queryOptions());
  const teams = useQuery(trpc.users.teams.queryOptions());
  const categories = useQuery(trpc.taxonomy.categories.queryOptions());
  const categoryLabels = useMemo(() => new Map((categories.data ?? []).map((c) => [c.key, c.label])), [categories.data]);

  const data = list.data;
  const items = data?.items ?? [];
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [cursor, setCursor] = useState(0);
  // A new page or filter starts a new selection.
  const pageKey = JSON.stringify(listInput(params, meId));
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on a new query, not on every render
  useEffect(() => {
    setSelected(new Set());
    setCursor(0);
  }, [pageKey]);
  useEffect(() => rememberInboxOrder(items.map((t) => t.id)), [items]);

  const assignRef = useRef<HTMLSelectElement>(null);
  const categoryRef = useRef<HTMLSelectElement>(null);
  const bulk = useMutation(
    trpc.tickets.bulkUpdate.mutationOptions({
      onSuccess: () => {
        setSelected(new Set());
        return Promise.all([
          queryClient.invalidateQueries(trpc.tickets.list.pathFilter()),
          queryClient.invalidateQueries(trpc.tickets.viewCounts.pathFilter()),
        ]);
      },
    }),
  );
  const targets = selected.size ? [...selected] : items[cursor] ? [items[cursor]!.id] : [];
  const apply = (patch: Parameters<typeof bulk.mutate>[0]["patch"]) => targets.length && bulk.mutate({ ticketIds: targets, patch });

  useShortcuts({
    j: () => setCursor((c) => Math.min(items.length - 1, c + 1)),
    k: () => setCursor((c) => Math.max(0, c - 1)),
    arrowdown: () => setCursor((c) => Math.min(items.length - 1, c + 1)),
    arrowup: () => setCursor((c) => Math.max(0, c - 1)),
    enter: () => items[cursor] && router.push(`/tickets/${items[cursor]!.id}`),
    o: () => items[cursor] && router.push(`/tickets/${items[cursor]!.id}`),
    x: () => {
      const id = items[cursor]?.id;
      if (id) setSelected((s) => toggled(s, id));
    },
    e: () => apply({ status: "solved" }),
    a: () => assignRef.current?.focus(),
    c: () => categoryRef.current?.focus(),
  });
  // Keep the cursor row in view while moving with j/k.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the cursor moves; the row is found in the DOM
  useEffect(() => {
    document.querySelector('[data-testid="ticket-row"][data-current]')?.scrollIntoView({ block: "nearest" });
  }, [cursor]);

  const from = data && data.total > 0 ? (data.page - 1) * data.pageSize + 1 : 0;
  const to = data ? Math.min(data.total, data.page * data.pageSize) : 0;
  const lastPage = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const filtered = params.status.length > 0 || params.assignee || params.team || params.category || params.q;
  const viewCount = (v: (typeof VIEWS)[number]["value"]) => (v === "all" ? undefined : counts.data?.views[v]);
  const dir = params.dir || NATURAL[params.sort];

  return (
    <div className="grid items-start gap-4 lg:grid-cols-[11rem_minmax(0,1fr)]">
      <nav aria-label="Views" className="flex flex-col gap-3 text-sm lg:sticky lg:top-16">
        <ViewList
          items={VIEWS.map((v) => ({ key: v.value, label: v.label, n: viewCount(v.value), on: params.view === v.value && !params.team && !params.category }))}
          onPick={(key) => navigate({ view: key as InboxParams["view"], team: "", category: "", status: [], assignee: "" })}
        />
        {(counts.data?.byTeam.length ?? 0) > 0 && (
          <ViewList
            title="Open by team"
            items={(counts.data?.byTeam ?? []).map((t) => ({ key: t.id, label: t.name, n: t.n, on: params.team === t.id }))}
            onPick={(key) => navigate({ view: "open", team: key, category: "" })}
          />
        )}
        {(counts.data?.byCategory.length ?? 0) > 0 && (
          <ViewList
            title="Open by category"
            items={(counts.data?.byCategory ?? []).map((c) => ({ key: c.key, label: c.label ?? c.key, n: c.n, on: params.category === c.key }))}
            onPick={(key) => navigate({ view: "open", category: key, team: "" })}
          />
        )}
      </nav>

      <div className="flex min-w-0 flex-col gap-3">
        <div className="flex items-center justify-between gap-3">
          <h1 className="text-lg font-semibold tracking-tight">
            {params.q && params.view === "open" ? "Search: all tickets" : (VIEWS.find((v) => v.value === params.view)?.label ?? "Inbox")}
            {params.team && <span className="text-zinc-500"> · {counts.data?.byTeam.find((t) => t.id === params.team)?.name}</span>}
            {params.category && <span className="text-zinc-500"> · {categoryLabels.get(params.category) ?? params.category}</span>}
          </h1>
          <div className="flex items-center gap-2">
            <span className="hidden text-xs text-zinc-500 md:inline">
              Press <kbd className="rounded border border-zinc-200 bg-white px-1 font-mono">?</kbd> for shortcuts
            </span>
            <Link href="/tickets/new" className={buttonVariants({ size: "md" })}>
              New ticket
            </Link>
          </div>
        </div>

        <Card>
          <div className="flex flex-wrap items-center gap-2 border-b border-zinc-100 px-3 py-2.5">
            <SearchBox key={params.view} initial={params.q} onSearch={(q) => navigate({ q }, true)} />
            <div role="group" className="flex items-center gap-1" aria-label="Status">
              {STATUSES.map((s) => {
                const on = params.status.includes(s.value);
                return (
                  <button
                    key={s.value}
                    type="button"
                    aria-pressed={on}
                    onClick={() => navigate({ status: on ? params.status.filter((x) => x !== s.value) : [...params.status, s.value] })}
                    className={cn(
                      "h-7 rounded-md border px-2 text-xs font-medium transition-colors",
                      on ? "border-zinc-900 bg-zinc-900 text-white" : "border-zinc-200 bg-white text-zinc-600 hover:bg-zinc-50",
                    )}
                  >
                    {s.label}
                  </button>
                );
              })}
            </div>
            <Select aria-label="Assignee" className="h-7 w-auto text-xs" value={params.assignee} onChange={(e) => navigate({ assignee: e.target.value })}>
              <option value="">Any assignee</option>
              <option value="me">Assigned to me</option>
              <option value="unassigned">Unassigned</option>
              {(users.data ?? [])
                .filter((u) => u.id !== meId)
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
            </Select>
          </div>

          <div
            role="toolbar"
            aria-label="Bulk actions"
            className={cn("flex flex-wrap items-center gap-2 border-b border-zinc-100 bg-zinc-50/70 px-3 py-2 text-xs", !selected.size && "text-zinc-500")}
          >
            <span className="font-medium" data-testid="bulk-count">
              {selected.size ? `${selected.size} selected` : "Select tickets (x) for bulk actions; they apply to the highlighted ticket otherwise"}
            </span>
            <Select
              ref={assignRef}
              aria-label="Assign selected to"
              className="h-7 w-auto text-xs"
              value=""
              onChange={(e) => e.target.value && apply({ assigneeId: e.target.value === "none" ? null : e.target.value })}
            >
              <option value="">Assign…</option>
              <option value={meId}>Me</option>
              <option value="none">Nobody</option>
              {(users.data ?? [])
                .filter((u) => u.id !== meId)
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
            </Select>
            <Select aria-label="Set team of selected" className="h-7 w-auto text-xs" value="" onChange={(e) => e.target.value && apply({ teamId: e.target.value })}>
              <option value="">Team…</option>
              {(teams.data ?? []).map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </Select>
            <Select
              aria-label="Set status of selected"
              className="h-7 w-auto text-xs"
              value=""
              onChange={(e) => e.target.value && apply({ status: e.target.value as InboxParams["status"][number] })}
            >
              <option value="">Status…</option>
              {STATUSES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </Select>
            <Select ref={categoryRef} aria-label="Set category of selected" className="h-7 w-auto text-xs" value="" onChange={(e) => e.target.value && apply({ category: e.target.value })}>
              <option value="">Category…</option>
              {(categories.data ?? []).map((c) => (
                <option key={c.key} value={c.key}>
                  {c.label}
                </option>
              ))}
            </Select>
            <TagAdder onAdd={(tag) => apply({ addTags: [tag] })} />
            {bulk.isPending && <span className="text-zinc-500">Saving…</span>}
            {bulk.isSuccess && !bulk.isPending && (
              <span className="text-emerald-700" role="status">
                Updated {bulk.data.updated} ticket{bulk.data.updated === 1 ? "" : "s"}
                {bulk.data.corrections ? ` · ${bulk.data.corrections} label${bulk.data.corrections === 1 ? "" : "s"} learned` : ""}
              </span>
            )}
            {bulk.error && <span className="text-red-700">{formError(bulk.error)}</span>}
          </div>

          {list.isError ? (
            <Alert tone="error" className="m-3">
              Could not load tickets: {list.error.message}
            </Alert>
          ) : data && data.items.length === 0 ? (
            <div className="px-4 py-16 text-center text-sm text-zinc-500">
              {data.total > 0 ? (
                <>
                  This page is past the last ticket.{" "}
                  <button type="button" className="font-medium text-indigo-700 hover:underline" onClick={() => navigate({ page: 1 })}>
                    Go to page 1
                  </button>
                </>
              ) : filtered ? (
                <>
                  No tickets match.{" "}
                  <button
                    type="button"
                    className="font-medium text-indigo-700 hover:underline"
                    onClick={() => navigate({ status: [], assignee: "", team: "", category: "", q: "" })}
                  >
                    Clear filters and search
                  </button>
                </>
              ) : params.view === "open" ? (
                "No open tickets. New email and API messages will appear here."
              ) : (
                "Nothing in this view."
              )}
            </div>
          ) : (
            <InboxTable
              tickets={items}
              categoryLabels={categoryLabels}
              busy={list.isPlaceholderData}
              sorting={{
                sort: params.sort,
                dir,
                onSort: (sort) => navigate({ sort, dir: sort === params.sort ? (dir === "asc" ? "desc" : "asc") : "" }),
              }}
              selection={{
                selected,
                cursor,
                toggle: (id) => setSelected((s) => toggled(s, id)),
                toggleAll: () => setSelected((s) => (items.every((t) => s.has(t.id)) ? new Set() : new Set(items.map((t) => t.id)))),
              }}
            />
          )}

          <div className="flex items-center justify-between gap-3 px-3 py-2 text-xs text-zinc-500">
            <span data-testid="inbox-count">{data ? (data.total ? `${from}–${to} of ${data.total.toLocaleString("en")}${data.totalCapped ? "+" : ""}` : "0 tickets") : "Loading…"}</span>
            <div className="flex items-center gap-2">
              <span>
                Page {params.page} of {lastPage}
              </span>
              <Button variant="secondary" size="sm" disabled={params.page <= 1} onClick={() => navigate({ page: params.page - 1 })}>
                Previous
              </Button>
              <Button variant="secondary" size="sm" disabled={params.page >= lastPage} onClick={() => navigate({ page: params.page + 1 })}>
                Next
              </Button>
            </div>
          </div>
        </Card>
      </div>
    </div>
  );
}

function toggled(s: Set<string>, id: string) {
  const next = new Set(s);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

function ViewList({ title, items, onPick }: { title?: string; items: { key: string; label: string; n?: number; on: boolean }[]; onPick: (key: string) => void }) {
  return (
    <div className="flex flex-col gap-0.5">
      {title && <h2 className="px-2 pb-1 text-xs font-medium tracking-wide text-zinc-500 uppercase">{title}</h2>}
      <ul className="flex flex-col gap-0.5">
        {items.map((v) => (
          <li key={v.key}>
            <button
              type="button"
              aria-current={v.on ? "page" : undefined}
              onClick={() => onPick(v.key)}
              className={cn(
                "flex w-full items-center justify-between gap-2 rounded-md px-2 py-1.5 text-left",
                v.on ? "bg-zinc-900 text-white" : "text-zinc-700 hover:bg-zinc-100",
              )}
            >
              <span className="truncate">{v.label}</span>
              {v.n !== undefined && <span className={cn("text-xs tabular-nums", v.on ? "text-zinc-300" : "text-zinc-500")}>{v.n}</span>}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Searches as you type (debounced): subject, message bodies, notes, customer name or email, #number. */
function SearchBox({ initial, onSearch }: { initial: string; onSearch: (q: string) => void }) {
  const [q, setQ] = useState(initial);
  const last = useRef(initial);
  const onSearchRef = useRef(onSearch);
  onSearchRef.current = onSearch;
  useEffect(() => {
    const t = setTimeout(() => {
      if (q.trim() !== last.current) {
        last.current = q.trim();
        onSearchRef.current(q.trim());
      }
    }, 250);
    return () => clearTimeout(t);
  }, [q]);
  return (
    <div role="search" className="flex items-center">
      <Input
        id="inbox-search"
        type="search"
        aria-label="Search tickets: subject, messages, notes, customer or #number"
        placeholder="Search tickets, customers, #123…  ( / )"
        className="h-7 w-72 text-xs"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          // Escape leaves the box for the list (j/k, Enter) and keeps the search; Chrome would clear a search field.
          if (e.key === "Escape") {
            e.preventDefault();
            (e.target as HTMLInputElement).blur();
          }
        }}
      />
    </div>
  );
}

function TagAdder({ onAdd }: { onAdd: (tag: string) => void }) {
  const [tag, setTag] = useState("");
  return (
    <form
      className="flex items-center gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        if (tag.trim()) onAdd(tag.trim().toLowerCase());
        setTag("");
      }}
    >
      <Input aria-label="Add a tag to selected" placeholder="Add tag…" className="h-7 w-28 text-xs" value={tag} maxLength={50} onChange={(e) => setTag(e.target.value)} />
    </form>
  );
}
