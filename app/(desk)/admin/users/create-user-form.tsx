"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import type { UserRole } from "@/db/schema";
import { fieldErrors, formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { errorProps, Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";

export function CreateUserForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const teams = useQuery(trpc.users.teams.queryOptions());
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: async () => {
        formRef.current?.reset();
        await Promise.all([
          queryClient.invalidateQueries(trpc.users.list.queryFilter()),
          queryClient.invalidateQueries(trpc.users.assignable.queryFilter()),
        ]);
      },
    }),
  );
  const errors = fieldErrors(create.error);
  const general = formError(create.error);

  return (
    <Card>
      <CardHeader>
        <CardTitle>Add a user</CardTitle>
      </CardHeader>
      <CardBody>
        <form
          ref={formRef}
          noValidate
          className="flex flex-col gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            create.mutate({
              name: String(f.get("name") ?? ""),
              email: String(f.get("email") ?? "").trim(),
              password: String(f.get("password") ?? ""),
              role: String(f.get("role")) as UserRole,
              teamId: String(f.get("teamId") ?? "") || null,
            });
          }}
        >
          {general && <Alert tone="error">{general}</Alert>}
          {create.isSuccess && <Alert tone="success">Added {create.data.email}. They can sign in now.</Alert>}
          <Field label="Name" htmlFor="user-name" error={errors.name}>
            <Input id="user-name" name="name" autoComplete="off" {...errorProps("user-name", errors.name)} />
          </Field>
          <Field label="Email" htmlFor="user-email" error={errors.email}>
            <Input id="user-email" name="email" type="email" autoComplete="off" {...errorProps("user-email", errors.email)} />
          </Field>
          <Field label="Initial password" htmlFor="user-password" error={errors.password} hint="At least 10 characters; share it privately.">
            <Input id="user-password" name="password" type="password" autoComplete="new-password" {...errorProps("user-password", errors.password)} />
          </Field>
          <div className="grid grid-cols-2 gap-3">
            <Field label="Role" htmlFor="user-role" error={errors.role}>
              <Select id="user-role" name="role" defaultValue="agent">
                <option value="agent">Agent</option>
                <option value="manager">Manager</option>
                <option value="admin">Admin</option>
              </Select>
            </Field>
            <Field label="Team" htmlFor="user-team" error={errors.teamId}>
              <Select id="user-team" name="teamId" defaultValue="">
                <option value="">No team</option>
                {(teams.data ?? []).map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </Select>
            </Field>
          </div>
          <Button type="submit" disabled={create.isPending}>
            {create.isPending ? "Adding…" : "Add user"}
          </Button>
        </form>
      </CardBody>
    </Card>
  );
}
