import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { mentions } from "@/db/schema";

/** The agent opened the ticket: their mentions on it are read (it leaves their Mentions view). */
export async function readMentions(db: Db, input: { ticketId: string; userId: string }) {
  const read = await db
    .update(mentions)
    .set({ readAt: new Date() })
    .where(and(eq(mentions.ticketId, input.ticketId), eq(mentions.userId, input.userId), isNull(mentions.readAt)))
    .returning({ id: mentions.id });
  return { read: read.length };
}
