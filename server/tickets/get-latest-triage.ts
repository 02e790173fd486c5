import { and, desc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { triageResults } from "@/db/schema";

/** The newest triage of a ticket (its latest triaged message, any model version), or null before the first. */
export async function getLatestTriage(db: DbOrTx, ticketId: string) {
  const [row] = await db
    .select()
    .from(triageResults)
    .where(and(eq(triageResults.ticketId, ticketId)))
    .orderBy(desc(triageResults.createdAt), desc(triageResults.updatedAt))
    .limit(1);
  return row ?? null;
}
