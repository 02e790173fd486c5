import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { messages, tickets } from "@/db/schema";
import { recordAudit } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { enqueue } from "@/server/jobs/enqueue";
import { DELIVERY_PRIORITY } from "./add-agent-message";

/** Sends a failed reply again: back to queued, a fresh delivery job, and the ticket waits for the customer again. */
export async function resendReply(db: Db, input: { ticketId: string; messageId: string; userId: string }) {
  return db.transaction(async (tx) => {
    const [m] = await tx
      .select({ id: messages.id, status: messages.deliveryStatus, attempts: messages.deliveryAttempts })
      .from(messages)
      .where(and(eq(messages.id, input.messageId), eq(messages.ticketId, input.ticketId), eq(messages.direction, "outbound")))
      .for("update");
    if (!m) throw new AppError("NOT_FOUND", "Reply not found.");
    if (m.status !== "failed") throw new AppError("CONFLICT", "Only a reply whose delivery failed can be sent again.");
    await tx.update(messages).set({ deliveryStatus: "queued", deliveryError: null }).where(eq(messages.id, m.id));
    await tx
      .update(tickets)
      .set({
        status: sql`case when ${tickets.status} in ('new', 'open') then 'pending'::ticket_status else ${tickets.status} end`,
        firstResponseAt: sql`coalesce(${tickets.firstResponseAt}, now())`,
        updatedAt: sql`now()`,
      })
      .where(eq(tickets.id, input.ticketId));
    // A new job key: the old job finished (it recorded the failure), so its key is free, but a distinct one is clearer.
    await enqueue(tx, "deliver-email", { messageId: m.id }, { jobKey: `deliver:${m.id}:${m.attempts}`, priority: DELIVERY_PRIORITY });
    await recordAudit(tx, { actor: { kind: "user", userId: input.userId }, entity: "ticket", entityId: input.ticketId, action: "resent reply" });
  });
}
