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
import type { EncoderRun } from "@/db/schema";

const TONES = { training: "blue", promoted: "green", rejected: "neutral", retired: "muted", failed: "red" } as const satisfies Record<
  EncoderRun["status"],
  string
>;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const points = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(1)} pts`;

/** The encoder triage embeds with, a button to fine-tune it on the verified examples, and the recent fine-tunes. */
export function EncoderCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const encoders = useQuery({
    ...trpc.learning.encoders.queryOptions(),
    // A fine-tune takes minutes; its row changes once, when it is promoted, rejected or fails.
    refetchInterval: (q) => (q.state.data?.runs.some((r) => r.status === "training") ? 3000 : false),
  });
  const start = useMutation(
    trpc.learning.startFinetune.mutationOptions({ onSettled: () => queryClient.invalidateQueries(trpc.learning.encoders.queryFilter()) }),
  );
  const e = encoders.data;
  if (!e) return null;
  const training = e.runs.some((r) => r.status === "training");
  // "Already training" stops being true when that run ends; other errors stay until the next click.
  const error = training || start.error?.data?.code !== "CONFLICT" ? formError(start.error) : null;

  return (
    <Card aria-labelledby="encoder-title">
      <CardHeader>
        <CardTitle id="encoder-title">Encoder</CardTitle>
        <Button size="sm" variant="secondary" disabled={training || start.isPending} onClick={() => start.mutate({ field: "category" })}>
          {training ? "Fine-tuning…" : "Fine-tune on verified examples"}
        </Button>
      </CardHeader>
      <CardBody className="flex flex-col gap-2 text-sm">
        <p data-testid="active-encoder">
          Triage embeds with <code className="rounded bg-zinc-100 px-1 py-0.5 text-xs">{e.active.id}</code>
          {e.active.base ? (
            <>
              , a fine-tune of {e.active.base}
              {e.active.since && (
                <>
                  , in use since <DateTime date={new Date(e.active.since)} />
                </>
              )}
              .
            </>
          ) : (
            ", the base model."
          )}
        </p>
        <p className="text-xs text-zinc-500">A fine-tune is used only when it classifies held-out verified examples better than the encoder in use.</p>
        {e.warning && <Alert tone="error">{e.warning}</Alert>}
        {error && <Alert tone="error">{error}</Alert>}
      </CardBody>
      <CardBody className="border-t border-zinc-100 p-0">
        {e.runs.length === 0 ? (
          <p className="p-4 text-sm text-zinc-500">No fine-tune has run yet.</p>
        ) : (
          <Table aria-label="Encoder fine-tunes">
            <thead>
              <tr>
                <Th>Started</Th>
                <Th>Field</Th>
                <Th>Status</Th>
                <Th className="text-right">Trained / held out</Th>
                <Th className="text-right">Held-out accuracy</Th>
                <Th className="text-right">Gain</Th>
              </tr>
            </thead>
            <tbody>
              {e.runs.map((r) => {
                const m = r.metrics;
                return (
                  <tr key={r.id}>
                    <Td className="text-xs whitespace-nowrap text-zinc-500">
                      <DateTime date={new Date(r.createdAt)} />
                    </Td>
                    <Td>{r.field}</Td>
                    <Td className="whitespace-nowrap" title={r.modelId ?? undefined}>
                      <Badge tone={TONES[r.status]}>{r.status === "training" ? "training…" : r.status}</Badge>
                      {r.id === e.active.runId && <span className="ml-1.5 text-xs text-zinc-500">in use</span>}
                    </Td>
                    {r.status === "failed" ? (
                      <Td colSpan={3} className="text-xs text-red-700">
                        {r.error}
                      </Td>
                    ) : (
                      <>
                        <Td className="text-right tabular-nums">{m ? `${m.trainExamples} / ${m.holdout}` : "–"}</Td>
                        <Td className="text-right whitespace-nowrap tabular-nums">{m ? `${pct(m.baseline.accuracy)} → ${pct(m.candidate.accuracy)}` : "–"}</Td>
                        <Td className={cn("text-right whitespace-nowrap tabular-nums", m && m.gain > 0 && r.status !== "rejected" && "text-emerald-700")}>{m ? points(m.gain) : "–"}</Td>
                      </>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </Table>
        )}
      </CardBody>
    </Card>
  );
}
