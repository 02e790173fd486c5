"use client";

import { useId, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { type Column, downloadCsv, toCsv } from "./csv";

/**
 * A chart with its definition, a table view of the same rows and a CSV export. The chart is one image to a screen
 * reader (`summary` says what it shows); the table view is the accessible reading of the numbers.
 */
export function ChartCard<Row>({
  title,
  definition,
  summary,
  columns,
  rows,
  csvName,
  chart,
  actions,
  loading,
}: {
  title: string;
  definition: string;
  summary: string;
  columns: Column<Row>[];
  rows: Row[];
  csvName: string;
  chart: ReactNode;
  actions?: ReactNode;
  loading?: boolean;
}) {
  const [view, setView] = useState<"chart" | "table">("chart");
  const id = useId();
  return (
    <Card aria-labelledby={`${id}-title`} className="flex min-w-0 flex-col">
      <CardHeader>
        <CardTitle id={`${id}-title`}>{title}</CardTitle>
        <div className="flex items-center gap-1.5">
          {actions}
          <div role="group" aria-label={`${title}: view`} className="flex rounded-md border border-zinc-200 p-0.5">
            {(["chart", "table"] as const).map((v) => (
              <button
                key={v}
                type="button"
                aria-pressed={view === v}
                onClick={() => setView(v)}
                className={`h-6 rounded px-2 text-xs font-medium ${view === v ? "bg-zinc-900 text-white" : "text-zinc-600 hover:bg-zinc-100"}`}
              >
                {v === "chart" ? "Chart" : "Table"}
              </button>
            ))}
          </div>
          <Button variant="secondary" size="sm" onClick={() => downloadCsv(`${csvName}.csv`, toCsv(columns, rows))} disabled={rows.length === 0}>
            CSV
          </Button>
        </div>
      </CardHeader>
      <CardBody className="flex flex-1 flex-col gap-2">
        <p className="text-xs leading-relaxed text-zinc-500">{definition}</p>
        {rows.length === 0 ? (
          <p className="grid h-56 place-items-center text-sm text-zinc-400">{loading ? "Loading…" : "Nothing in this range."}</p>
        ) : view === "chart" ? (
          <div role="img" aria-label={`${title}. ${summary}`} className="h-56 w-full">
            {chart}
          </div>
        ) : (
          <div className="max-h-56 overflow-y-auto">
            <Table>
              <caption className="sr-only">{title}</caption>
              <thead className="sticky top-0">
                <tr>
                  {columns.map((c) => (
                    <Th key={c.label}>{c.label}</Th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => (
                  <tr key={i}>
                    {columns.map((c) => (
                      <Td key={c.label} className="tabular-nums">
                        {c.value(r) ?? "—"}
                      </Td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </Table>
          </div>
        )}
      </CardBody>
    </Card>
  );
}
