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
            <li key={s.id} className="flex flex-col gap-1">
              <div className="flex items-center justify-between gap-2">
                <span>
                  <span className="font-medium">{s.name}</span> <Badge tone="muted">{s.kind}</Badge>{" "}
                  {s.disabledAt && <Badge tone="red">disabled</Badge>}
                </span>
                {!s.disabledAt && (
                  <Button size="sm" variant="danger" disabled={disable.isPending} onClick={() => disable.mutate({ id: s.id })}>
                    Disable
                  </Button>
                )}
              </div>
              {!s.disabledAt && <Writeback id={s.id} url={s.writebackUrl} onSaved={refresh} />}
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

/** Where this source's triage results are written back. The token is write-only: saving replaces it, nothing shows it. */
function Writeback({ id, url, onSaved }: { id: string; url: string | null; onSaved: () => Promise<void> }) {
  const trpc = useTRPC();
  const save = useMutation(trpc.ingest.setWebhookWriteback.mutationOptions({ onSuccess: onSaved }));
  const errors = fieldErrors(save.error);
  const general = formError(save.error);
  return (
    <details className="text-xs text-zinc-600">
      <summary className="cursor-pointer">Write-back: {url ? <code className="break-all">{url}</code> : "off"}</summary>
      <form
        noValidate
        className="mt-2 flex flex-col gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          save.mutate({ id, target: { url: String(f.get("url") ?? ""), token: String(f.get("token") ?? "") } });
          e.currentTarget.reset();
        }}
      >
        {general && <Alert tone="error">{general}</Alert>}
        <Field label="Helpdesk base URL" htmlFor={`wb-url-${id}`} error={errors.url} hint="e.g. https://acme.zendesk.com">
          <Input id={`wb-url-${id}`} name="url" type="url" defaultValue={url ?? ""} autoComplete="off" {...errorProps(`wb-url-${id}`, errors.url)} />
        </Field>
        <Field label="API token" htmlFor={`wb-token-${id}`} error={errors.token} hint={url ? "Stored; enter it again to change the URL or token." : undefined}>
          <Input id={`wb-token-${id}`} name="token" type="password" autoComplete="off" {...errorProps(`wb-token-${id}`, errors.token)} />
        </Field>
        <div className="flex gap-2">
          <Button type="submit" size="sm" disabled={save.isPending}>
            Save write-back
          </Button>
          {url && (
            <Button size="sm" variant="secondary" disabled={save.isPending} onClick={() => save.mutate({ id, target: null })}>
              Turn off
            </Button>
          )}
        </div>
      </form>
    </details>
  );
}
