"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import type { WebhookKind } from "@/db/schema";
import { fieldErrors, formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { errorProps, Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";

export function WebhookSources() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const sources = useQuery(trpc.ingest.webhookSources.queryOptions());
  const refresh = () => queryClient.invalidateQueries(trpc.ingest.webhookSources.queryFilter());
  const create = useMutation(trpc.ingest.createWebhookSource.mutationOptions({ onSuccess: async () => (formRef.current?.reset(), refresh()) }));
  const disable = useMutation(trpc.ingest.disableWebhookSource.mutationOptions({ onSettled: refresh }));
  const errors = fieldErrors(create.error);
  const general = formError(create.error);

  return (
    <Card>
      <CardHeader>
        <CardTitle>Helpdesk webhooks</CardTitle>
      </CardHeader>
      <CardBody className="flex flex-col gap-3">
        <ul className="flex flex-col gap-1.5 text-sm">
          {(sources.data ?? []).map((s) => (
            <li key={s.id} className="flex items-center justify-between gap-2">
              <span>
                <span className="font-medium">{s.name}</span> <Badge tone="muted">{s.kind}</Badge>{" "}
                {s.disabledAt && <Badge tone="red">disabled</Badge>}
              </span>
              {!s.disabledAt && (
                <Button size="sm" variant="danger" disabled={disable.isPending} onClick={() => disable.mutate({ id: s.id })}>
                  Disable
                </Button>
              )}
            </li>
          ))}
          {sources.data?.length === 0 && <li className="text-zinc-500">No helpdesk connected.</li>}
        </ul>
        {create.data && (
          <Alert tone="success">
            <p>
              POST events to <code className="break-all">{create.data.url}</code> signed with this secret. It is shown once:
            </p>
            <code className="mt-1 block break-all select-all" data-testid="webhook-secret">
              {create.data.secret}
            </code>
          </Alert>
        )}
        <form
          ref={formRef}
          noValidate
          className="flex flex-col gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            create.mutate({ name: String(f.get("name") ?? ""), kind: String(f.get("kind")) as WebhookKind });
          }}
        >
          {general && <Alert tone="error">{general}</Alert>}
          <Field label="Name" htmlFor="wh-name" error={errors.name} hint="Part of the URL: lower-case letters, digits, dashes.">
            <Input id="wh-name" name="name" autoComplete="off" {...errorProps("wh-name", errors.name)} />
          </Field>
          <Field label="Shape" htmlFor="wh-kind">
            <Select id="wh-kind" name="kind" defaultValue="zendesk">
              <option value="zendesk">Zendesk</option>
              <option value="freshdesk">Freshdesk</option>
              <option value="generic">Generic JSON</option>
            </Select>
          </Field>
          <Button type="submit" disabled={create.isPending}>
            {create.isPending ? "Adding…" : "Add webhook source"}
          </Button>
          <p className="text-xs text-zinc-500">
            Payload shapes and signature headers: <a className="text-blue-700 hover:underline" href="/api/v1/openapi.json">OpenAPI document</a>.
          </p>
        </form>
      </CardBody>
    </Card>
  );
}
