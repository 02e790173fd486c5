"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { RawInboundKind, RawInboundStatus } from "@/db/schema";
import { DateTime } from "@/components/layout/relative-time";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Input, Select } from "@/components/ui/input";
import { Table, Td, Th } from "@/components/ui/table";

const FILTERS: { label: string; status?: RawInboundStatus }[] = [
  { label: "Failed", status: "failed" },
  { label: "Ignored", status: "ignored" },
  { label: "Duplicates", status: "duplicate" },
  { label: "Processed", status: "processed" },
  { label: "All" },
];
const CHANNELS: { label: string; kind?: RawInboundKind }[] = [
  { label: "All channels" },
  { label: "Email", kind: "email" },
  { label: "Webhooks", kind: "webhook" },
  { label: "REST API", kind: "api" },
];
// What machine mail is ignored as (loop-rules.json kinds), for the reason filter's suggestions.
const REASONS = ["bounce", "auto-reply", "feedback-report", "bulk", "notification", "no sender address"];
const PAGE_SIZE = 50;
const tone = { failed: "red", ignored: "amber", duplicate: "muted", processed: "green", received: "blue" } as const;

function RawPreview({ id }: { id: string }) {
  const trpc = useTRPC();
  const item = useQuery(trpc.ingest.get.queryOptions({ id }));
  if (!item.data) return <p className="text-xs text-zinc-500">Loading…</p>;
  return (
    <div className="flex flex-col gap-1">
      <pre className="max-h-80 overflow-auto rounded bg-zinc-50 p-2 text-xs whitespace-pre-wrap break-all">{item.data.preview}</pre>
      {item.data.truncated && <p className="text-xs text-zinc-500">First 64 KB of {item.data.size} bytes.</p>}
    </div>
  );
}

export function InboundLog() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<RawInboundStatus | undefined>("failed");
  const [kind, setKind] = useState<RawInboundKind | undefined>();
  const [reason, setReason] = useState("");
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<string | null>(null);
  const list = useQuery({
    ...trpc.ingest.list.queryOptions({ status, kind, reason: reason.trim() || undefined, page, pageSize: PAGE_SIZE }),
    placeholderData: (prev) => prev,
  });
  const pages = Math.max(1, Math.ceil((list.data?.total ?? 0) / PAGE_SIZE));
  const replay = useMutation(trpc.ingest.replay.mutationOptions({ onSettled: () => queryClient.invalidateQueries(trpc.ingest.list.queryFilter()) }));
  const counts = list.data?.counts ?? {};

  return (
    <Card>
      <CardHeader className="flex-wrap justify-start gap-1">
        {FILTERS.map((f) => (
          <Button
            key={f.label}
            size="sm"
            variant={f.status === status ? "primary" : "ghost"}
            onClick={() => {
              setStatus(f.status);
              setPage(1);
            }}
          >
            {f.label}
            {f.status && <span className="text-xs opacity-70">{counts[f.status] ?? 0}</span>}
          </Button>
        ))}
        <div className="ml-auto flex items-center gap-2">
          <Select
            aria-label="Channel"
            className="w-36"
            value={kind ?? ""}
            onChange={(e) => {
              setKind((e.target.value || undefined) as RawInboundKind | undefined);
              setPage(1);
            }}
          >
            {CHANNELS.map((c) => (
              <option key={c.label} value={c.kind ?? ""}>
                {c.label}
              </option>
            ))}
          </Select>
          <Input
            aria-label="Reason contains"
            placeholder="Reason contains…"
            list="inbound-reasons"
            className="w-48"
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              setPage(1);
            }}
          />
          <datalist id="inbound-reasons">
            {REASONS.map((r) => (
              <option key={r} value={r} />
            ))}
          </datalist>
        </div>
      </CardHeader>
      {replay.error && (
        <Alert tone="error" className="m-3">
          {replay.error.message}
        </Alert>
      )}
      {replay.data && (
        <Alert tone={replay.data.status === "failed" ? "error" : "success"} className="m-3">
          Replayed: {replay.data.status}
          {replay.data.reason ? ` — ${replay.data.reason}` : ""}
        </Alert>
      )}
      <Table>
        <thead>
          <tr>
            <Th>Received</Th>
            <Th>From / subject</Th>
            <Th>Source</Th>
            <Th>Status</Th>
            <Th>Reason</Th>
            <Th className="text-right">
              <span className="sr-only">Actions</span>
            </Th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.items ?? []).map((item) => (
            <tr key={item.id} data-testid="inbound-row" className="align-top">
              <Td className="whitespace-nowrap text-zinc-500">
                <DateTime date={item.receivedAt} />
              </Td>
              <Td className="max-w-[16rem]">
                <div className="truncate text-zinc-800" title={item.sender ?? undefined}>
                  {item.sender ?? <span className="text-zinc-400">no sender</span>}
                </div>
                <div className="truncate text-xs text-zinc-500" title={item.subject ?? undefined}>
                  {item.subject || <span className="text-zinc-400">(no subject)</span>}
                </div>
              </Td>
              <Td className="whitespace-nowrap">
                <span className="font-mono text-xs">{item.source}</span>
                <div className="text-xs text-zinc-400">{item.size < 1024 ? `${item.size} B` : `${(item.size / 1024).toFixed(1)} KB`}</div>
              </Td>
              <Td>
                <Badge tone={tone[item.status]}>{item.status}</Badge>
                {item.attempts > 1 && <span className="ml-1 text-xs text-zinc-400">×{item.attempts}</span>}
              </Td>
              <Td className="max-w-md">
                <p className={cn("text-xs break-words", item.status === "failed" ? "text-red-700" : "text-zinc-600")}>{item.error ?? ""}</p>
                {item.ticketId && (
                  <Link href={`/tickets/${item.ticketId}`} className="text-xs text-blue-700 hover:underline">
                    Open ticket
                  </Link>
                )}
                {open === item.id && <RawPreview id={item.id} />}
              </Td>
              <Td className="text-right whitespace-nowrap">
                <Button size="sm" variant="ghost" onClick={() => setOpen(open === item.id ? null : item.id)}>
                  {open === item.id ? "Hide raw" : "Raw"}
                </Button>
                {(item.status === "failed" || item.status === "received") && (
                  <Button
                    size="sm"
                    variant="secondary"
                    disabled={replay.isPending && replay.variables?.id === item.id}
                    onClick={() => replay.mutate({ id: item.id })}
                  >
                    Replay
                  </Button>
                )}
              </Td>
            </tr>
          ))}
          {list.data && list.data.items.length === 0 && (
            <tr>
              <Td colSpan={6} className="py-6 text-center text-zinc-500">
                Nothing here.
              </Td>
            </tr>
          )}
        </tbody>
      </Table>
      {list.data && list.data.total > 0 && (
        <div className="flex items-center justify-between gap-2 border-t border-zinc-100 px-4 py-2 text-xs text-zinc-500">
          <span>
            {(page - 1) * PAGE_SIZE + 1}–{(page - 1) * PAGE_SIZE + list.data.items.length} of {list.data.total}
          </span>
          <span className="flex items-center gap-1">
            <Button size="sm" variant="ghost" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              Newer
            </Button>
            <span className="tabular-nums">
              Page {page} of {pages}
            </span>
            <Button size="sm" variant="ghost" disabled={page >= pages} onClick={() => setPage(page + 1)} data-testid="inbound-next-page">
              Older
            </Button>
          </span>
        </div>
      )}
    </Card>
  );
}
