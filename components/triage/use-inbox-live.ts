"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useTRPC } from "@/components/layout/trpc-provider";

/** Keeps the inbox current: a new ticket, a new message or a finished triage refetches the list and the view counts (no reload). */
export function useInboxLive() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useSubscription(
    trpc.triage.onInbox.subscriptionOptions(undefined, {
      onData: () => {
        void queryClient.invalidateQueries(trpc.tickets.list.pathFilter());
        void queryClient.invalidateQueries(trpc.tickets.viewCounts.pathFilter());
      },
    }),
  );
}
