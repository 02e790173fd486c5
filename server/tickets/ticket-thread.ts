import { and, asc, eq, lte, ne } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { messages } from "@/db/schema";
import { prepareTicketText } from "@/models/tasks/prepare-text";

/**
 * A ticket's conversation as a draft prompt reads it, oldest first, notes left out; customer text with its hidden
 * parts removed. `until` stops at a moment (a triaged message's time), so a later run never sees the reply an agent
 * sent after it: that reply is what its draft is compared with.
 */
export async function ticketThread(db: DbOrTx, ticketId: string, opts: { until?: Date } = {}) {
  const rows = await db
    .select({ direction: messages.direction, text: messages.bodyText, html: messages.bodyHtml })
    .from(messages)
    .where(and(eq(messages.ticketId, ticketId), ne(messages.direction, "note"), opts.until ? lte(messages.createdAt, opts.until) : undefined))
    .orderBy(asc(messages.createdAt));
  return rows.map((m) => ({
    from: m.direction === "inbound" ? ("customer" as const) : ("agent" as const),
    text: m.direction === "inbound" ? prepareTicketText(m).text : m.text,
  }));
}
