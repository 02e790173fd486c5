"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { fieldErrors, formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";

/** Upload labeled history; the import runs in the background and this card follows its progress. */
export function ImportForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [jobId, setJobId] = useState<string | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const start = useMutation(trpc.learning.startImport.mutationOptions({ onSuccess: (r) => setJobId(r.jobId) }));
  const job = useQuery({
    ...trpc.learning.importJob.queryOptions({ jobId: jobId ?? "00000000-0000-0000-0000-000000000000" }),
    enabled: jobId !== null,
    refetchInterval: (q) => (q.state.data?.status === "running" ? 1000 : false),
  });
  const finished = job.data && job.data.status !== "running";
  useEffect(() => {
    if (finished) void queryClient.invalidateQueries(trpc.learning.overview.queryFilter());
  }, [finished, queryClient, trpc]);
  const errors = fieldErrors(start.error);
  const general = formError(start.error) ?? readError;
  const j = job.data;

  return (
    <Card>
      <CardHeader>
        <CardTitle>Import history</CardTitle>
      </CardHeader>
      <CardBody>
        <form
          className="flex flex-col gap-3"
          onSubmit={async (e) => {
            e.preventDefault();
            setReadError(null);
            const f = new FormData(e.currentTarget);
            const file = f.get("file");
            if (!(file instanceof File) || file.size === 0) return setReadError("Choose a CSV, JSONL or JSON file.");
            start.mutate({
              fileName: file.name,
              content: await file.text(),
              field: String(f.get("field")) as "category" | "priority" | "team",
              textCol: String(f.get("textCol") || "text"),
              labelCol: String(f.get("labelCol") ?? "") || undefined,
              createLabels: f.get("createLabels") === "on",
            });
          }}
        >
          {general && <Alert tone="error">{general}</Alert>}
          <Field label="File" htmlFor="import-file" error={errors.fileName ?? errors.file} hint="CSV with a header row, JSONL, or a JSON array.">
            <Input
              id="import-file"
              name="file"
              type="file"
              accept=".csv,.tsv,.jsonl,.ndjson,.json"
              className="h-auto py-1 file:mr-2 file:rounded file:border-0 file:bg-zinc-100 file:px-2 file:py-1 file:text-xs file:font-medium file:text-zinc-700 hover:file:bg-zinc-200"
            />
          </Field>
          <Field label="Field" htmlFor="import-field">
            <Select id="import-field" name="field" defaultValue="category">
              <option value="category">Category</option>
              <option value="priority">Priority</option>
              <option value="team">Team</option>
            </Select>
          </Field>
          <div className="grid grid-cols-2 gap-3">
            <Field label="Text column" htmlFor="import-text-col" error={errors.textCol}>
              <Input id="import-text-col" name="textCol" placeholder="text" />
            </Field>
            <Field label="Label column" htmlFor="import-label-col" error={errors.labelCol} hint="Defaults to the field">
              <Input id="import-label-col" name="labelCol" placeholder="category" />
            </Field>
          </div>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="createLabels" /> Create labels the taxonomy does not have yet
          </label>
          <Button type="submit" disabled={start.isPending || j?.status === "running"}>
            {start.isPending ? "Uploading…" : "Import"}
          </Button>
        </form>
        {j && (
          <div className="mt-4 flex flex-col gap-2 text-sm" aria-live="polite" data-testid="import-progress">
            <div className="flex justify-between gap-2">
              <span className="truncate font-medium">{j.fileName}</span>
              <span className="whitespace-nowrap text-zinc-500 tabular-nums">
                {j.status !== "running" ? j.status : j.phase === "embedding" ? `embedding ${j.done} / ${j.total}` : `${j.phase}…`}
              </span>
            </div>
            {j.status === "running" && (
              // No value while reading and checking: an indeterminate bar, not an empty one that looks stuck.
              <progress
                className="h-1.5 w-full accent-zinc-900"
                max={Math.max(j.total, 1)}
                value={j.phase === "embedding" ? j.done : j.phase === "writing" ? j.total : undefined}
              />
            )}
            {j.status === "succeeded" && <Alert tone="success">Imported {j.imported} examples. Workers are learning them now.</Alert>}
            {j.status === "failed" && <Alert tone="error">Nothing was imported: {j.error}</Alert>}
            {j.problems.length > 0 && (
              <details>
                <summary className="cursor-pointer text-zinc-600">{j.problems.length} {j.problems.length === 1 ? "row" : "rows"} skipped</summary>
                <ul className="mt-1 max-h-48 overflow-y-auto text-xs text-zinc-600">
                  {j.problems.map((p, i) => (
                    <li key={i}>
                      {p.line !== undefined ? `line ${p.line}: ` : ""}
                      {p.reason}
                    </li>
                  ))}
                </ul>
              </details>
            )}
          </div>
        )}
      </CardBody>
    </Card>
  );
}
