"use client";

import { useQuery } from "@tanstack/react-query";
import { DateTime } from "@/components/layout/relative-time";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";

interface Metrics {
  accuracy?: number;
  macroF1?: number;
  needsHumanRate?: number;
  automatedAccuracy?: number | null;
  outOfScope?: { recall: number; inScopeAccuracyWithRejection: number } | null;
  latencyMs?: { p50: number; p95: number };
  trainExamples?: number;
  labels?: number;
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "–" : `${(100 * x).toFixed(1)}%`);
const base = (f: unknown) => (typeof f === "string" ? (f.split("/").pop() ?? f) : "–");

/** Runs of `npm run eval`, newest first. */
export function EvalRunsTable() {
  const trpc = useTRPC();
  const runs = useQuery(trpc.learning.overview.queryOptions()).data?.evalRuns ?? [];
  return (
    <Card>
      <CardHeader>
        <CardTitle>Evaluations</CardTitle>
        <span className="text-xs text-zinc-500">
          <code>npm run eval -- --train F --test F [--per-label K]</code>
        </span>
      </CardHeader>
      <CardBody className="p-0">
        {runs.length === 0 ? (
          <p className="p-4 text-sm text-zinc-500">No evaluation has run yet.</p>
        ) : (
          <Table aria-label="Evaluation runs">
            <thead>
              <tr>
                <Th>Data</Th>
                <Th className="text-right">Examples</Th>
                <Th className="text-right">Accuracy</Th>
                <Th className="text-right">Macro-F1</Th>
                <Th className="text-right">Needs human</Th>
                <Th className="text-right">Acc. on the rest</Th>
                <Th className="text-right">OOS recall</Th>
                <Th className="text-right">p50 / p95 ms</Th>
                <Th>When</Th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => {
                const p = r.params as Record<string, unknown>;
                const m = (r.metrics ?? {}) as Metrics;
                return (
                  <tr key={r.id}>
                    <Td className="max-w-[260px] truncate text-xs" title={JSON.stringify(p)}>
                      {base(p.train)}
                      {p.test ? ` → ${base(p.test)}` : p.testFraction ? ` (${p.testFraction} held out)` : ""}
                      {p.perLabel !== undefined ? ` · K=${String(p.perLabel)}` : " · all"}
                      {r.status !== "succeeded" && <span className="ml-1 text-red-600">{r.status === "failed" ? `failed: ${r.error}` : "running…"}</span>}
                    </Td>
                    <Td className="text-right tabular-nums">{m.trainExamples ?? "–"}</Td>
                    <Td className="text-right tabular-nums">{pct(m.accuracy)}</Td>
                    <Td className="text-right tabular-nums">{pct(m.macroF1)}</Td>
                    <Td className="text-right tabular-nums">{pct(m.needsHumanRate)}</Td>
                    <Td className="text-right tabular-nums">{pct(m.automatedAccuracy)}</Td>
                    <Td className="text-right tabular-nums">{pct(m.outOfScope?.recall)}</Td>
                    <Td className="text-right tabular-nums">{m.latencyMs ? `${m.latencyMs.p50} / ${m.latencyMs.p95}` : "–"}</Td>
                    <Td className="text-xs whitespace-nowrap text-zinc-500">
                      <DateTime date={new Date(r.createdAt)} />
                    </Td>
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
