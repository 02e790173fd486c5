import { z } from "zod";

/** Postgres NOTIFY channel for everything the browser sees live. */
export const REALTIME_CHANNEL = "deskling_live";

/** Postgres refuses NOTIFY payloads of 8000 bytes or more; stay well under with room for the envelope. */
export const MAX_TEXT_BYTES = 6000;

const triageStatus = z.enum(["queued", "running", "done", "needs_human", "failed"]);

export const liveEvent = z.discriminatedUnion("type", [
  /** A ticket was created or got a new customer message: the inbox refreshes it. */
  z.object({ type: z.literal("ticket"), ticketId: z.uuid(), reason: z.enum(["new", "message", "triaged", "snoozed"]) }),
  /** Someone opened, left, or started or stopped typing on a ticket: its open pages reload who is there. */
  z.object({ type: z.literal("presence"), ticketId: z.uuid() }),
  /** A triage result changed state. */
  z.object({
    type: z.literal("triage"),
    ticketId: z.uuid(),
    resultId: z.uuid(),
    status: triageStatus,
    phase: z.enum(["triage", "draft"]).optional(),
    error: z.string().nullish(),
  }),
  /** The next piece of a draft; `seq` counts pieces per result from 0, so a subscriber can check the order. */
  z.object({ type: z.literal("draft"), ticketId: z.uuid(), resultId: z.uuid(), seq: z.number().int().min(0), text: z.string(), done: z.boolean() }),
]);

export type LiveEvent = z.infer<typeof liveEvent>;
