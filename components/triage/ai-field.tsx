"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { PRIORITIES } from "@/components/tickets/ticket-badges";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Input, Select, Textarea } from "@/components/ui/input";
import type { TriageFieldInfo, TriageFieldsInfo } from "@/db/schema";

type Field = "category" | "priority" | "sentiment" | "language" | "summary" | "tags";

export interface AiValues {
  category: string | null;
  priority: string | null;
  sentiment: string | null;
  language: string | null;
  summary: string | null;
  tags: string[] | null;
  /** Per field: where the value came from and whether the product can stand behind it (server/triage/decide-fields.ts). */
  fields?: TriageFieldsInfo | null;
}

const SOURCES: Record<TriageFieldInfo["source"], string> = {
  learner: "from the classifier trained on your verified tickets",
  library: "from a language-identification library",
  rules: "kept from the ticket (no verified priorities to learn from yet)",
  slm: "the small model's guess",
  extractive: "quoted from the ticket",
  none: "",
};
const sourceTitle = (info?: TriageFieldInfo) => (info ? [SOURCES[info.source], info.reason].filter(Boolean).join(" · ") : "from an older triage");

const SENTIMENTS = ["negative", "neutral", "positive"];
const LANGUAGE_NAMES = new Intl.DisplayNames(["en"], { type: "language" });
const languageName = (code: string) => {
  try {
    return LANGUAGE_NAMES.of(code) ?? code;
  } catch {
    return code;
  }
};
const tagsValue = (tags: readonly string[]) => [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))].sort().join(", ");
// A calibrated 0.998 is not certainty: "100%" would claim the one thing no learner can.
const pct = (x: number) => (x >= 0.995 ? ">99%" : `${Math.round(x * 100)}%`);

/**
 * Each AI field with accept / change inline. Nothing the AI proposed is on the ticket until an agent accepts it;
 * accepting counts as a verified label, changing records the AI's value beside the agent's. Both go through
 * learning.accept / learning.correct, which change the ticket and record the correction in one transaction.
 */
export function AiFields({ ticketId, ai, categoryLabels }: { ticketId: string; ai: AiValues; categoryLabels: Map<string, string> }) {
  const trpc = useTRPC();
  const ticket = useQuery(trpc.tickets.get.queryOptions({ ticketId }));
  const feedback = useQuery(trpc.learning.ticketFeedback.queryOptions({ ticketId }));
  const t = ticket.data;
  if (!t) return null;
  const verified = new Map((feedback.data?.verified ?? []).map((v) => [v.field, v.finalValue]));
  const current: Record<Field, string | null> = {
    category: t.category,
    priority: t.priority,
    sentiment: t.sentiment,
    language: t.language,
    summary: t.summary,
    tags: t.tags.length ? tagsValue(t.tags) : null,
  };
  const proposed: Record<Field, string | null> = {
    category: ai.category,
    priority: ai.priority,
    sentiment: ai.sentiment,
    language: ai.language,
    summary: ai.summary,
    tags: ai.tags?.length ? tagsValue(ai.tags) : null,
  };
  const show: Record<Field, (v: string) => string> = {
    category: (v) => categoryLabels.get(v) ?? v,
    priority: (v) => PRIORITIES.find((p) => p.value === v)?.label ?? v,
    sentiment: (v) => v.charAt(0).toUpperCase() + v.slice(1),
    language: languageName,
    summary: (v) => v,
    tags: (v) => v,
  };
  const rows: { field: Field; label: string; info?: TriageFieldInfo }[] = [
    { field: "category", label: "Category", info: ai.fields?.category },
    { field: "priority", label: "Priority", info: ai.fields?.priority },
    { field: "sentiment", label: "Sentiment", info: ai.fields?.sentiment },
    { field: "language", label: "Language", info: ai.fields?.language },
    { field: "tags", label: "Tags" },
    { field: "summary", label: "Summary", info: ai.fields?.summary },
  ];
  return (
    <ul className="flex flex-col divide-y divide-zinc-100" aria-label="AI suggestions">
      {rows
        .filter((r) => proposed[r.field] !== null)
        .map((r) => (
          <AiFieldRow
            key={r.field}
            ticketId={ticketId}
            field={r.field}
            label={r.label}
            info={r.info}
            proposed={proposed[r.field]!}
            current={current[r.field]}
            verified={verified.get(r.field) ?? null}
            show={show[r.field]}
            options={
              r.field === "category"
                ? [...categoryLabels].map(([value, label]) => ({ value, label }))
                : r.field === "priority"
                  ? PRIORITIES
                  : r.field === "sentiment"
                    ? SENTIMENTS.map((s) => ({ value: s, label: show.sentiment(s) }))
                    : null
            }
          />
        ))}
    </ul>
  );
}

function AiFieldRow({
  ticketId,
  field,
  label,
  info,
  proposed,
  current,
  verified,
  show,
  options,
}: {
  ticketId: string;
  field: Field;
  label: string;
  info?: TriageFieldInfo;
  proposed: string;
  current: string | null;
  verified: string | null;
  show: (v: string) => string;
  options: { value: string; label: string }[] | null;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(current ?? proposed);
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.tickets.get.queryFilter({ ticketId })),
      queryClient.invalidateQueries(trpc.learning.ticketFeedback.queryFilter({ ticketId })),
      queryClient.invalidateQueries(trpc.tickets.list.pathFilter()),
    ]);
  const accept = useMutation(trpc.learning.accept.mutationOptions({ onSuccess: refresh }));
  const correct = useMutation(
    trpc.learning.correct.mutationOptions({
      onSuccess: async () => {
        setEditing(false);
        await refresh();
      },
    }),
  );
  const busy = accept.isPending || correct.isPending;
  const error = formError(accept.error ?? correct.error);
  // Verified when a correction for this field stands and the ticket still holds that value.
  const isVerified = verified !== null && verified === current;
  const changed = isVerified && current !== proposed;
  const long = field === "summary";
  const save = () => value.trim() && correct.mutate({ ticketId, field, value: value.trim() });
  const actions = (
    <span className="flex w-full items-center justify-end gap-1">
      {isVerified ? (
        <span className={cn("mr-auto text-xs", changed ? "text-indigo-700" : "text-emerald-700")}>{changed ? "Corrected" : "✓ Accepted"}</span>
      ) : (
        <Button size="sm" variant="secondary" disabled={busy} onClick={() => accept.mutate({ ticketId, field })} aria-label={`Accept ${label.toLowerCase()}`}>
          Accept
        </Button>
      )}
      <Button
        size="sm"
        variant="ghost"
        disabled={busy}
        onClick={() => {
          setValue(current ?? proposed);
          setEditing(true);
        }}
        aria-label={`Change ${label.toLowerCase()}`}
      >
        Change
      </Button>
    </span>
  );

  return (
    <li className="flex flex-col gap-1 py-1.5" data-testid={`ai-field-${field}`} data-state={isVerified ? (changed ? "changed" : "accepted") : "proposed"}>
      <div className={cn("flex gap-2", long ? "flex-col" : "items-baseline")}>
        <span className="w-20 shrink-0 text-xs text-zinc-500">{label}</span>
        <span className={cn("min-w-0 flex-1 text-zinc-900 [overflow-wrap:anywhere]", long ? "text-sm leading-snug" : "font-medium")}>
          {changed ? (
            <>
              {show(current!)} <s className="font-normal text-zinc-500" title="What the AI proposed">{show(proposed)}</s>
            </>
          ) : (
            show(isVerified ? current! : proposed)
          )}
          {!isVerified && current !== null && current !== proposed && !long && (
            <span className="block truncate text-xs font-normal text-zinc-500">Ticket: {show(current)}</span>
          )}
        </span>
        {/* Only a calibrated probability is shown as a number; otherwise "unsure" or nothing. Never the model's own. */}
        {!isVerified && info?.unsure && (
          <span className="shrink-0 text-right text-xs text-amber-700" title={sourceTitle(info)}>
            unsure
          </span>
        )}
        {!long && !isVerified && info && !info.unsure && info.confidence !== null && (
          <span
            className="shrink-0 text-right text-xs text-zinc-500 tabular-nums"
            title={`${sourceTitle(info)} · calibrated: of the answers given at ${pct(info.confidence)}, about that share was right on held-out tickets`}
          >
            {pct(info.confidence)}
          </span>
        )}
        {!isVerified && info?.source === "extractive" && <span className="shrink-0 text-xs text-zinc-400">(quoted from the ticket)</span>}
      </div>
      {editing ? (
        <form
          className="flex flex-col gap-1.5"
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              e.stopPropagation();
              setEditing(false);
            }
          }}
        >
          {options ? (
            <Select aria-label={`${label} (your value)`} autoFocus value={value} onChange={(e) => setValue(e.target.value)} className="h-7 text-xs">
              {options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          ) : long ? (
            <Textarea aria-label={`${label} (your value)`} autoFocus rows={3} value={value} onChange={(e) => setValue(e.target.value)} className="min-h-16 text-xs" />
          ) : (
            <Input
              aria-label={`${label} (your value)`}
              autoFocus
              value={value}
              onChange={(e) => setValue(e.target.value)}
              className="h-7 text-xs"
              placeholder={field === "language" ? "ISO code, e.g. en, de" : "comma-separated"}
            />
          )}
          <div className="flex justify-end gap-1">
            <Button size="sm" variant="ghost" onClick={() => setEditing(false)}>
              Cancel
            </Button>
            <Button size="sm" type="submit" disabled={busy || !value.trim()}>
              Save
            </Button>
          </div>
        </form>
      ) : (
        <div className="flex items-center justify-end gap-1">{actions}</div>
      )}
      {error && <p className="text-xs text-red-700">{error}</p>}
    </li>
  );
}
