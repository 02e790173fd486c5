import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { rawInbound, tickets } from "@/db/schema";
import { AppError } from "@/server/errors";

export const inboundStates = ["queued", "processed", "failed", "ignored"] as const;

export interface InboundStatus {
  inboundId: string;
  /** queued: stored, not parsed yet (or being retried); processed: a ticket message (or a duplicate of one). */
  state: (typeof inboundStates)[number];
  /** The same message (Message-ID or externalId) had arrived before: ticket and message are the earlier ones. */
  duplicate: boolean;
  ticketId: string | null;
  ticketNumber: number | null;
  messageId: string | null;
  /** Why it failed (or was ignored); null otherwise. */
  error: string | null;
  receivedAt: Date;
  processedAt: Date | null;
}

/**
 * What became of one inbound item, for the client that sent it: `source` scopes the lookup (an API key sees the
 * items it sent, `api:<prefix>`), and an item of another source is "not found", not "forbidden".
 */
export async function getInboundStatus(db: Db, p: { id: string; source: string }): Promise<InboundStatus> {
  if (!z.uuid().safeParse(p.id).success) throw new AppError("NOT_FOUND", "Inbound item not found.");
  const [row] = await db
    .select({
      id: rawInbound.id,
      status: rawInbound.status,
      error: rawInbound.error,
      ticketId: rawInbound.ticketId,
      ticketNumber: tickets.number,
      messageId: rawInbound.messageId,
      receivedAt: rawInbound.receivedAt,
      processedAt: rawInbound.processedAt,
    })
    .from(rawInbound)
    .leftJoin(tickets, eq(tickets.id, rawInbound.ticketId))
    .where(and(eq(rawInbound.id, p.id), eq(rawInbound.source, p.source)));
  if (!row) throw new AppError("NOT_FOUND", "Inbound item not found.");
  const state = row.status === "received" ? "queued" : row.status === "duplicate" ? "processed" : row.status;
  return {
    inboundId: row.id,
    state,
    duplicate: row.status === "duplicate",
    ticketId: row.ticketId,
    ticketNumber: row.ticketNumber,
    messageId: row.messageId,
    error: state === "failed" || state === "ignored" ? row.error : null,
    receivedAt: row.receivedAt,
    processedAt: row.processedAt,
  };
}
