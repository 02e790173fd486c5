"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { fieldErrors, formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { useConfirm } from "@/components/ui/confirm";
import { Field } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { Table, Td, Th } from "@/components/ui/table";

const EMPTY = { name: "", body: "", teamId: "", category: "" };

export function MacrosAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.macros.list.queryOptions({ all: true }));
  const teams = useQuery(trpc.users.teams.queryOptions());
  const categories = useQuery(trpc.taxonomy.categories.queryOptions());
  const [form, setForm] = useState<typeof EMPTY & { id?: string }>(EMPTY);
  const [confirm, confirmDialog] = useConfirm();
  const refresh = () => queryClient.invalidateQueries(trpc.macros.list.pathFilter());
  const save = useMutation(trpc.macros.save.mutationOptions({ onSuccess: async () => (setForm(EMPTY), await refresh()) }));
  const remove = useMutation(trpc.macros.remove.mutationOptions({ onSettled: refresh }));
  const errors = fieldErrors(save.error);

  return (
    <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,1fr)_380px]">
      <Card>
        {remove.error && (
          <Alert tone="error" className="m-3">
            {formError(remove.error)}
          </Alert>
        )}
        <Table>
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Team</Th>
              <Th>Category</Th>
              <Th className="text-right">Used</Th>
              <Th className="text-right">
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {(list.data ?? []).map((m) => (
              <tr key={m.id} data-testid="macro-row">
                <Td className="font-medium">
                  {m.name}
                  <div className="max-w-md truncate text-xs font-normal text-zinc-500">{m.body}</div>
                </Td>
                <Td className="text-zinc-600">{m.teamName ?? "Everyone"}</Td>
                <Td className="text-zinc-600">{m.category ?? "—"}</Td>
                <Td className="text-right tabular-nums">{m.usageCount}</Td>
                <Td className="text-right whitespace-nowrap">
                  <Button size="sm" variant="ghost" onClick={() => setForm({ id: m.id, name: m.name, body: m.body, teamId: m.teamId ?? "", category: m.category ?? "" })}>
                    Edit
                  </Button>
                  <Button
                    size="sm"
                    variant="danger"
                    onClick={async () => {
                      if (await confirm({ title: `Delete the macro “${m.name}”?`, body: "Agents will no longer be offered it.", confirm: "Delete", danger: true }))
                        remove.mutate({ id: m.id });
                    }}
                  >
                    Delete
                  </Button>
                </Td>
              </tr>
            ))}
            {list.data?.length === 0 && (
              <tr>
                <Td colSpan={5} className="py-6 text-center text-zinc-500">
                  No macros yet.
                </Td>
              </tr>
            )}
          </tbody>
        </Table>
        {confirmDialog}
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{form.id ? "Edit macro" : "New macro"}</CardTitle>
        </CardHeader>
        <CardBody>
          <form
            className="flex flex-col gap-3"
            onSubmit={(e) => {
              e.preventDefault();
              save.mutate({ id: form.id, macro: { name: form.name, body: form.body, teamId: form.teamId || null, category: form.category || null } });
            }}
          >
            {formError(save.error) && !Object.keys(errors).length && <Alert tone="error">{formError(save.error)}</Alert>}
            <Field label="Name" htmlFor="macro-name" error={errors["macro.name"] ?? errors.name}>
              <Input id="macro-name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
            </Field>
            <Field label="Reply" htmlFor="macro-body" error={errors["macro.body"] ?? errors.body}>
              <Textarea id="macro-body" rows={6} value={form.body} onChange={(e) => setForm({ ...form, body: e.target.value })} placeholder="Hi {{customer.first_name}}, …" />
            </Field>
            <div className="grid grid-cols-2 gap-3">
              <Field label="Team" htmlFor="macro-team">
                <Select id="macro-team" value={form.teamId} onChange={(e) => setForm({ ...form, teamId: e.target.value })}>
                  <option value="">Everyone</option>
                  {(teams.data ?? []).map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field label="Suggest for" htmlFor="macro-category">
                <Select id="macro-category" value={form.category} onChange={(e) => setForm({ ...form, category: e.target.value })}>
                  <option value="">Any category</option>
                  {(categories.data ?? []).map((c) => (
                    <option key={c.key} value={c.key}>
                      {c.label}
                    </option>
                  ))}
                </Select>
              </Field>
            </div>
            <div className="flex justify-end gap-2">
              {form.id && (
                <Button variant="secondary" onClick={() => setForm(EMPTY)}>
                  Cancel
                </Button>
              )}
              <Button type="submit" disabled={save.isPending}>
                {form.id ? "Save macro" : "Add macro"}
              </Button>
            </div>
          </form>
        </CardBody>
      </Card>
    </div>
  );
}
