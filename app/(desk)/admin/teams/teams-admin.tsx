"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { fieldErrors, formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { useConfirm } from "@/components/ui/confirm";
import { errorProps, Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Table, Td, Th } from "@/components/ui/table";

interface Form {
  id?: string;
  name: string;
  memberIds: string[];
}
const EMPTY: Form = { name: "", memberIds: [] };

export function TeamsAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const teams = useQuery(trpc.teams.list.queryOptions());
  const people = useQuery(trpc.users.assignable.queryOptions());
  const [form, setForm] = useState<Form>(EMPTY);
  const [confirm, confirmDialog] = useConfirm();
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.teams.list.queryFilter()),
      queryClient.invalidateQueries(trpc.users.teams.queryFilter()),
      queryClient.invalidateQueries(trpc.users.list.queryFilter()),
    ]);
  const save = useMutation(
    trpc.teams.save.mutationOptions({
      onSuccess: async () => {
        setForm(EMPTY);
        await refresh();
      },
    }),
  );
  const remove = useMutation(trpc.teams.remove.mutationOptions({ onSettled: refresh }));
  const errors = fieldErrors(save.error);
  const teamOf = new Map((teams.data ?? []).flatMap((t) => t.members.map((m) => [m.id, t] as const)));

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
              <Th>Team</Th>
              <Th>Members</Th>
              <Th className="text-right">
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {(teams.data ?? []).map((t) => (
              <tr key={t.id} data-testid="team-row">
                <Td className="font-medium whitespace-nowrap">{t.name}</Td>
                <Td className="text-zinc-600">{t.members.length ? t.members.map((m) => m.name).join(", ") : <span className="text-zinc-500">No members</span>}</Td>
                <Td className="text-right whitespace-nowrap">
                  <Button size="sm" variant="ghost" aria-label={`Edit ${t.name}`} onClick={() => setForm({ id: t.id, name: t.name, memberIds: t.members.map((m) => m.id) })}>
                    Edit
                  </Button>
                  <Button
                    size="sm"
                    variant="danger"
                    aria-label={`Delete ${t.name}`}
                    onClick={async () => {
                      if (
                        await confirm({
                          title: `Delete the team “${t.name}”?`,
                          body: `Its ${t.members.length} member(s) and its tickets will have no team, and the macros only this team saw are deleted. Triage stops proposing it.`,
                          confirm: "Delete team",
                          danger: true,
                        })
                      )
                        remove.mutate({ id: t.id });
                    }}
                  >
                    Delete
                  </Button>
                </Td>
              </tr>
            ))}
            {teams.data?.length === 0 && (
              <tr>
                <Td colSpan={3} className="py-6 text-center text-zinc-500">
                  No teams yet.
                </Td>
              </tr>
            )}
          </tbody>
        </Table>
        {confirmDialog}
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{form.id ? "Edit team" : "New team"}</CardTitle>
        </CardHeader>
        <CardBody>
          <form
            className="flex flex-col gap-3"
            onSubmit={(e) => {
              e.preventDefault();
              save.mutate({ id: form.id, name: form.name, memberIds: form.memberIds });
            }}
          >
            {formError(save.error) && <Alert tone="error">{formError(save.error)}</Alert>}
            <Field label="Name" htmlFor="team-name" error={errors.name}>
              <Input id="team-name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} {...errorProps("team-name", errors.name)} />
            </Field>
            <fieldset className="flex flex-col gap-1">
              <legend className="mb-1 text-xs font-medium text-zinc-700">Members</legend>
              <div className="flex max-h-64 flex-col gap-0.5 overflow-y-auto rounded-md border border-zinc-200 p-1.5">
                {(people.data ?? []).map((p) => {
                  const other = teamOf.get(p.id);
                  const checked = form.memberIds.includes(p.id);
                  return (
                    <label key={p.id} className="flex items-center gap-2 rounded px-1.5 py-1 text-sm hover:bg-zinc-50">
                      <input
                        type="checkbox"
                        checked={checked}
                        onChange={() =>
                          setForm({ ...form, memberIds: checked ? form.memberIds.filter((id) => id !== p.id) : [...form.memberIds, p.id] })
                        }
                      />
                      {p.name}
                      {other && other.id !== form.id && <span className="ml-auto text-xs text-zinc-500">in {other.name}</span>}
                    </label>
                  );
                })}
              </div>
              <p className="text-xs text-zinc-500">An agent belongs to one team: ticking someone from another team moves them here.</p>
            </fieldset>
            <div className="flex justify-end gap-2">
              {form.id && (
                <Button variant="secondary" onClick={() => {
                    setForm(EMPTY);
                    save.reset();
                  }}>
                  Cancel
                </Button>
              )}
              <Button type="submit" disabled={save.isPending}>
                {form.id ? "Save team" : "Add team"}
              </Button>
            </div>
          </form>
        </CardBody>
      </Card>
    </div>
  );
}
