"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useMemo, useState } from "react";
import { formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import type { TriageFieldInfo } from "@/db/schema";
import { sendDraftToComposer } from "./draft-bus";
import { queuePlaceText } from "./queue-place";

type Status = "queued" | "running" | "done" | "needs_human" | "failed";

const STATUS: Record<Status, { label: string; tone: "muted" | "blue" | "green" | "amber" | "red" }> = {
  queued: { label: "Queued", tone: "muted" },
  running: { label: "Triaging…", tone: "blue" },
  done: { label: "Triaged", tone: "green" },
  needs_human: { label: "Needs human triage", tone: "amber" },
  failed: { label: "Failed", tone: "red" },
};

const WARN = "border-amber-200 bg-amber-50 text-amber-900";
const pct = (x: number | undefined) => (x === undefined ? "" : `${Math.round(x * 100)}%`);

/**
 * The AI side of a ticket: triage status, the labels with their confidence, flags, the summary and the draft reply,
 * all updated live from the worker (tRPC subscription over SSE). Suggestions only: nothing is sent from here.
 */
export function TriagePanel({ ticketId }: { ticketId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const latest = useQuery(trpc.triage.latest.queryOptions({ ticketId }));
  const waiting = !latest.data || latest.data.status === "queued";
  // The place moves as others finish: refreshed while this ticket waits.
  const queue = useQuery({ ...trpc.triage.queue.queryOptions({ ticketId }), enabled: latest.isSuccess && waiting, refetchInterval: 10_000 });
  const categories = useQuery(trpc.taxonomy.categories.queryOptions());
  const labels = useMemo(() => new Map((categories.data ?? []).map((c) => [c.key, c.label])), [categories.data]);
  const [live, setLive] = useState<{ resultId: string; text: string; nextSeq: number; drafting: boolean } | null>(null);

  useSubscription(
    trpc.triage.onTicket.subscriptionOptions(
      { ticketId },
      {
        onData: (e) => {
          if (e.type === "draft") {
            setLive((cur) => {
              const base = cur && cur.resultId === e.resultId ? cur : { resultId: e.resultId, text: "", nextSeq: 0, drafting: true };
              // Pieces arrive in order; one that does not follow means we joined mid-stream: the stored draft will replace it.
              if (e.seq !== base.nextSeq) return { ...base, nextSeq: e.seq + 1 };
              return { resultId: e.resultId, text: base.text + e.text, nextSeq: e.seq + 1, drafting: !e.done };
            });
            if (e.done) void queryClient.invalidateQueries(trpc.triage.latest.queryFilter({ ticketId }));
          } else if (e.type === "triage") {
            if (e.phase === "draft" && e.status !== "queued") setLive((cur) => (cur?.resultId === e.resultId ? cur : { resultId: e.resultId, text: "", nextSeq: 0, drafting: true }));
            void queryClient.invalidateQueries(trpc.triage.latest.queryFilter({ ticketId }));
            void queryClient.invalidateQueries(trpc.triage.queue.queryFilter({ ticketId }));
            if (e.status === "done" || e.status === "needs_human") void queryClient.invalidateQueries(trpc.tickets.get.queryFilter({ ticketId }));
          }
        },
      },
    ),
  );

  const retry = useMutation(
    trpc.triage.retry.mutationOptions({
      onSuccess: () => {
        setLive(null);
        void queryClient.invalidateQueries(trpc.triage.queue.queryFilter({ ticketId }));
        return queryClient.invalidateQueries(trpc.triage.latest.queryFilter({ ticketId }));
      },
    }),
  );

  const r = latest.data;
  const status = (r?.status ?? null) as Status | null;
  // Once the checked draft is stored it replaces the stream: the model's text may have been rejected.
  const streaming = live && r && live.resultId === r.id && (live.drafting || (!r.draft && !r.draftCheck)) ? live : null;
  const draft = streaming?.text ?? r?.draft ?? "";
  const place = waiting ? (queue.data ?? null) : null;
  const canRetry = status !== "running" && place?.state !== "running";

  return (
    <Card aria-label="AI triage" className="flex flex-col gap-3 p-3 text-sm">
      <div className="flex items-center justify-between gap-2">
        <h2 className="font-semibold">AI triage</h2>
        {status ? (
          <Badge tone={STATUS[status].tone}>{STATUS[status].label}</Badge>
        ) : (
          <Badge tone="muted">{place ? "Queued" : "Not triaged"}</Badge>
        )}
      </div>
      {place && (
        <p className="text-xs text-zinc-600" data-testid="queue-place">
          {queuePlaceText(place)}
          {place.priority < 0 ? " · moved to the front" : ""}
        </p>
      )}

      {r?.error && (
        <Alert tone={status === "failed" ? "error" : "info"} className={status === "failed" ? undefined : WARN}>
          {r.error}
        </Alert>
      )}
      {r?.injection && <Alert className={WARN}>Possible prompt injection: this ticket seems to give the AI instructions. Its suggestions were not applied.</Alert>}
      {r?.flags?.reasons?.length ? (
        <ul className="list-disc pl-5 text-xs text-amber-800">
          {r.flags.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      ) : null}

      {r?.learnerStatus === "unavailable" && (
        <Alert className={WARN}>The learner was unavailable for this triage: category and priority are the small model&apos;s unchecked guess.</Alert>
      )}

      {r?.category && (
        <dl className="grid grid-cols-[auto_1fr_auto] items-baseline gap-x-3 gap-y-1">
          <Field name="Category" value={labels.get(r.category) ?? r.category} info={r.fields?.category} />
          <Field name="Priority" value={r.priority} info={r.fields?.priority} />
          <Field name="Sentiment" value={r.sentiment} info={r.fields?.sentiment} />
          <Field name="Language" value={r.language ? languageName(r.language) : null} info={r.fields?.language} />
        </dl>
      )}
      {r?.tags?.length ? (
        <div className="flex flex-wrap gap-1">
          {r.tags.map((t) => (
            <Badge key={t} tone="violet">
              {t}
            </Badge>
          ))}
        </div>
      ) : null}
      {r?.summary && (
        <p className="text-zinc-800" title={r.fields?.summary?.reason}>
          {r.summary}
          {r.fields?.summary?.source === "extractive" && <span className="ml-1 text-xs text-zinc-400">(quoted from the ticket)</span>}
        </p>
      )}

      {(draft || streaming) && (
        <div className="flex flex-col gap-2 border-t border-zinc-100 pt-2">
          <div className="flex items-center justify-between">
            <h3 className="text-xs font-medium tracking-wide text-zinc-500 uppercase">
              {streaming?.drafting ? "Draft reply (writing…)" : r?.draftCheck?.source === "retrieval" ? "Reply sent to a similar ticket" : "Draft reply"}
            </h3>
            <Button
              size="sm"
              variant="secondary"
              disabled={!draft || !!streaming?.drafting}
              onClick={() => {
                // A flagged ticket tried to steer the AI: the agent confirms they read the draft before using it.
                if (r?.injection && !window.confirm("This ticket seems to give the AI instructions. Use the draft anyway? Read it before sending.")) return;
                sendDraftToComposer(ticketId, draft.trim());
              }}
            >
              Use draft
            </Button>
          </div>
          <p className="whitespace-pre-wrap rounded-md bg-zinc-50 p-2 text-zinc-800" aria-live="polite" data-testid="triage-draft">
            {draft}
          </p>
        </div>
      )}
      {!streaming?.drafting && r?.draftCheck && !r.draftCheck.passed && r.draftCheck.reasons.length > 0 && (
        <p className="text-xs text-zinc-500" data-testid="draft-rejected">
          The model&apos;s draft was not shown: {r.draftCheck.reasons.join("; ")}.
        </p>
      )}
      {r?.draftError && !r.draftCheck && <p className="text-xs text-zinc-500">No draft: {r.draftError}</p>}
      {r?.draftError && r.draftCheck && !r.draft && <p className="text-xs text-zinc-500">No draft: no reply sent to a similar ticket fits this one yet.</p>}

      <div className="flex items-center justify-between gap-2 border-t border-zinc-100 pt-2">
        <span className="truncate text-xs text-zinc-400" title={r?.modelVersion}>
          {r ? `${r.modelVersion}${r.totalMs ? ` · ${(r.totalMs / 1000).toFixed(1)} s` : ""}${r.tokensPerSecond ? ` · ${r.tokensPerSecond.toFixed(0)} tok/s` : ""}` : ""}
        </span>
        <Button size="sm" variant="ghost" disabled={!canRetry || retry.isPending} onClick={() => retry.mutate({ ticketId })}>
          {status && status !== "queued" ? "Retry triage" : "Triage now"}
        </Button>
      </div>
      {retry.error && <Alert tone="error">{formError(retry.error)}</Alert>}
    </Card>
  );
}

const SOURCES: Record<TriageFieldInfo["source"], string> = {
  learner: "from the classifier trained on your verified tickets",
  library: "from a language-identification library",
  rules: "kept from the ticket (no verified priorities to learn from yet)",
  slm: "the small model's guess",
  extractive: "quoted from the ticket",
  none: "",
};

/**
 * One AI field: its value with a calibrated probability when there is one (the learner's, measured on held-out data);
 * "unsure" instead of a number when the source cannot say how sure it is. The model's self-reported confidence is
 * never shown.
 */
function Field({ name, value, info }: { name: string; value: string | null; info?: TriageFieldInfo }) {
  const unsure = !info || info.unsure || value === null;
  const title = info ? [SOURCES[info.source], info.reason].filter(Boolean).join(" · ") : "from an older triage (no field checks)";
  return (
    <>
      <dt className="text-xs text-zinc-500">{name}</dt>
      <dd className={unsure ? "text-zinc-500" : "font-medium text-zinc-900"} title={title}>
        {value === null ? "Unsure" : value}
      </dd>
      <dd className="text-right text-xs tabular-nums" title={title}>
        {unsure ? <span className="text-amber-700">unsure</span> : info.confidence !== null ? <span className="text-zinc-500">{pct(info.confidence)}</span> : null}
      </dd>
    </>
  );
}

const languageNames = typeof Intl !== "undefined" ? new Intl.DisplayNames(["en"], { type: "language" }) : null;
function languageName(code: string) {
  return languageNames?.of(code) ?? code;
}
