import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { customers, messages, tickets } from "@/db/schema";

const TOKEN = /\[#(\d{1,9})\]/;

/** The ticket number in a subject token like "Re: Refund [#123]". */
export function ticketToken(subject: string): number | null {
  const m = TOKEN.exec(subject);
  return m ? Number(m[1]) : null;
}

/**
 * Finds the ticket an email continues. Header references are trusted first (they name a message we stored
 * or sent). A bare [#123] token is trusted only from that ticket's customer: anyone can type a token, and
 * it must not let a stranger append to someone else's ticket.
 */
export async function resolveThread(
  db: DbOrTx,
  mail: { fromEmail: string; subject: string; inReplyTo: string | null; references: string[] },
): Promise<string | undefined> {
  const refs = [...new Set([mail.inReplyTo, ...[...mail.references].reverse()].filter((r): r is string => !!r))].slice(0, 50);
  if (refs.length) {
    const rows = await db
      .select({ ticketId: messages.ticketId, ref: messages.messageIdHeader })
      .from(messages)
      .where(inArray(messages.messageIdHeader, refs));
    // The nearest reference wins: In-Reply-To, then the latest of References.
    for (const ref of refs) {
      const hit = rows.find((r) => r.ref === ref);
      if (hit) return hit.ticketId;
    }
  }
  const number = ticketToken(mail.subject);
  if (number !== null) {
    const [t] = await db
      .select({ id: tickets.id })
      .from(tickets)
      .innerJoin(customers, eq(customers.id, tickets.customerId))
      .where(and(eq(tickets.number, number), eq(customers.email, mail.fromEmail.toLowerCase())));
    if (t) return t.id;
  }
  return undefined;
}
