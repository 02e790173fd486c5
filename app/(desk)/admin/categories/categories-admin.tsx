"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { fieldErrors, formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { useConfirm } from "@/components/ui/confirm";
import { errorProps, Field } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { Table, Td, Th } from "@/components/ui/table";

interface Form {
  key?: string;
  label: string;
  description: string;
  enabled: boolean;
}
const EMPTY: Form = { label: "", description: "", enabled: true };

export function CategoriesAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.taxonomy.all.queryOptions());
  const [form, setForm] = useState<Form>(EMPTY);
  const [confirm, confirmDialog] = useConfirm();
  const save = useMutation(
    trpc.taxonomy.save.mutationOptions({
      onSuccess: async (_, vars) => {
        if (vars.key === form.key) setForm(EMPTY);
        await queryClient.invalidateQueries(trpc.taxonomy.pathFilter());
      },
    }),
  );
  const errors = fieldErrors(save.error);
  const wasEnabled = (key?: string) => (list.data ?? []).find((c) => c.key === key)?.enabled ?? false;

  /** Disabling stops triage from proposing the category: asked first. */
  async function submit(next: Form) {
    if (
      next.key &&
      wasEnabled(next.key) &&
      !next.enabled &&
      !(await confirm({
        title: `Disable “${next.label}”?`,
        body: "Triage will no longer propose it; tickets that have it keep it, and you can enable it again.",
        confirm: "Disable",
        danger: true,
      }))
    )
      return;
    save.mutate({ key: next.key, category: { label: next.label, description: next.description, enabled: next.enabled } });
  }

  return (
    <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,1fr)_380px]">
      <Card>
        <Table>
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Description</Th>
              <Th>Status</Th>
              <Th className="text-right">
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {(list.data ?? []).map((c) => (
              <tr key={c.key} data-testid="category-row" className={cn(!c.enabled && "text-zinc-500")}>
                <Td className="font-medium whitespace-nowrap">
                  {c.label}
                  <div className="font-mono text-[11px] font-normal text-zinc-500">{c.key}</div>
                </Td>
                <Td className="max-w-md text-zinc-600">{c.description || "—"}</Td>
                <Td>{c.enabled ? <Badge tone="green">Enabled</Badge> : <Badge tone="muted">Disabled</Badge>}</Td>
                <Td className="text-right whitespace-nowrap">
                  <Button size="sm" variant="ghost" aria-label={`Edit ${c.label}`} onClick={() => {
                      setForm(c);
                      save.reset();
                    }}>
                    Edit
                  </Button>
                  <Button
                    size="sm"
                    variant={c.enabled ? "danger" : "secondary"}
                    aria-label={`${c.enabled ? "Disable" : "Enable"} ${c.label}`}
                    disabled={save.isPending && save.variables?.key === c.key}
                    onClick={() => submit({ ...c, enabled: !c.enabled })}
                  >
                    {c.enabled ? "Disable" : "Enable"}
                  </Button>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
        {confirmDialog}
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{form.key ? "Edit category" : "New category"}</CardTitle>
        </CardHeader>
        <CardBody>
          <form
            className="flex flex-col gap-3"
            onSubmit={(e) => {
              e.preventDefault();
              void submit(form);
            }}
          >
            {formError(save.error) && <Alert tone="error">{formError(save.error)}</Alert>}
            <Field label="Name" htmlFor="category-name" error={errors.label ?? errors.category}>
              <Input
                id="category-name"
                value={form.label}
                onChange={(e) => setForm({ ...form, label: e.target.value })}
                {...errorProps("category-name", errors.label ?? errors.category)}
              />
            </Field>
            <Field label="Description" htmlFor="category-description" hint="What customers write about; the classifier reads it.">
              <Textarea id="category-description" rows={3} value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} />
            </Field>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} />
              Enabled: triage may propose it
            </label>
            <div className="flex justify-end gap-2">
              {form.key && (
                <Button variant="secondary" onClick={() => {
                    setForm(EMPTY);
                    save.reset();
                  }}>
                  Cancel
                </Button>
              )}
              <Button type="submit" disabled={save.isPending}>
                {form.key ? "Save category" : "Add category"}
              </Button>
            </div>
          </form>
        </CardBody>
      </Card>
    </div>
  );
}
