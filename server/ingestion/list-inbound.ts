import { and, count, desc, eq, ilike, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rawInbound, type RawInboundKind, type RawInboundStatus } from "@/db/schema";
import { AppError } from "@/server/errors";
import { summarizeInbound } from "./inbound-summary";

/**
 * The inbound log for admins: newest first, the failed ones being the list to act on; filtered by status, channel
 * (kind) and reason (a part of it, e.g. "bounce" or a rule id such as "daemon-from"), a page at a time.
 */
export async function listInbound(
  db: Db,
  p: { status?: RawInboundStatus; kind?: RawInboundKind; reason?: string; page?: number; pageSize?: number },
) {
  const page = Math.max(1, p.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, p.pageSize ?? 50));
  const where: SQL[] = [];
  if (p.status) where.push(eq(rawInbound.status, p.status));
  if (p.kind) where.push(eq(rawInbound.kind, p.kind));
  if (p.reason?.trim()) where.push(ilike(rawInbound.error, `%${p.reason.trim().replace(/[%_\\]/g, "\\$&")}%`));
  const cond = where.length ? and(...where) : undefined;
  const [items, [total], byStatus] = await Promise.all([
    db
      .select({
        id: rawInbound.id,
        kind: rawInbound.kind,
        source: rawInbound.source,
        receivedAt: rawInbound.receivedAt,
        size: rawInbound.size,
        status: rawInbound.status,
        error: rawInbound.error,
        attempts: rawInbound.attempts,
        ticketId: rawInbound.ticketId,
        // Enough of the bytes for the headers (or a JSON body's first fields): sender and subject for the list.
        head: sql<Buffer>`substring(${rawInbound.bytes} from 1 for 16384)`,
      })
      .from(rawInbound)
      .where(cond)
      .orderBy(desc(rawInbound.receivedAt))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(rawInbound).where(cond),
    db.select({ status: rawInbound.status, n: count() }).from(rawInbound).groupBy(rawInbound.status),
  ]);
  return {
    items: items.map(({ head, ...item }) => ({ ...item, ...summarizeInbound(item.kind, head) })),
    total: total?.n ?? 0,
    page,
    pageSize,
    counts: Object.fromEntries(byStatus.map((r) => [r.status, r.n])) as Partial<Record<RawInboundStatus, number>>,
  };
}

const PREVIEW = 64 * 1024;

/** One item with the start of its raw bytes as text, for an admin deciding whether to replay it. */
export async function getInbound(db: Db, id: string) {
  const [row] = await db.select().from(rawInbound).where(eq(rawInbound.id, id));
  if (!row) throw new AppError("NOT_FOUND", "Inbound item not found.");
  const { bytes, ...rest } = row;
  return { ...rest, preview: bytes.subarray(0, PREVIEW).toString("utf8"), truncated: bytes.length > PREVIEW };
}
