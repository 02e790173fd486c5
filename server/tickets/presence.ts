import { and, asc, eq, gt, ne, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { ticketPresence, users, type PresenceState } from "@/db/schema";
import { publish } from "@/server/realtime/publish";

/** A page sends a heartbeat every 10 s (components/tickets/ticket-presence.tsx); a row this old is someone who left. */
const TTL = sql`interval '30 seconds'`;

/**
 * An agent is on a ticket (viewing or typing), or left it (null). Others hear of it only when something changed
 * (joined, left, started or stopped typing), not on every heartbeat.
 */
export async function setPresence(db: DbOrTx, input: { ticketId: string; userId: string; state: PresenceState | null }) {
  if (input.state === null) {
    const gone = await db
      .delete(ticketPresence)
      .where(and(eq(ticketPresence.ticketId, input.ticketId), eq(ticketPresence.userId, input.userId)))
      .returning({ userId: ticketPresence.userId });
    if (gone.length) await publish(db, { type: "presence", ticketId: input.ticketId });
    return;
  }
  // `before` sees the row as it was before the upsert (one snapshot for the whole statement): changed = new, expired or another state.
  const [row] = await db.execute<{ changed: boolean }>(sql`
    with before as (
      select ${ticketPresence.state} as state, ${ticketPresence.seenAt} > now() - ${TTL} as live
      from ${ticketPresence} where ${ticketPresence.ticketId} = ${input.ticketId} and ${ticketPresence.userId} = ${input.userId}
    ), up as (
      insert into ${ticketPresence} (ticket_id, user_id, state, seen_at) values (${input.ticketId}, ${input.userId}, ${input.state}, now())
      on conflict (ticket_id, user_id) do update set state = excluded.state, seen_at = excluded.seen_at
      returning 1
    )
    select not coalesce((select live and state = ${input.state}::presence_state from before), false) as changed from up`);
  if (row?.changed) await publish(db, { type: "presence", ticketId: input.ticketId });
}

/** The other agents on a ticket now, typing first. */
export async function listPresence(db: DbOrTx, input: { ticketId: string; exceptUserId: string }) {
  return db
    .select({ userId: ticketPresence.userId, name: users.name, state: ticketPresence.state, seenAt: ticketPresence.seenAt })
    .from(ticketPresence)
    .innerJoin(users, eq(users.id, ticketPresence.userId))
    .where(and(eq(ticketPresence.ticketId, input.ticketId), ne(ticketPresence.userId, input.exceptUserId), gt(ticketPresence.seenAt, sql`now() - ${TTL}`)))
    .orderBy(sql`${ticketPresence.state} = 'typing' desc`, asc(users.name));
}
