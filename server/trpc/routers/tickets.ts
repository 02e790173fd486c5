import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { customers, messages, presenceState, ticketChannel, ticketPriority, tickets, ticketStatus, triageStatus } from "@/db/schema";
import { addAgentMessage } from "@/server/tickets/add-agent-message";
import { getTicket } from "@/server/tickets/get-ticket";
import { bulkUpdateTickets } from "@/server/learning/bulk-update-tickets";
import { countViews } from "@/server/tickets/count-views";
import { listTickets, TICKET_SORTS, TICKET_VIEWS } from "@/server/tickets/list-tickets";
import { readMentions } from "@/server/tickets/read-mentions";
import { receiveMessage } from "@/server/tickets/receive-message";
import { resendReply } from "@/server/tickets/resend-reply";
import { listPresence, setPresence } from "@/server/tickets/presence";
import { snoozeTicket } from "@/server/tickets/snooze-ticket";
import type { LiveEvent } from "@/server/realtime/events";
import { subscribe } from "@/server/realtime/subscribe";
import { AppError } from "@/server/errors";
import { updateTicket } from "@/server/learning/update-ticket";
import { agentProcedure, router } from "../init";

const status = z.enum(ticketStatus.enumValues);
const priority = z.enum(ticketPriority.enumValues);

const ticketRow = createSelectSchema(tickets);
const messageRow = createSelectSchema(messages);
const queuePlace = z.object({
  ticketId: z.string(),
  state: z.enum(["queued", "running", "retrying"]),
  position: z.number().nullable(),
  priority: z.number(),
  expectedWaitSeconds: z.number().nullable(),
});
const listItem = ticketRow
  .pick({
    id: true,
    number: true,
    subject: true,
    status: true,
    priority: true,
    category: true,
    channel: true,
    createdAt: true,
    lastMessageAt: true,
    slaDueAt: true,
    snoozedUntil: true,
    firstResponseAt: true,
    needsHuman: true,
    flagged: true,
    assigneeId: true,
  })
  .extend({
    customerEmail: z.string().nullable(),
    customerName: z.string().nullable(),
    assigneeName: z.string().nullable(),
    teamName: z.string().nullable(),
    ai: z.object({ status: z.enum(triageStatus.enumValues), needsHuman: z.boolean(), injection: z.boolean(), category: z.string().nullable() }).nullable(),
    queue: queuePlace.nullable(),
  });
// A search's total stops at a cap (totalCapped: "1,000+"); a view's total is exact.
const listOutput = z.object({ items: z.array(listItem), total: z.number(), totalCapped: z.boolean(), page: z.number(), pageSize: z.number() });
const ticketDetail = ticketRow.omit({ searchVector: true }).extend({
  customer: createSelectSchema(customers).nullable(),
  assigneeName: z.string().nullable(),
  teamName: z.string().nullable(),
  tags: z.array(z.string()),
  messages: z.array(
    messageRow
      .pick({ id: true, direction: true, bodyText: true, bodyHtml: true, createdAt: true, deliveryStatus: true, deliveryError: true, draftTriageId: true, draftChrf: true })
      .extend({
        authorName: z.string().nullable(),
        attachments: z.array(z.object({ id: z.uuid(), messageId: z.uuid(), filename: z.string(), contentType: z.string(), size: z.number() })),
      }),
  ),
});

/** Loads the ticket named by `ticketId` for every procedure that acts on one (404 when missing). */
const ticketProcedure = agentProcedure.input(z.object({ ticketId: z.uuid() })).use(async ({ ctx, input, next }) => {
  const ticket = await getTicket(ctx.db, (input as { ticketId: string }).ticketId);
  return next({ ctx: { ...ctx, ticket } });
});

export const ticketsRouter = router({
  list: agentProcedure
    .input(
      z.object({
        view: z.enum(TICKET_VIEWS).optional(),
        status: z.array(status).optional(),
        assignee: z.union([z.uuid(), z.literal("unassigned")]).optional(),
        teamId: z.uuid().optional(),
        category: z.string().optional(),
        customerId: z.uuid().optional(),
        q: z.string().max(200).optional(),
        sort: z.enum(TICKET_SORTS).optional(),
        dir: z.enum(["asc", "desc"]).optional(),
        page: z.number().int().min(1).optional(),
        pageSize: z.number().int().min(1).max(100).optional(),
      }),
    )
    .output(listOutput)
    .query(({ ctx, input }) => listTickets(ctx.db, { ...input, userId: ctx.user.id })),

  /** Live counts for the inbox's saved views, and open work by team and by category. */
  viewCounts: agentProcedure
    .input(z.object({}).optional())
    .output(
      z.object({
        views: z.record(z.enum(TICKET_VIEWS.filter((v) => v !== "all") as [Exclude<(typeof TICKET_VIEWS)[number], "all">]), z.number()),
        byTeam: z.array(z.object({ id: z.uuid(), name: z.string(), n: z.number() })),
        byCategory: z.array(z.object({ key: z.string(), label: z.string().nullable(), n: z.number() })),
      }),
    )
    .query(({ ctx }) => countViews(ctx.db, { userId: ctx.user.id })),

  get: ticketProcedure.output(ticketDetail).query(({ ctx }) => ctx.ticket),

  create: agentProcedure
    .input(
      z.object({
        customerEmail: z.email("Enter a valid email address"),
        customerName: z.string().trim().max(200).optional(),
        subject: z.string().trim().min(1, "A subject is required").max(300),
        text: z.string().trim().min(1, "Describe the request").max(50_000),
      }),
    )
    .output(z.object({ ticketId: z.uuid(), number: z.number() }))
    .mutation(async ({ ctx, input }) => {
      const r = await receiveMessage(ctx.db, {
        channel: "manual",
        from: { email: input.customerEmail, name: input.customerName },
        subject: input.subject,
        text: input.text,
        actor: { kind: "user", userId: ctx.user.id },
      });
      return { ticketId: r.ticketId, number: r.ticketNumber };
    }),

  update: ticketProcedure
    .input(
      z.object({
        status: status.optional(),
        priority: priority.optional(),
        category: z.string().nullable().optional(),
        assigneeId: z.uuid().nullable().optional(),
        teamId: z.uuid().nullable().optional(),
        tags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
      }),
    )
    .output(z.object({ changed: z.boolean(), fields: z.array(z.string()), corrections: z.array(z.string()) }))
    .mutation(async ({ ctx, input }) => {
      const { ticketId, ...patch } = input;
      // Category, priority, team and tags set here are verified labels: updateTicket records them with the change.
      const result = await updateTicket(ctx.db, { ticketId, actor: { kind: "user", userId: ctx.user.id }, patch });
      return { changed: result.changed, fields: Object.keys(result.changes), corrections: Object.keys(result.corrections) };
    }),

  /** Assign, set status, priority, team or category, or add tags on many tickets at once (all or nothing). */
  bulkUpdate: agentProcedure
    .input(
      z.object({
        ticketIds: z.array(z.uuid()).min(1).max(500),
        patch: z.object({
          status: status.optional(),
          priority: priority.optional(),
          category: z.string().min(1).optional(),
          assigneeId: z.uuid().nullable().optional(),
          teamId: z.uuid().nullable().optional(),
          addTags: z.array(z.string().trim().min(1).max(50)).max(10).optional(),
        }),
      }),
    )
    .output(z.object({ updated: z.number(), changed: z.number(), corrections: z.number() }))
    .mutation(({ ctx, input }) => bulkUpdateTickets(ctx.db, { ticketIds: input.ticketIds, actor: { kind: "user", userId: ctx.user.id }, patch: input.patch })),

  addMessage: ticketProcedure
    .input(
      z.object({
        kind: z.enum(["reply", "note"]),
        text: z.string().max(50_000),
        /** The triage result whose draft the reply started from (the draft→sent pair). */
        draftTriageId: z.uuid().nullable().optional(),
        /** Send and solve: the ticket goes to solved instead of pending. */
        solve: z.boolean().optional(),
        /** Agents @mentioned in a note (picked in the composer; kept when their "@Name" is still in the text). */
        mentionIds: z.array(z.uuid()).max(20).optional(),
        /** The send guard: the newest customer message the agent had seen when writing (null: none). Required for a reply. */
        seenMessageId: z.uuid().nullable().optional(),
      }),
    )
    .output(z.object({ messageId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      // A page that does not say what it saw (an old tab from before the guard) cannot skip it.
      if (input.kind === "reply" && input.seenMessageId === undefined) throw new AppError("CONFLICT", "This page is out of date: reload it before you reply.");
      const m = await addAgentMessage(ctx.db, { ...input, userId: ctx.user.id });
      return { messageId: m.id };
    }),

  /** The caller opened the ticket: their @mentions on it are read. */
  readMentions: ticketProcedure.output(z.object({ read: z.number() })).mutation(({ ctx }) => readMentions(ctx.db, { ticketId: ctx.ticket.id, userId: ctx.user.id })),

  /** Sends a reply whose delivery failed again. */
  resend: ticketProcedure
    .input(z.object({ messageId: z.uuid() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await resendReply(ctx.db, { ticketId: input.ticketId, messageId: input.messageId, userId: ctx.user.id });
      return { ok: true as const };
    }),

  /** Hides the ticket from the open views until a time, or wakes it (null). A customer message wakes it too. */
  snooze: ticketProcedure
    .input(z.object({ until: z.date().nullable() }))
    .output(z.object({ snoozedUntil: z.date().nullable() }))
    .mutation(({ ctx, input }) => snoozeTicket(ctx.db, { ticketId: input.ticketId, until: input.until, actor: { kind: "user", userId: ctx.user.id } })),

  /** The caller's heartbeat on a ticket page: viewing, typing a reply, or gone (null). */
  setPresence: ticketProcedure
    .input(z.object({ state: z.enum(presenceState.enumValues).nullable() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await setPresence(ctx.db, { ticketId: input.ticketId, userId: ctx.user.id, state: input.state });
      return { ok: true as const };
    }),

  /** The other agents on the ticket now (collision detection). */
  presence: ticketProcedure
    .output(z.array(z.object({ userId: z.uuid(), name: z.string(), state: z.enum(presenceState.enumValues), seenAt: z.date() })))
    .query(({ ctx, input }) => listPresence(ctx.db, { ticketId: input.ticketId, exceptUserId: ctx.user.id })),

  /** Who comes and goes, and new customer messages, on one ticket (SSE). */
  onTicket: agentProcedure.input(z.object({ ticketId: z.uuid() })).subscription(async function* ({ ctx, input, signal }) {
    const mine = (e: LiveEvent) => e.ticketId === input.ticketId && (e.type === "presence" || e.type === "ticket");
    const events = await subscribe(ctx.db, mine, signal ?? new AbortController().signal);
    for await (const e of events) yield e;
  }),

  channels: agentProcedure.output(z.array(z.enum(ticketChannel.enumValues))).query(() => [...ticketChannel.enumValues]),
});
