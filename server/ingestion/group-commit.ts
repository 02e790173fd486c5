import { isDatabaseUnavailable } from "@/server/errors";

interface Waiting<I, O> {
  item: I;
  resolve: (out: O) => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitOptions<I, O> {
  /** Stores a batch in one statement (one round trip, one commit) and returns one result per item, in order. */
  run: (items: I[]) => Promise<O[]>;
  /** Bounds a batch: at most this many items… */
  maxItems: number;
  /** …and this many bytes (an item bigger than that goes alone). */
  maxBytes: number;
  size: (item: I) => number;
  /**
   * Batches in flight at once. Two keep the database busy while a commit waits for its WAL flush (fsync), so the
   * next batch is already executing; more would only make batches smaller.
   */
  concurrency: number;
}

/**
 * Group commit, the way databases and MTAs absorb many small writers: calls that arrive while batches are being
 * stored wait, and go together in the next one, so a burst costs one round trip and one commit per batch instead of
 * per item. No timer: a lone call is stored at once (after the I/O callbacks already due). Each caller is answered
 * when its own batch has committed.
 * A batch that fails for a reason other than an unreachable database is retried item by item, so one bad item fails
 * alone and the others are stored; an unreachable database fails the whole batch at once (the callers answer 451/503).
 */
export function groupCommit<I, O>(opts: GroupCommitOptions<I, O>): (item: I) => Promise<O> {
  const waiting: Waiting<I, O>[] = [];
  let running = 0;

  const settle = async (batch: Waiting<I, O>[]) => {
    try {
      const out = await opts.run(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(out[i]!));
    } catch (err) {
      if (batch.length === 1 || isDatabaseUnavailable(err)) for (const w of batch) w.reject(err);
      else for (const w of batch) await settle([w]);
    }
  };

  const drain = async () => {
    while (waiting.length) {
      let bytes = 0;
      let n = 0;
      while (n < waiting.length && n < opts.maxItems && (n === 0 || bytes + opts.size(waiting[n]!.item) <= opts.maxBytes)) {
        bytes += opts.size(waiting[n]!.item);
        n++;
      }
      await settle(waiting.splice(0, n));
    }
    running--;
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (running >= opts.concurrency) return;
      running++;
      // After the current round of I/O callbacks, so the requests that arrived in it share the first batch too.
      setImmediate(drain);
    });
}
