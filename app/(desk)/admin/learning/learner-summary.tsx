"use client";

import { useQuery } from "@tanstack/react-query";
import { DateTime } from "@/components/layout/relative-time";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import type { CorrectionSource } from "@/db/schema";

const SOURCES: Record<CorrectionSource, string> = { agent: "by agents", api: "via the API", helpdesk: "from helpdesks", import: "imported", eval: "from evaluations" };

const pct = (n: number, d: number) => (d === 0 ? "–" : `${((100 * n) / d).toFixed(1)}%`);

/** Verified examples per field and label, and how often agents kept what the AI proposed. */
export function LearnerSummary() {
  const trpc = useTRPC();
  const overview = useQuery(trpc.learning.overview.queryOptions());
  const o = overview.data;
  if (!o) return null;
  const fields = [...new Set(o.labels.map((l) => l.field))];
  return (
    <Card>
      <CardHeader>
        <CardTitle>Verified examples</CardTitle>
        <span className="text-xs text-zinc-500">
          Last 30 days: {o.bySource.length ? o.bySource.map((s) => `${s.corrections} ${SOURCES[s.source]}`).join(" · ") : "no corrections"}
        </span>
      </CardHeader>
      <CardBody className="flex flex-col gap-4">
        {fields.length === 0 && <p className="text-sm text-zinc-500">No verified examples yet. Import history, or correct tickets.</p>}
        {fields.map((field) => {
          const rows = o.labels.filter((l) => l.field === field);
          const total = rows.reduce((s, r) => s + r.examples, 0);
          const agreement = o.agreement.find((a) => a.field === field);
          return (
            <section key={field} aria-label={`${field} examples`} className="flex flex-col gap-1.5">
              <h3 className="text-sm font-medium">
                {field} <span className="font-normal text-zinc-500">· {total} {total === 1 ? "example" : "examples"}, {rows.length} {rows.length === 1 ? "label" : "labels"}</span>
                {agreement && (
                  <span className="font-normal text-zinc-500">
                    {" "}
                    · agents kept the AI&apos;s value {pct(agreement.agreed, agreement.total)} of {agreement.total} times
                  </span>
                )}
              </h3>
              <div className="flex flex-wrap gap-1">
                {rows.map((r) => (
                  <span key={r.label} className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-700">
                    {r.label} <span className="text-zinc-400">{r.examples}</span>
                  </span>
                ))}
              </div>
            </section>
          );
        })}
        {o.imports.length > 0 && (
          <Table aria-label="Recent imports">
            <thead>
              <tr>
                <Th>Import</Th>
                <Th>Field</Th>
                <Th>Status</Th>
                <Th className="text-right">Imported</Th>
                <Th>When</Th>
              </tr>
            </thead>
            <tbody>
              {o.imports.map((j) => (
                <tr key={j.id}>
                  <Td className="max-w-[220px] truncate" title={j.error ?? undefined}>
                    {j.fileName}
                  </Td>
                  <Td>{j.field}</Td>
                  <Td>{j.status === "running" ? `${j.phase}…` : j.status}</Td>
                  <Td className="text-right tabular-nums">{j.imported}</Td>
                  <Td className="text-xs whitespace-nowrap text-zinc-500">
                    <DateTime date={new Date(j.createdAt)} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </CardBody>
    </Card>
  );
}
