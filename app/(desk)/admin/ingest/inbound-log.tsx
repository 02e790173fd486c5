"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { RawInboundStatus } from "@/db/schema";
import { DateTime } from "@/components/layout/relative-time";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Table, Td, Th } from "@/components/ui/table";

const FILTERS: { label: string; status?: RawInboundStatus }[] = [
  { label: "Failed", status: "failed" },
  { label: "Ignored", status: "ignored" },
  { label: "Duplicates", status: "duplicate" },
  { label: "Processed", status: "processed" },
  { label: "All" },
];
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
  const [open, setOpen] = useState<string | null>(null);
  const list = useQuery(trpc.ingest.list.queryOptions({ status }));
  const replay = useMutation(trpc.ingest.replay.mutationOptions({ onSettled: () => queryClient.invalidateQueries(trpc.ingest.list.queryFilter()) }));
  const counts = list.data?.counts ?? {};

  return (
    <Card>
      <CardHeader className="justify-start gap-1">
        {FILTERS.map((f) => (
          <Button key={f.label} size="sm" variant={f.status === status ? "primary" : "ghost"} onClick={() => setStatus(f.status)}>
            {f.label}
            {f.status && <span className="text-xs opacity-70">{counts[f.status] ?? 0}</span>}
          </Button>
        ))}
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
            <Th>Source</Th>
            <Th>Size</Th>
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
              <Td>
                <span className="font-mono text-xs">{item.source}</span>
              </Td>
              <Td className="whitespace-nowrap text-zinc-500">{item.size < 1024 ? `${item.size} B` : `${(item.size / 1024).toFixed(1)} KB`}</Td>
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
      {list.data && list.data.total > list.data.items.length && (
        <p className="px-4 py-2 text-xs text-zinc-500">
          Showing the newest {list.data.items.length} of {list.data.total}.
        </p>
      )}
    </Card>
  );
}
