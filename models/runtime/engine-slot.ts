import type { SlmEngine } from "./engine";

export interface EngineLease {
  engine: SlmEngine;
  release(): void;
}

/**
 * The engine a worker uses, swappable while jobs run: each job leases the current engine for its whole length
 * (triage and draft on one model version), a swap makes new jobs take the new engine, and the old one is disposed
 * only when its last lease is released. So a promoted adapter takes over without a restart and without a job lost
 * or finished on a half-disposed model.
 */
export class EngineSlot {
  private leases = new Map<SlmEngine, number>();
  private retiring = new Set<SlmEngine>();

  constructor(private current: SlmEngine) {}

  get engine() {
    return this.current;
  }

  acquire(): EngineLease {
    const engine = this.current;
    this.leases.set(engine, (this.leases.get(engine) ?? 0) + 1);
    let released = false;
    return {
      engine,
      release: () => {
        if (released) return;
        released = true;
        const n = (this.leases.get(engine) ?? 1) - 1;
        if (n > 0) return void this.leases.set(engine, n);
        this.leases.delete(engine);
        if (this.retiring.delete(engine)) void engine.dispose();
      },
    };
  }

  /** New jobs get `next`; the previous engine is disposed once the jobs holding it are done (returned promise). */
  async swap(next: SlmEngine): Promise<void> {
    const previous = this.current;
    if (previous === next) return;
    this.current = next;
    if (this.leases.has(previous)) this.retiring.add(previous);
    else await previous.dispose();
  }

  /** Shutdown: disposes the current engine and any still retiring. */
  async dispose() {
    await Promise.all([this.current, ...this.retiring].map((e) => e.dispose()));
    this.retiring.clear();
  }
}
