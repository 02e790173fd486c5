"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import { DateTime } from "@/components/layout/relative-time";
import { fieldErrors, formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { useConfirm } from "@/components/ui/confirm";
import { errorProps, Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Table, Td, Th } from "@/components/ui/table";
import { API_SCOPES, type ApiScope } from "@/server/ingestion/api/scopes";

export function ApiKeys() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const keys = useQuery(trpc.ingest.apiKeys.queryOptions());
  const refresh = () => queryClient.invalidateQueries(trpc.ingest.apiKeys.queryFilter());
  const create = useMutation(trpc.ingest.createApiKey.mutationOptions({ onSuccess: async () => (formRef.current?.reset(), refresh()) }));
  const revoke = useMutation(trpc.ingest.revokeApiKey.mutationOptions({ onSettled: refresh }));
  const [confirm, confirmDialog] = useConfirm();
  const errors = fieldErrors(create.error);
  const general = formError(create.error);

  return (
    <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,1fr)_340px]">
      <Card>
        {revoke.error && (
          <Alert tone="error" className="m-3">
            {revoke.error.message}
          </Alert>
        )}
        <Table>
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Key</Th>
              <Th>Scopes</Th>
              <Th>Created</Th>
              <Th>Last used</Th>
              <Th className="text-right">
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {(keys.data ?? []).map((k) => (
              <tr key={k.id} data-testid="api-key-row" className={k.revokedAt ? "text-zinc-400" : undefined}>
                <Td className="font-medium">{k.name}</Td>
                <Td className="font-mono text-xs">dsk_{k.prefix}_…</Td>
                <Td>
                  <span className="flex flex-wrap gap-1">
                    {k.scopes.map((s) => (
                      <Badge key={s} tone="muted">
                        {s}
                      </Badge>
                    ))}
                  </span>
                </Td>
                <Td className="whitespace-nowrap text-zinc-500">
                  <DateTime date={k.createdAt} />
                </Td>
                <Td className="whitespace-nowrap text-zinc-500">{k.lastUsedAt ? <DateTime date={k.lastUsedAt} /> : "never"}</Td>
                <Td className="text-right">
                  {k.revokedAt ? (
                    <Badge tone="red">revoked</Badge>
                  ) : (
                    <Button
                      size="sm"
                      variant="danger"
                      disabled={revoke.isPending && revoke.variables?.id === k.id}
                      onClick={async () => {
                        const ok = await confirm({
                          title: `Revoke the key “${k.name}”?`,
                          body: "Every integration using it gets 401 from its next request. This cannot be undone; create a new key instead.",
                          confirm: "Revoke key",
                          danger: true,
                        });
                        if (ok) revoke.mutate({ id: k.id });
                      }}
                    >
                      Revoke
                    </Button>
                  )}
                </Td>
              </tr>
            ))}
            {keys.data?.length === 0 && (
              <tr>
                <Td colSpan={6} className="py-6 text-center text-zinc-500">
                  No API keys yet.
                </Td>
              </tr>
            )}
          </tbody>
        </Table>
        {confirmDialog}
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Create a key</CardTitle>
        </CardHeader>
        <CardBody>
          <form
            ref={formRef}
            noValidate
            className="flex flex-col gap-3"
            onSubmit={(e) => {
              e.preventDefault();
              const f = new FormData(e.currentTarget);
              create.mutate({ name: String(f.get("name") ?? ""), scopes: f.getAll("scopes").map(String) as ApiScope[] });
            }}
          >
            {general && <Alert tone="error">{general}</Alert>}
            {create.data && (
              <Alert tone="success">
                <p>Copy it now; it will not be shown again:</p>
                <code className="mt-1 block break-all select-all" data-testid="new-api-key">
                  {create.data.key}
                </code>
              </Alert>
            )}
            <Field label="Name" htmlFor="key-name" error={errors.name} hint="Who or what uses it, e.g. “CRM sync”.">
              <Input id="key-name" name="name" autoComplete="off" {...errorProps("key-name", errors.name)} />
            </Field>
            <fieldset className="flex flex-col gap-1">
              <legend className="text-xs font-medium text-zinc-700">Scopes</legend>
              {API_SCOPES.map((s) => (
                <label key={s} className="flex items-center gap-2 text-sm">
                  <input type="checkbox" name="scopes" value={s} defaultChecked={s === "tickets:read"} />
                  <span className="font-mono text-xs">{s}</span>
                </label>
              ))}
              {errors.scopes && <p className="text-xs text-red-600">{errors.scopes}</p>}
            </fieldset>
            <Button type="submit" disabled={create.isPending}>
              {create.isPending ? "Creating…" : "Create key"}
            </Button>
          </form>
        </CardBody>
      </Card>
    </div>
  );
}
