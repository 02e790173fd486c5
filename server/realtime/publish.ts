import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { reportError } from "@/server/errors";
import { MAX_TEXT_BYTES, REALTIME_CHANNEL, type LiveEvent } from "./events";

/**
 * Sends one live event. Inside a transaction, Postgres delivers it at commit, so a listener never hears about a
 * row it cannot read yet (and nothing when the transaction rolls back).
 */
export async function publish(db: DbOrTx, event: LiveEvent) {
  await db.execute(sql`select pg_notify(${REALTIME_CHANNEL}, ${JSON.stringify(event)})`);
}

/**
 * Streams a draft as it is generated: text is buffered and sent every `intervalMs` (one NOTIFY per token would cost
 * a round trip each), split to stay under Postgres' payload limit, and sent strictly one after another so pieces
 * arrive in order even though the pool has several connections.
 */
export class DraftStreamPublisher {
  private buffer = "";
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private failed = false;

  constructor(
    private readonly db: DbOrTx,
    private readonly ids: { ticketId: string; resultId: string },
    private readonly intervalMs = 50,
  ) {}

  push(text: string) {
    this.buffer += text;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush(false);
    }, this.intervalMs);
  }

  /** Sends what is left with `done: true` and waits until every piece went out (or failed: logged, never thrown). */
  async end() {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flush(true);
    await this.chain;
  }

  private flush(done: boolean) {
    const pieces = splitUtf8(this.buffer, MAX_TEXT_BYTES);
    this.buffer = "";
    if (pieces.length === 0 && !done) return;
    if (pieces.length === 0) pieces.push("");
    pieces.forEach((text, i) => {
      const event: LiveEvent = { type: "draft", ...this.ids, seq: this.seq++, text, done: done && i === pieces.length - 1 };
      // A lost live update must not fail the job: the stored draft is the source of truth.
      this.chain = this.chain.then(() => publish(this.db, event)).catch((err) => {
        if (!this.failed) reportError(`realtime draft stream ${this.ids.resultId} lost an update`, err, console.warn);
        this.failed = true;
      });
    });
  }
}

function splitUtf8(text: string, maxBytes: number): string[] {
  const out: string[] = [];
  let current = "";
  let bytes = 0;
  for (const ch of text) {
    const b = Buffer.byteLength(ch);
    if (bytes + b > maxBytes) {
      out.push(current);
      current = "";
      bytes = 0;
    }
    current += ch;
    bytes += b;
  }
  if (current) out.push(current);
  return out;
}
