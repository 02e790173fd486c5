"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useMemo, useState, type FormEvent } from "react";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Button, buttonVariants } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Input, Select } from "@/components/ui/input";
import { InboxTable } from "@/components/tickets/inbox-table";
import { STATUSES } from "@/components/tickets/ticket-badges";
import { useInboxLive } from "@/components/triage/use-inbox-live";
import { inboxSearch, listInput, parseInboxParams, SORTS, type InboxParams } from "./inbox-params";

export function Inbox({ meId }: { meId: string }) {
  const trpc = useTRPC();
  const searchParams = useSearchParams();
  const params = useMemo(() => parseInboxParams(searchParams), [searchParams]);

  // The URL is the filter state: shareable, and the back button undoes a filter change.
  const navigate = (patch: Partial<InboxParams>) => {
    const next = { ...params, page: 1, ...patch };
    window.history.pushState(null, "", `/tickets${inboxSearch(next)}`);
  };

  useInboxLive();
  const list = useQuery({ ...trpc.tickets.list.queryOptions(listInput(params, meId)), placeholderData: keepPreviousData });
  const users = useQuery(trpc.users.assignable.queryOptions());
  const teams = useQuery(trpc.users.teams.queryOptions());
  const categories = useQuery(trpc.taxonomy.categories.queryOptions());
  const categoryLabels = useMemo(() => new Map((categories.data ?? []).map((c) => [c.key, c.label])), [categories.data]);

  const data = list.data;
  const from = data && data.total > 0 ? (data.page - 1) * data.pageSize + 1 : 0;
  const to = data ? Math.min(data.total, data.page * data.pageSize) : 0;
  const lastPage = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const filtered = params.status.length > 0 || params.assignee || params.team || params.q;

  return (
    <div className="flex flex-col gap-3">
      <div className="flex items-center justify-between gap-3">
        <h1 className="text-lg font-semibold tracking-tight">Inbox</h1>
        <Link href="/tickets/new" className={buttonVariants({ size: "md" })}>
          New ticket
        </Link>
      </div>

      <Card>
        <div className="flex flex-wrap items-center gap-2 border-b border-zinc-100 px-3 py-2.5">
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
          <Select aria-label="Team" className="h-7 w-auto text-xs" value={params.team} onChange={(e) => navigate({ team: e.target.value })}>
            <option value="">All teams</option>
            {(teams.data ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </Select>
          <SearchBox key={params.q} initial={params.q} onSearch={(q) => navigate({ q })} />
          <label className="ml-auto flex items-center gap-1.5 text-xs text-zinc-500">
            Sort
            <Select className="h-7 w-auto text-xs" value={params.sort} onChange={(e) => navigate({ sort: e.target.value as InboxParams["sort"] })}>
              {SORTS.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </Select>
          </label>
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
                No tickets match these filters.{" "}
                <button type="button" className="font-medium text-indigo-700 hover:underline" onClick={() => navigate({ status: [], assignee: "", team: "", q: "" })}>
                  Clear filters
                </button>
              </>
            ) : (
              "No tickets yet. New email and API messages will appear here."
            )}
          </div>
        ) : (
          <InboxTable tickets={data?.items ?? []} categoryLabels={categoryLabels} busy={list.isPlaceholderData} />
        )}

        <div className="flex items-center justify-between gap-3 px-3 py-2 text-xs text-zinc-500">
          <span data-testid="inbox-count">{data ? (data.total ? `${from}–${to} of ${data.total}` : "0 tickets") : "Loading…"}</span>
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
  );
}

function SearchBox({ initial, onSearch }: { initial: string; onSearch: (q: string) => void }) {
  const [q, setQ] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(q.trim());
  };
  return (
    <form role="search" onSubmit={submit} className="flex items-center">
      <Input
        type="search"
        aria-label="Search subject or customer email"
        placeholder="Search subject or email…"
        className="h-7 w-60 text-xs"
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
    </form>
  );
}
