"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { RelativeTime } from "@/components/layout/relative-time";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { formatWait } from "@/components/triage/queue-place";

const CLASS = {
  now: { label: "Triage now", tone: "violet" },
  live: { label: "Live", tone: "blue" },
  background: { label: "Replay / import", tone: "neutral" },
  backfill: { label: "Demo seed", tone: "muted" },
} as const;

const seconds = (s: number | null) => (s === null ? "—" : s < 90 ? `${s.toFixed(1)} s` : formatWait(s));

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="flex flex-col">
      <span className="text-xs text-zinc-500">{label}</span>
      <span className="text-xl font-semibold tabular-nums text-zinc-900">{value}</span>
      {hint && <span className="text-xs text-zinc-400">{hint}</span>}
    </div>
  );
}

export function QueueOverview() {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.queue.overview.queryOptions({}), refetchInterval: 5000 });
  const d = q.data;
  if (!d) return <p className="text-sm text-zinc-500">Loading…</p>;
  const triage = d.depth.filter((r) => r.task === "triage");
  const queued = triage.reduce((n, r) => n + r.queued, 0);
  const running = triage.reduce((n, r) => n + r.running, 0);
  const perMinute = d.throughput.perMinute;
  return (
    <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
      <Card className="lg:col-span-2">
        <CardBody className="grid grid-cols-2 gap-4 sm:grid-cols-4">
          <Stat label="Triage queued" value={String(queued)} hint={`${running} running`} />
          <Stat label="Oldest waiting" value={d.oldestWaitSeconds.triage !== undefined ? formatWait(d.oldestWaitSeconds.triage) : "—"} />
          <Stat
            label="Throughput"
            value={perMinute === null ? "—" : `${perMinute.toFixed(1)}/min`}
            hint={{ recent: "last 15 minutes", estimate: "estimated from recent durations", none: "nothing measured yet" }[d.throughput.basis]}
          />
          <Stat label="Queue drains in" value={perMinute ? formatWait((queued / perMinute) * 60) : "—"} />
        </CardBody>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Waiting by priority</CardTitle>
        </CardHeader>
        <Table>
          <thead>
            <tr>
              <Th>Job</Th>
              <Th>Class</Th>
              <Th className="text-right">Queued</Th>
              <Th className="text-right">Running</Th>
              <Th className="text-right">Retrying</Th>
            </tr>
          </thead>
          <tbody>
            {d.depth.map((r) => (
              <tr key={`${r.task}:${r.priority}`} data-testid="queue-depth-row">
                <Td className="font-mono text-xs">{r.task}</Td>
                <Td>
                  <Badge tone={CLASS[r.class].tone}>{CLASS[r.class].label}</Badge>
                  <span className="ml-1 text-xs text-zinc-400">{r.priority}</span>
                </Td>
                <Td className="text-right tabular-nums">{r.queued}</Td>
                <Td className="text-right tabular-nums">{r.running}</Td>
                <Td className="text-right tabular-nums">{r.retrying}</Td>
              </tr>
            ))}
            {d.depth.length === 0 && (
              <tr>
                <Td colSpan={5} className="py-6 text-center text-zinc-500">
                  The queue is empty.
                </Td>
              </tr>
            )}
          </tbody>
        </Table>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Workers and models, last hour</CardTitle>
        </CardHeader>
        <Table>
          <thead>
            <tr>
              <Th>Worker</Th>
              <Th>Model</Th>
              <Th className="text-right">Done</Th>
              <Th className="text-right">Failed</Th>
              <Th className="text-right">Per ticket</Th>
              <Th className="text-right">Waited</Th>
            </tr>
          </thead>
          <tbody>
            {d.perWorker.map((w) => {
              const live = d.workers.find((x) => x.id === w.workerId);
              return (
                <tr key={`${w.workerId}:${w.modelVersion}`}>
                  <Td className="whitespace-nowrap">
                    <span className="font-mono text-xs">{w.workerId ?? "—"}</span>
                    {live ? <Badge tone="green" className="ml-1">up</Badge> : <Badge tone="muted" className="ml-1">gone</Badge>}
                  </Td>
                  <Td className="max-w-[12rem] truncate font-mono text-xs" title={w.modelVersion}>
                    {w.modelVersion}
                  </Td>
                  <Td className="text-right tabular-nums">{w.done}</Td>
                  <Td className="text-right tabular-nums">{w.failed}</Td>
                  <Td className="text-right tabular-nums">{seconds(w.avgSeconds)}</Td>
                  <Td className="text-right tabular-nums">{seconds(w.avgWaitSeconds)}</Td>
                </tr>
              );
            })}
            {d.perWorker.length === 0 && (
              <tr>
                <Td colSpan={6} className="py-6 text-center text-zinc-500">
                  {d.workers.length ? `${d.workers.length} worker(s) up, nothing triaged in the last hour.` : "No worker is running."}
                </Td>
              </tr>
            )}
          </tbody>
        </Table>
      </Card>

      <Card className="lg:col-span-2">
        <CardHeader>
          <CardTitle>Failures</CardTitle>
        </CardHeader>
        <Table>
          <thead>
            <tr>
              <Th>When</Th>
              <Th>What</Th>
              <Th>Attempts</Th>
              <Th>Error</Th>
            </tr>
          </thead>
          <tbody>
            {d.failedTriage.map((f) => (
              <tr key={`t:${f.ticketId}:${f.updatedAt}`}>
                <Td className="whitespace-nowrap text-zinc-500">
                  <RelativeTime date={new Date(f.updatedAt)} />
                </Td>
                <Td>
                  <Link href={`/tickets/${f.ticketId}`} className="text-blue-700 hover:underline">
                    Triage of #{f.number}
                  </Link>
                </Td>
                <Td />
                <Td className="max-w-xl text-xs break-words text-red-700">{f.error}</Td>
              </tr>
            ))}
            {d.failedJobs.map((j) => (
              <tr key={`j:${j.id}`}>
                <Td className="whitespace-nowrap text-zinc-500">
                  <RelativeTime date={new Date(j.updatedAt)} />
                </Td>
                <Td className="font-mono text-xs">{j.key ?? j.task}</Td>
                <Td className="whitespace-nowrap tabular-nums">
                  {j.attempts}/{j.maxAttempts} {j.dead && <Badge tone="red">gave up</Badge>}
                </Td>
                <Td className="max-w-xl text-xs break-words text-red-700">{j.lastError}</Td>
              </tr>
            ))}
            {d.failedTriage.length + d.failedJobs.length === 0 && (
              <tr>
                <Td colSpan={4} className="py-6 text-center text-zinc-500">
                  No failures.
                </Td>
              </tr>
            )}
          </tbody>
        </Table>
      </Card>
    </div>
  );
}
