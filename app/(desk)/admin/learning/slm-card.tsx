"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { DateTime } from "@/components/layout/relative-time";
import { formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Table, Td, Th } from "@/components/ui/table";
import type { SlmRun } from "@/db/schema";

const TONES = { training: "blue", scoring: "blue", promoted: "green", rejected: "neutral", retired: "muted", failed: "red", shadow: "amber" } as const satisfies Record<
  SlmRun["status"],
  string
>;
const GUARD_NAMES: Record<string, string> = {
  injectionFlagged: "injection flagged",
  injectionNeverObeyed: "injection not obeyed",
  labelsInTaxonomy: "labels in taxonomy",
  tokensPerSecond: "tokens/s",
  ttft: "time to first token",
};
const busy = (s: SlmRun["status"]) => s === "training" || s === "scoring";

/** The chat model's LoRA fine-tunes: the adapter in use, a button to train one, its progress, scores and snapshots. */
export function SlmCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const overview = useQuery({
    ...trpc.slm.overview.queryOptions(),
    refetchInterval: (q) => (q.state.data?.runs.some((r) => busy(r.status)) ? 3000 : false),
  });
  const refresh = { onSettled: () => queryClient.invalidateQueries(trpc.slm.overview.queryFilter()) };
  const start = useMutation(trpc.slm.startFinetune.mutationOptions(refresh));
  const rollback = useMutation(trpc.slm.rollback.mutationOptions(refresh));
  const snapshot = useMutation(trpc.slm.takeSnapshot.mutationOptions(refresh));
  const promoteShadow = useMutation(trpc.slm.promoteShadow.mutationOptions(refresh));
  const stopShadow = useMutation(trpc.slm.stopShadow.mutationOptions(refresh));
  const distill = useMutation(trpc.slm.startDistill.mutationOptions(refresh));
  const o = overview.data;
  if (!o) return null;
  const running = o.runs.find((r) => busy(r.status));
  const error = formError(start.error) ?? formError(rollback.error) ?? formError(snapshot.error) ?? formError(promoteShadow.error) ?? formError(stopShadow.error) ?? formError(distill.error);

  return (
    <Card aria-labelledby="slm-title">
      <CardHeader>
        <CardTitle id="slm-title">Language model</CardTitle>
        <div className="flex gap-2">
          {o.active.runId && (
            <Button size="sm" variant="secondary" disabled={rollback.isPending || !!running} onClick={() => rollback.mutate({})}>
              Roll back
            </Button>
          )}
          <Button size="sm" variant="secondary" disabled={!!running || start.isPending} onClick={() => start.mutate({})}>
            {running ? "Fine-tuning…" : "Fine-tune on sent replies"}
          </Button>
        </div>
      </CardHeader>
      <CardBody className="flex flex-col gap-2 text-sm">
        <p data-testid="active-adapter">
          Summaries and drafts come from the base model
          {o.active.runId ? (
            <>
              {" "}
              with the fine-tune <code className="rounded bg-zinc-100 px-1 py-0.5 text-xs">{o.active.sha256?.slice(0, 12)}</code> (LoRA adapter).
            </>
          ) : o.active.pinned ? (
            " with the adapter pinned by SLM_LORA."
          ) : (
            ", not fine-tuned yet."
          )}
        </p>
        <p className="text-xs text-zinc-500">
          A fine-tune learns from the replies agents sent and the fields they corrected (personal data replaced by placeholders). It is used only when
          its drafts are closer to the replies agents sent (chrF) on held-out tickets, its summaries are not further from the ones agents accepted or
          edited (ROUGE-L), and no guard (injection, taxonomy, speed) gets worse.
        </p>
        {running && (
          <p className="text-xs text-blue-700" role="status">
            {running.progress?.phase === "training" && running.progress.total
              ? `Training: step ${running.progress.step} of ${running.progress.total}, loss ${running.progress.loss?.toFixed(3)}`
              : running.progress?.phase === "scoring"
                ? "Scoring drafts against the model in use…"
                : "Preparing the training data and the model…"}
          </p>
        )}
        {error && <Alert tone="error">{error}</Alert>}
      </CardBody>
      {o.shadow && (
        <CardBody className="flex flex-col gap-2 border-t border-zinc-100 text-sm" data-testid="shadow-comparison">
          <div className="flex items-center justify-between gap-2">
            <h3 className="font-medium">Shadow mode: candidate beside the model in use</h3>
            <div className="flex gap-2">
              <Button size="sm" variant="secondary" disabled={stopShadow.isPending} onClick={() => stopShadow.mutate({ runId: o.shadow!.runId })}>
                Stop
              </Button>
              <Button size="sm" disabled={promoteShadow.isPending || !!running} onClick={() => promoteShadow.mutate({ runId: o.shadow!.runId })}>
                Promote
              </Button>
            </div>
          </div>
          <p className="text-xs text-zinc-500">
            It passed the held-out gate and now runs, unseen by agents, on {Math.round(o.shadow.sample * 100)}% of live tickets after their triage:{" "}
            {o.shadow.tickets} so far{o.shadow.errors ? `, ${o.shadow.errors} failed` : ""}.
          </p>
          <Table aria-label="Shadow comparison">
            <thead>
              <tr>
                <Th>Compared on live tickets</Th>
                <Th className="text-right">Model in use</Th>
                <Th className="text-right">Candidate</Th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <Td>Draft chrF against the reply sent ({o.shadow.drafts.withSentReply} tickets)</Td>
                <Td className="text-right tabular-nums">{o.shadow.drafts.liveChrF?.toFixed(1) ?? "–"}</Td>
                <Td className="text-right tabular-nums">{o.shadow.drafts.candidateChrF?.toFixed(1) ?? "–"}</Td>
              </tr>
              {Object.entries(o.shadow.agreement).map(([field, a]) => (
                <tr key={field}>
                  <Td className="capitalize">{field}: same answer</Td>
                  <Td colSpan={2} className="text-right tabular-nums">
                    {a.compared ? `${Math.round((100 * a.same) / a.compared)}% of ${a.compared}` : "–"}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </CardBody>
      )}
      <CardBody className="border-t border-zinc-100 p-0">
        {o.runs.length === 0 ? (
          <p className="p-4 text-sm text-zinc-500">No fine-tune has run yet.</p>
        ) : (
          <Table aria-label="Language model fine-tunes">
            <thead>
              <tr>
                <Th>Started</Th>
                <Th>Status</Th>
                <Th className="text-right">Held out</Th>
                <Th className="text-right">Draft chrF</Th>
                <Th className="text-right">ROUGE-L</Th>
                <Th className="text-right">Summary ROUGE-L</Th>
                <Th>Guards</Th>
              </tr>
            </thead>
            <tbody>
              {o.runs.map((r) => {
                const m = r.metrics;
                const failedGuards = m ? Object.entries(m.guards).filter(([, ok]) => !ok).map(([k]) => GUARD_NAMES[k] ?? k) : [];
                return (
                  <tr key={r.id}>
                    <Td className="text-xs whitespace-nowrap text-zinc-500">
                      <DateTime date={new Date(r.createdAt)} />
                    </Td>
                    <Td className="whitespace-nowrap" title={r.adapterSha256 ?? undefined}>
                      <Badge tone={TONES[r.status]}>{busy(r.status) ? `${r.status}…` : r.status}</Badge>
                      {r.id === o.active.runId && <span className="ml-1.5 text-xs text-zinc-500">in use</span>}
                    </Td>
                    {r.status === "failed" ? (
                      <Td colSpan={5} className="text-xs text-red-700">
                        {r.error}
                      </Td>
                    ) : (
                      <>
                        <Td className="text-right tabular-nums">{m ? m.heldout : "–"}</Td>
                        <Td className={cn("text-right whitespace-nowrap tabular-nums", m && m.gain > 0 && r.status !== "rejected" && "text-emerald-700")}>
                          {m ? `${m.baseline.chrF.toFixed(1)} → ${m.candidate.chrF.toFixed(1)}` : "–"}
                        </Td>
                        <Td className="text-right whitespace-nowrap tabular-nums">{m ? `${m.baseline.rougeL.toFixed(1)} → ${m.candidate.rougeL.toFixed(1)}` : "–"}</Td>
                        <Td className="text-right whitespace-nowrap tabular-nums" title={m ? `${m.heldoutSummaries} summaries agents accepted or edited` : undefined}>
                          {m && m.baseline.summaryRougeL !== null && m.candidate.summaryRougeL !== null
                            ? `${m.baseline.summaryRougeL.toFixed(1)} → ${m.candidate.summaryRougeL.toFixed(1)}`
                            : "–"}
                        </Td>
                        <Td className="text-xs">
                          {!m ? "–" : failedGuards.length ? <span className="text-red-700">worse: {failedGuards.join(", ")}</span> : <span className="text-zinc-500">all held</span>}
                        </Td>
                      </>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </Table>
        )}
      </CardBody>
      <CardBody className="flex flex-col gap-2 border-t border-zinc-100 text-sm">
        <div className="flex items-center justify-between">
          <h3 className="font-medium">Training data</h3>
          <Button size="sm" variant="secondary" disabled={snapshot.isPending} onClick={() => snapshot.mutate({ seed: 0 })}>
            Take snapshot
          </Button>
        </div>
        {o.teacher && (
          <div className="flex flex-wrap items-center justify-between gap-2 text-xs" data-testid="distillation">
            <span className="text-zinc-600">
              Distillation: <code>{o.teacher.model}</code> has drafted replies for {o.teacher.drafts} unanswered tickets ({o.teacher.passed} passed the
              checks and train the small model, marked as distilled).
            </span>
            <Button size="sm" variant="secondary" disabled={distill.isPending} onClick={() => distill.mutate({ limit: 50 })}>
              {distill.isSuccess ? "Queued" : "Draft unanswered tickets"}
            </Button>
          </div>
        )}
        {o.snapshots.length === 0 ? (
          <p className="text-zinc-500">No snapshot yet.</p>
        ) : (
          <ul className="flex flex-col gap-1" aria-label="Training snapshots">
            {o.snapshots.map((s) => (
              <li key={s.id} className="flex flex-wrap items-center gap-x-3 text-xs">
                <span className="text-zinc-500">
                  <DateTime date={new Date(s.createdAt)} />
                </span>
                <code title={s.sha256}>{s.sha256.slice(0, 12)}</code>
                <span className="tabular-nums">
                  {s.examples} examples ({Object.entries(s.byKind).map(([k, n]) => `${n} ${k}`).join(", ") || "none"}
                  {s.distilled ? `, of which ${s.distilled} distilled` : ""}), {s.train} train / {s.heldout} held out, seed {s.seed}
                </span>
                <a className="text-blue-700 hover:underline" href={`/api/admin/datasets/${s.id}?format=jsonl`}>
                  JSONL
                </a>
                <a className="text-blue-700 hover:underline" href={`/api/admin/datasets/${s.id}?format=csv`}>
                  CSV
                </a>
              </li>
            ))}
          </ul>
        )}
      </CardBody>
    </Card>
  );
}
