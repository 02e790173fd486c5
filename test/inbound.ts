import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rawInbound, type RawInbound } from "@/db/schema";
import { env } from "@/config/env";
import { startInboundRunner, type InboundRunner } from "@/server/ingestion/inbound-runner";

/** The mail process's inbound runner, in the test process: what SMTP accepts becomes tickets as in production. */
export function startTestInboundRunner(): Promise<InboundRunner> {
  return startInboundRunner({ url: env.DATABASE_URL!, concurrency: 2, log: (l) => console.warn(`[inbound] ${l}`) });
}

/** The raw row once the inbound runner has settled it (processed, duplicate, ignored or failed). */
export async function settledRow(db: Db, id: string, timeoutMs = 30_000): Promise<RawInbound> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await db.select().from(rawInbound).where(eq(rawInbound.id, id));
    if (row && row.status !== "received") return row;
    if (Date.now() > deadline) throw new Error(`inbound item ${id} still ${row?.status ?? "missing"} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
