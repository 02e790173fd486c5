"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type KeyboardEvent } from "react";
import type { TRPCClientErrorLike } from "@trpc/client";
import type { TicketPriority, TicketStatus } from "@/db/schema";
import type { AppRouter } from "@/server/trpc/root";
import { fieldErrors, formError } from "@/components/layout/trpc-errors";
import { useTRPC, useTRPCClient } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { PRIORITIES, STATUSES } from "./ticket-badges";
import type { TicketDetail } from "./types";
import type { TicketPatch } from "@/server/learning/update-ticket";

/** The ticket's editable fields. Each change saves at once, as in most helpdesks; there is no form to submit. */
export function TicketProperties({ ticket }: { ticket: TicketDetail }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.users.assignable.queryOptions());
  const teams = useQuery(trpc.users.teams.queryOptions());
  const categories = useQuery(trpc.taxonomy.categories.queryOptions());
  const client = useTRPCClient();
  const update = useMutation<unknown, TRPCClientErrorLike<AppRouter>, { ticketId: string } & TicketPatch>({
    // The server records a category, priority, team or tags an agent sets as a verified label, with the change.
    mutationFn: (vars) => client.tickets.update.mutate(vars),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries(trpc.tickets.get.queryFilter({ ticketId: ticket.id })),
        queryClient.invalidateQueries(trpc.tickets.list.pathFilter()),
        queryClient.invalidateQueries(trpc.learning.ticketFeedback.queryFilter({ ticketId: ticket.id })),
      ]),
  });
  const save = (patch: TicketPatch) => update.mutate({ ticketId: ticket.id, ...patch });
  // While a change saves, show the chosen value rather than snapping back to the stored one.
  const saving: TicketPatch = update.isPending ? update.variables : {};
  const shown = <K extends keyof TicketPatch>(key: K, stored: NonNullable<TicketPatch[K]> | null) => (key in saving ? saving[key] : stored);
  const errors = fieldErrors(update.error);
  const general = formError(update.error);

  const assignees = users.data ?? [];
  // A deactivated assignee is no longer offered but must still show as the current value.
  const missingAssignee = ticket.assigneeId && !assignees.some((u) => u.id === ticket.assigneeId);
  const missingCategory = ticket.category && !(categories.data ?? []).some((c) => c.key === ticket.category);

  return (
    <Card aria-busy={update.isPending}>
      <CardHeader>
        <CardTitle>Properties</CardTitle>
        {update.isPending ? <span className="text-xs text-zinc-400">Saving…</span> : update.isSuccess ? <span className="text-xs text-emerald-600">Saved</span> : null}
      </CardHeader>
      <CardBody className="flex flex-col gap-3">
        {general && <Alert tone="error">{general}</Alert>}
        <div className="grid grid-cols-2 gap-3">
          <Field label="Status" htmlFor="ticket-status" error={errors.status}>
            <Select id="ticket-status" value={shown("status", ticket.status) ?? ticket.status} onChange={(e) => save({ status: e.target.value as TicketStatus })}>
              {STATUSES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Priority" htmlFor="ticket-priority" error={errors.priority}>
            <Select id="ticket-priority" value={shown("priority", ticket.priority) ?? ticket.priority} onChange={(e) => save({ priority: e.target.value as TicketPriority })}>
              {PRIORITIES.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <Field label="Category" htmlFor="ticket-category" error={errors.category}>
          <Select id="ticket-category" value={shown("category", ticket.category) ?? ""} onChange={(e) => save({ category: e.target.value || null })}>
            <option value="">No category</option>
            {missingCategory && <option value={ticket.category!}>{ticket.category}</option>}
            {(categories.data ?? []).map((c) => (
              <option key={c.key} value={c.key} title={c.description}>
                {c.label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Assignee" htmlFor="ticket-assignee" error={errors.assigneeId}>
          <Select id="ticket-assignee" value={shown("assigneeId", ticket.assigneeId) ?? ""} onChange={(e) => save({ assigneeId: e.target.value || null })}>
            <option value="">Unassigned</option>
            {missingAssignee && <option value={ticket.assigneeId!}>{ticket.assigneeName ?? "Former user"}</option>}
            {assignees.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Team" htmlFor="ticket-team" error={errors.teamId}>
          <Select id="ticket-team" value={shown("teamId", ticket.teamId) ?? ""} onChange={(e) => save({ teamId: e.target.value || null })}>
            <option value="">No team</option>
            {(teams.data ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </Select>
        </Field>
        <TagEditor tags={shown("tags", ticket.tags) ?? ticket.tags} error={errors.tags} onChange={(tags) => save({ tags })} />
      </CardBody>
    </Card>
  );
}

function TagEditor({ tags, error, onChange }: { tags: string[]; error?: string; onChange: (tags: string[]) => void }) {
  const [draft, setDraft] = useState("");
  const add = () => {
    const tag = draft.trim().toLowerCase();
    setDraft("");
    if (tag && !tags.includes(tag)) onChange([...tags, tag]);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter" || e.key === ",") {
      e.preventDefault();
      add();
    } else if (e.key === "Backspace" && !draft && tags.length) {
      onChange(tags.slice(0, -1));
    }
  };
  return (
    <Field label="Tags" htmlFor="ticket-tags" error={error}>
      <div className="flex flex-wrap items-center gap-1" data-testid="ticket-tags">
        {tags.map((t) => (
          <span key={t} className="inline-flex items-center gap-1 rounded bg-zinc-100 py-0.5 pr-1 pl-1.5 text-xs text-zinc-700">
            {t}
            <button type="button" aria-label={`Remove tag ${t}`} className="rounded px-0.5 text-zinc-400 hover:bg-zinc-200 hover:text-zinc-800" onClick={() => onChange(tags.filter((x) => x !== t))}>
              ×
            </button>
          </span>
        ))}
      </div>
      <Input id="ticket-tags" placeholder="Add a tag and press Enter" value={draft} maxLength={50} onChange={(e) => setDraft(e.target.value)} onKeyDown={onKeyDown} onBlur={add} />
    </Field>
  );
}
