"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterInputs } from "@trpc/server";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useMemo, useState } from "react";
import { formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { useConfirm } from "@/components/ui/confirm";
import type { AppRouter } from "@/server/trpc/root";
import { AiFields } from "./ai-field";
import { sendDraftToComposer } from "./draft-bus";
import { ModelVersionDetails } from "./model-version";
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

type DraftAdjustment = inferRouterInputs<AppRouter>["triage"]["redraft"]["adjust"];
const DRAFT_ADJUSTMENTS = ["friendlier", "formal", "shorter"] as const satisfies readonly DraftAdjustment[];
const ADJUST_LABEL: Record<DraftAdjustment, string> = { friendlier: "Friendlier", formal: "More formal", shorter: "Shorter" };

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
  const [confirm, confirmDialog] = useConfirm();
  // A discarded draft stays hidden until triage writes a new one (another result id).
  const [discarded, setDiscarded] = useState<string | null>(null);
  const [live, setLive] = useState<{ resultId: string; text: string; nextSeq: number; drafting: boolean } | null>(null);
  // A rewrite asked for and waiting for the worker (until its stream starts).
  const [rewriting, setRewriting] = useState<DraftAdjustment | null>(null);

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
            // "running" starts a draft, the first or a rewrite of the same result: the stream starts over.
            if (e.phase === "draft" && e.status === "running") {
              setLive({ resultId: e.resultId, text: "", nextSeq: 0, drafting: true });
              setRewriting(null);
              setDiscarded(null);
            } else if (e.phase === "draft" && e.status !== "queued")
              // The draft is stored (written, retrieved or rejected): nothing is being written any more.
              setLive((cur) => (cur?.resultId === e.resultId ? { ...cur, drafting: false } : null));
            void queryClient.invalidateQueries(trpc.triage.latest.queryFilter({ ticketId }));
            void queryClient.invalidateQueries(trpc.triage.queue.queryFilter({ ticketId }));
            if (e.status === "done" || e.status === "needs_human") void queryClient.invalidateQueries(trpc.tickets.get.queryFilter({ ticketId }));
          }
        },
      },
    ),
  );

  const redraft = useMutation(trpc.triage.redraft.mutationOptions({ onSuccess: (_, input) => setRewriting(input.adjust) }));
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

      {r && (r.status === "done" || r.status === "needs_human") && <AiFields ticketId={ticketId} ai={r} categoryLabels={labels} />}

      {(draft || streaming) && discarded !== r?.id && (
        <div className="flex flex-col gap-2 border-t border-zinc-100 pt-2">
          <div className="flex items-center justify-between">
            <h3 className="text-xs font-medium tracking-wide text-zinc-500 uppercase">
              {streaming?.drafting
                ? "Draft reply (writing…)"
                : r?.draftCheck?.source === "retrieval"
                  ? "Reply sent to a similar ticket"
                  : r?.draftCheck?.adjust && r.draftCheck.passed
                    ? `Draft reply (${ADJUST_LABEL[r.draftCheck.adjust as DraftAdjustment] ?? r.draftCheck.adjust})`
                    : "Draft reply"}
            </h3>
            <div className="flex gap-1">
              <Button size="sm" variant="ghost" disabled={!draft || !!streaming?.drafting} onClick={() => setDiscarded(r?.id ?? null)}>
                Discard
              </Button>
              <Button
                size="sm"
                variant="secondary"
                disabled={!draft || !!streaming?.drafting}
                onClick={async () => {
                  // A ticket that tried to instruct the model may have steered its draft too.
                  if (
                    r?.injection &&
                    !(await confirm({
                      title: "Use a draft from a flagged ticket?",
                      body: "This ticket looks like it tries to give the AI instructions, so the draft may say what the sender wanted. Read it closely before sending.",
                      confirm: "Use the draft anyway",
                      danger: true,
                    }))
                  )
                    return;
                  if (r) sendDraftToComposer(ticketId, draft.trim(), r.id);
                }}
              >
                Use draft
              </Button>
            </div>
          </div>
          <p className="whitespace-pre-wrap rounded-md bg-zinc-50 p-2 text-zinc-800" aria-live="polite" data-testid="triage-draft">
            {draft}
          </p>
          <div role="group" aria-label="Rewrite the draft" className="flex flex-wrap items-center gap-0.5">
            <span className="text-xs text-zinc-500">Rewrite:</span>
            {DRAFT_ADJUSTMENTS.map((adjust) => (
              <Button
                key={adjust}
                size="sm"
                variant="ghost"
                className="px-1.5"
                disabled={!!streaming?.drafting || redraft.isPending || rewriting !== null}
                onClick={() => redraft.mutate({ ticketId, adjust })}
              >
                {ADJUST_LABEL[adjust]}
              </Button>
            ))}
            {rewriting && <span className="text-xs text-zinc-500">Rewriting {ADJUST_LABEL[rewriting].toLowerCase()}… (queued for the model)</span>}
          </div>
          {redraft.error && <Alert tone="error">{formError(redraft.error)}</Alert>}
        </div>
      )}
      {!streaming?.drafting && r?.draftCheck && !r.draftCheck.passed && r.draftCheck.reasons.length > 0 && (
        <p className="text-xs text-zinc-500" data-testid="draft-rejected">
          {r.draftCheck.adjust ? "The rewrite was not shown" : "The model's draft was not shown"}: {r.draftCheck.reasons.join("; ")}.
        </p>
      )}
      {r?.draftError && !r.draftCheck && <p className="text-xs text-zinc-500">No draft: {r.draftError}</p>}
      {r?.draftError && r.draftCheck && !r.draft && <p className="text-xs text-zinc-500">No draft: no reply sent to a similar ticket fits this one yet.</p>}

      <div className="flex items-center justify-between gap-2 border-t border-zinc-100 pt-2">
        {r ? (
          <ModelVersionDetails
            id={r.modelVersion}
            version={r.version}
            timing={`${r.totalMs ? ` · ${(r.totalMs / 1000).toFixed(1)} s` : ""}${r.tokensPerSecond ? ` · ${r.tokensPerSecond.toFixed(0)} tok/s` : ""}`}
          />
        ) : (
          <span />
        )}
        <Button size="sm" variant="ghost" disabled={!canRetry || retry.isPending} onClick={() => retry.mutate({ ticketId })}>
          {status && status !== "queued" ? "Retry triage" : "Triage now"}
        </Button>
      </div>
      {retry.error && <Alert tone="error">{formError(retry.error)}</Alert>}
      {confirmDialog}
    </Card>
  );
}
