import type { Db } from "@/db/client";
import type { RawInbound, RawInboundKind } from "@/db/schema";

/** What became of one raw inbound item. Failures are thrown, and recorded by the pipeline. */
export type ProcessOutcome =
  | { status: "processed" | "duplicate"; ticketId: string; ticketNumber: number; messageId: string; createdTicket: boolean }
  /** A helpdesk update applied to a ticket: no message, the change is in the audit log and the corrections. */
  | { status: "processed"; ticketId: string; ticketNumber: number; messageId: null; createdTicket: false }
  | { status: "ignored"; reason: string };

/**
 * One per kind of inbound item (email, webhook, api). It turns a stored raw item into a ticket message through
 * receiveMessage; it must be idempotent, because a failed or interrupted item is processed again on replay.
 */
export interface IngestAdapter {
  kind: RawInboundKind;
  process(db: Db, raw: RawInbound, ctx: ProcessContext): Promise<ProcessOutcome>;
}

export interface ProcessContext {
  /** graphile-worker priority for the triage a new message gets: live, or lower for a replay. */
  triagePriority: number;
}

/** A failure replaying cannot fix (the input itself is wrong); shown as the reason in the failed list. */
export class RejectedInput extends Error {
  override name = "RejectedInput";
}
