"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTRPC } from "@/components/layout/trpc-provider";

/** Opening a ticket reads the viewer's @mentions on it: it leaves their Mentions view. Renders nothing. */
export function ReadMentions({ ticketId }: { ticketId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { mutate } = useMutation(
    trpc.tickets.readMentions.mutationOptions({
      onSuccess: (r) => {
        if (r.read > 0) void queryClient.invalidateQueries(trpc.tickets.viewCounts.queryFilter());
      },
    }),
  );
  useEffect(() => mutate({ ticketId }), [mutate, ticketId]);
  return null;
}
