"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "@/components/layout/trpc-provider";
import { cn } from "@/components/ui/cn";

/** Under the server's 30-second TTL (server/tickets/presence.ts), so a live page never drops out between beats. */
const HEARTBEAT_MS = 10_000;
/** Typing stops counting this long after the last keystroke. */
const TYPING_IDLE_MS = 6_000;
const TYPING_EVENT = "deskling:typing";

/** The composer's side: the agent typed a reply on this ticket. */
export function reportTyping(ticketId: string) {
  window.dispatchEvent(new CustomEvent(TYPING_EVENT, { detail: { ticketId } }));
}

/**
 * Collision detection: tells the others this agent is here (viewing, or typing a reply) by a heartbeat, and shows who
 * else is, live: the server announces arrivals, departures and typing on the ticket's realtime channel. The same
 * channel carries new customer messages, so the thread refreshes when one arrives.
 */
export function TicketPresence({ ticketId }: { ticketId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [typing, setTyping] = useState(false);
  const idle = useRef<ReturnType<typeof setTimeout>>(undefined);
  const beat = useMutation(trpc.tickets.setPresence.mutationOptions());
  const { mutate } = beat;

  useEffect(() => {
    const onTyping = (e: Event) => {
      if ((e as CustomEvent<{ ticketId: string }>).detail.ticketId !== ticketId) return;
      setTyping(true);
      clearTimeout(idle.current);
      idle.current = setTimeout(() => setTyping(false), TYPING_IDLE_MS);
    };
    window.addEventListener(TYPING_EVENT, onTyping);
    return () => {
      window.removeEventListener(TYPING_EVENT, onTyping);
      clearTimeout(idle.current);
    };
  }, [ticketId]);

  const state = typing ? "typing" : "viewing";
  useEffect(() => {
    mutate({ ticketId, state });
    const t = setInterval(() => mutate({ ticketId, state }), HEARTBEAT_MS);
    return () => clearInterval(t);
  }, [ticketId, state, mutate]);
  // Leaving the page (another ticket, the inbox, a closed tab): gone at once rather than after the TTL.
  useEffect(() => {
    const leave = () => mutate({ ticketId, state: null });
    window.addEventListener("pagehide", leave);
    return () => {
      window.removeEventListener("pagehide", leave);
      leave();
    };
  }, [ticketId, mutate]);

  // Refetched on every announcement; the interval drops those whose heartbeat stopped without a goodbye.
  const others = useQuery({ ...trpc.tickets.presence.queryOptions({ ticketId }), refetchInterval: 15_000 });
  useSubscription(
    trpc.tickets.onTicket.subscriptionOptions(
      { ticketId },
      {
        onData: (e) => {
          if (e.type === "presence") void queryClient.invalidateQueries(trpc.tickets.presence.queryFilter({ ticketId }));
          else void queryClient.invalidateQueries(trpc.tickets.get.queryFilter({ ticketId }));
        },
      },
    ),
  );

  const list = others.data ?? [];
  return (
    <div aria-live="polite" data-testid="presence" className="min-h-5 text-xs">
      {list.length > 0 && (
        <ul className="flex flex-wrap gap-2">
          {list.map((p) => (
            <li
              key={p.userId}
              className={cn(
                "flex items-center gap-1.5 rounded-full border px-2 py-0.5",
                p.state === "typing" ? "border-amber-300 bg-amber-50 font-medium text-amber-900" : "border-sky-200 bg-sky-50 text-sky-900",
              )}
            >
              <span aria-hidden className={cn("size-2 rounded-full", p.state === "typing" ? "animate-pulse bg-amber-500" : "bg-sky-500")} />
              {p.name} {p.state === "typing" ? "is typing a reply" : "is viewing"}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
