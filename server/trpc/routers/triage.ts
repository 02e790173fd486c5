import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { triageResults } from "@/db/schema";
import type { LiveEvent } from "@/server/realtime/events";
import { subscribe } from "@/server/realtime/subscribe";
import { triageQueuePlaces } from "@/server/jobs/triage-queue";
import { getLatestTriage } from "@/server/tickets/get-latest-triage";
import { retryTriage } from "@/server/triage/retry-triage";
import { agentProcedure, router } from "../init";

const ticketInput = z.object({ ticketId: z.uuid() });

export const triageRouter = router({
  /** The newest triage result of a ticket, or null. */
  latest: agentProcedure
    .input(ticketInput)
    .output(createSelectSchema(triageResults).nullable())
    .query(({ ctx, input }) => getLatestTriage(ctx.db, input.ticketId)),

  /** Where the ticket's pending triage stands in the queue (position, expected wait), or null when none waits. */
  queue: agentProcedure
    .input(ticketInput)
    .output(
      z
        .object({
          ticketId: z.string(),
          state: z.enum(["queued", "running", "retrying"]),
          position: z.number().nullable(),
          priority: z.number(),
          expectedWaitSeconds: z.number().nullable(),
        })
        .nullable(),
    )
    .query(async ({ ctx, input }) => (await triageQueuePlaces(ctx.db, [input.ticketId])).get(input.ticketId) ?? null),

  retry: agentProcedure
    .input(ticketInput)
    .output(z.object({ messageId: z.uuid() }))
    .mutation(({ ctx, input }) => retryTriage(ctx.db, { ticketId: input.ticketId, actor: { kind: "user", userId: ctx.user.id } })),

  /** Triage status changes and draft pieces of one ticket, as they happen (SSE). */
  onTicket: agentProcedure.input(ticketInput).subscription(async function* ({ ctx, input, signal }) {
    const events = await subscribe(ctx.db, (e) => e.ticketId === input.ticketId, signal ?? new AbortController().signal);
    for await (const e of events) yield e;
  }),

  /** New tickets, new messages and finished triages anywhere: the inbox refreshes the rows they name. */
  onInbox: agentProcedure.subscription(async function* ({ ctx, signal }) {
    const inboxEvent = (e: LiveEvent) => e.type === "ticket" || (e.type === "triage" && e.status !== "running");
    const events = await subscribe(ctx.db, inboxEvent, signal ?? new AbortController().signal);
    for await (const e of events) yield e;
  }),
});
