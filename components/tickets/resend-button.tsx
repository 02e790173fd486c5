"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Button } from "@/components/ui/button";

/** Sends a reply whose delivery failed again; the ticket waits for the customer once more. */
export function ResendButton({ ticketId, messageId }: { ticketId: string; messageId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const resend = useMutation(
    trpc.tickets.resend.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.tickets.get.queryFilter({ ticketId })) }),
  );
  return (
    <span className="flex items-center gap-2">
      <Button size="sm" variant="secondary" disabled={resend.isPending} onClick={() => resend.mutate({ ticketId, messageId })}>
        {resend.isPending ? "Sending…" : "Resend"}
      </Button>
      {resend.error && <span className="text-red-700">{formError(resend.error)}</span>}
    </span>
  );
}
