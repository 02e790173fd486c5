"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import type { FormEvent } from "react";
import { fieldErrors, formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Button, buttonVariants } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { errorProps, Field } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";

export function NewTicketForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.tickets.create.mutationOptions({
      onSuccess: async ({ ticketId }) => {
        await queryClient.invalidateQueries(trpc.tickets.list.pathFilter());
        router.push(`/tickets/${ticketId}`);
      },
    }),
  );
  const errors = fieldErrors(create.error);
  const general = formError(create.error);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const name = String(f.get("customerName") ?? "").trim();
    create.mutate({
      customerEmail: String(f.get("customerEmail") ?? "").trim(),
      customerName: name || undefined,
      subject: String(f.get("subject") ?? ""),
      text: String(f.get("text") ?? ""),
    });
  }

  return (
    <Card>
      <CardBody>
        {/* noValidate: the server's messages are the ones shown, next to each field. */}
        <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
          {general && <Alert tone="error">{general}</Alert>}
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Customer email" htmlFor="customerEmail" error={errors.customerEmail}>
              <Input id="customerEmail" name="customerEmail" type="email" autoComplete="off" {...errorProps("customerEmail", errors.customerEmail)} />
            </Field>
            <Field label="Customer name" htmlFor="customerName" error={errors.customerName} hint="Optional">
              <Input id="customerName" name="customerName" autoComplete="off" {...errorProps("customerName", errors.customerName)} />
            </Field>
          </div>
          <Field label="Subject" htmlFor="subject" error={errors.subject}>
            <Input id="subject" name="subject" {...errorProps("subject", errors.subject)} />
          </Field>
          <Field label="Message from the customer" htmlFor="text" error={errors.text}>
            <Textarea id="text" name="text" rows={8} {...errorProps("text", errors.text)} />
          </Field>
          <div className="flex justify-end gap-2">
            <Link href="/tickets" className={buttonVariants({ variant: "secondary" })}>
              Cancel
            </Link>
            <Button type="submit" disabled={create.isPending}>
              {create.isPending ? "Creating…" : "Create ticket"}
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
