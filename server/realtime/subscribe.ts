import { EventEmitter, on } from "node:events";
import type { Db } from "@/db/client";
import { liveEvent, REALTIME_CHANNEL, type LiveEvent } from "./events";

const hubs = new WeakMap<Db, Promise<EventEmitter>>();

/**
 * One LISTEN connection per process (postgres.js keeps it and re-listens after a reconnect), fanned out in memory
 * to every subscriber: a hundred open ticket pages cost one Postgres connection, not a hundred.
 */
function hub(db: Db): Promise<EventEmitter> {
  let pending = hubs.get(db);
  if (!pending) {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    pending = db.$sql
      .listen(REALTIME_CHANNEL, (payload) => {
        const parsed = liveEvent.safeParse(safeJson(payload));
        if (parsed.success) emitter.emit("event", parsed.data);
      })
      .then(() => emitter);
    pending.catch(() => hubs.delete(db));
    hubs.set(db, pending);
  }
  return pending;
}

/**
 * Live events that pass `filter`, until `signal` aborts. Resolves once the LISTEN is active, so an event published
 * after the caller awaited this function is never missed.
 */
export async function subscribe(db: Db, filter: (e: LiveEvent) => boolean, signal: AbortSignal): Promise<AsyncIterable<LiveEvent>> {
  const emitter = await hub(db);
  const iterator = on(emitter, "event", { signal }) as AsyncIterableIterator<[LiveEvent]>;
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for await (const [event] of iterator) if (filter(event)) yield event;
      } catch (err) {
        if (!signal.aborted) throw err;
      }
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
