import { and, eq, isNull, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { customers, macros, tickets, users } from "@/db/schema";
import { AppError } from "@/server/errors";

const firstName = (name: string | null | undefined) => (name ?? "").trim().split(/\s+/)[0] ?? "";

/**
 * Fills a macro's {{variables}} for one ticket and counts the use. Unknown variables stay as written, so a typo
 * shows in the composer instead of vanishing. The text goes into the composer; the agent still edits and sends it.
 */
export async function applyMacro(db: Db, input: { macroId: string; ticketId: string; userId: string }) {
  return db.transaction(async (tx) => {
    const [me] = await tx.select({ name: users.name, teamId: users.teamId }).from(users).where(eq(users.id, input.userId));
    const [macro] = await tx
      .update(macros)
      .set({ usageCount: sql`${macros.usageCount} + 1` })
      .where(and(eq(macros.id, input.macroId), or(isNull(macros.teamId), me?.teamId ? eq(macros.teamId, me.teamId) : sql`false`)))
      .returning({ body: macros.body });
    if (!macro) throw new AppError("NOT_FOUND", "Macro not found.");
    const [t] = await tx
      .select({ number: tickets.number, subject: tickets.subject, customerName: customers.name, customerEmail: customers.email })
      .from(tickets)
      .leftJoin(customers, eq(customers.id, tickets.customerId))
      .where(eq(tickets.id, input.ticketId));
    if (!t) throw new AppError("NOT_FOUND", "Ticket not found.");
    const values: Record<string, string> = {
      "customer.first_name": firstName(t.customerName) || "there",
      "customer.name": t.customerName ?? "",
      "customer.email": t.customerEmail ?? "",
      "ticket.number": String(t.number),
      "ticket.subject": t.subject,
      "agent.first_name": firstName(me?.name),
      "agent.name": me?.name ?? "",
    };
    return { text: macro.body.replace(/\{\{\s*([a-z_.]+)\s*\}\}/g, (whole, key: string) => values[key] ?? whole) };
  });
}
