import type { LlamaContext, LlamaContextSequence } from "node-llama-cpp";
import { LlamaChat } from "node-llama-cpp";

export interface PoolSlot {
  readonly index: number;
  readonly sequence: LlamaContextSequence;
  readonly chat: LlamaChat;
  /** The prefix (system prompt) this sequence last evaluated: a call with the same prefix reuses its KV cache. */
  prefixKey: string | null;
  lastUsed: number;
}

/**
 * One slot per context sequence. A call takes a free slot and gives it back; when several are free it takes
 * the one that already holds its prefix, since on CPU the prompt, not the output, dominates the cost.
 */
export class SequencePool {
  private readonly free: PoolSlot[];
  private readonly waiters: { prefixKey: string; resolve: (slot: PoolSlot) => void; reject: (err: unknown) => void }[] = [];

  constructor(context: LlamaContext) {
    this.free = [];
    for (let i = 0; context.sequencesLeft > 0; i++) {
      const sequence = context.getSequence();
      this.free.push({ index: i, sequence, chat: new LlamaChat({ contextSequence: sequence, autoDisposeSequence: false }), prefixKey: null, lastUsed: 0 });
    }
  }

  get size() {
    return this.free.length + this.busy;
  }
  private busy = 0;

  get idle() {
    return this.free.length;
  }

  acquire(prefixKey: string, signal?: AbortSignal): Promise<PoolSlot> {
    signal?.throwIfAborted();
    const slot = this.take(prefixKey);
    if (slot) return Promise.resolve(slot);
    return new Promise((resolve, reject) => {
      const waiter = {
        prefixKey,
        resolve: (s: PoolSlot) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(s);
        },
        reject,
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  release(slot: PoolSlot) {
    slot.lastUsed = performance.now();
    this.busy--;
    const waiter = this.waiters.shift();
    if (waiter) {
      this.busy++;
      waiter.resolve(slot);
    } else {
      this.free.push(slot);
    }
  }

  /** Fails every waiting caller; used on shutdown. */
  close(reason: Error) {
    for (const w of this.waiters.splice(0)) w.reject(reason);
  }

  private take(prefixKey: string): PoolSlot | undefined {
    if (this.free.length === 0) return undefined;
    let best = this.free.findIndex((s) => s.prefixKey === prefixKey);
    if (best < 0) {
      // Otherwise evict the prefix that has gone unused the longest.
      best = 0;
      for (let i = 1; i < this.free.length; i++) if (this.free[i]!.lastUsed < this.free[best]!.lastUsed) best = i;
    }
    const [slot] = this.free.splice(best, 1);
    this.busy++;
    return slot;
  }
}
