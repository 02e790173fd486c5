import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { messages, triageResults } from "@/db/schema";
import { recordAudit, type Actor } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { enqueue } from "@/server/jobs/enqueue";
import { publish } from "@/server/realtime/publish";
import { JOB_PRIORITY } from "@/server/jobs/jobs";

/**
 * "Triage now": the ticket's latest customer message goes to the front of the queue, whether it was never triaged
 * (its job waits behind others: the same job key moves it), finished (the row goes back to `queued` in the same
 * transaction that enqueues the job, so the job may claim it) or queued. A triage already running is not doubled.
 */
export async function retryTriage(db: Db, input: { ticketId: string; actor: Actor }) {
  return db.transaction(async (tx) => {
    const [message] = await tx
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.ticketId, input.ticketId), eq(messages.direction, "inbound")))
      .orderBy(desc(messages.createdAt))
      .limit(1);
    if (!message) throw new AppError("NOT_FOUND", "This ticket has no customer message to triage.");
    const rows = await tx.select({ id: triageResults.id, status: triageResults.status }).from(triageResults).where(eq(triageResults.messageId, message.id));
    if (rows.some((r) => r.status === "running")) throw new AppError("CONFLICT", "Triage is already running for this ticket.");
    const reset = await tx
      .update(triageResults)
      .set({ status: "queued", error: null, updatedAt: new Date() })
      .where(and(eq(triageResults.messageId, message.id), inArray(triageResults.status, ["done", "needs_human", "failed"])))
      .returning({ id: triageResults.id });
    await enqueue(tx, "triage", { ticketId: input.ticketId, messageId: message.id, reason: "retry" }, {
      jobKey: `triage:${message.id}`,
      priority: JOB_PRIORITY.now,
    });
    await recordAudit(tx, { actor: input.actor, entity: "ticket", entityId: input.ticketId, action: "triage_retried" });
    for (const r of reset) await publish(tx, { type: "triage", ticketId: input.ticketId, resultId: r.id, status: "queued" });
    return { messageId: message.id };
  });
}
