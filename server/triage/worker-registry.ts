import { hostname } from "node:os";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import type { Db } from "@/db/client";
import { inferenceWorkers } from "@/db/schema";
import { reportError } from "@/server/errors";

/**
 * Keeps this worker visible to the others and hands back jobs of workers that died. Liveness is the Postgres
 * backend of a connection this process holds open: a killed process loses it at once, no timeout to tune.
 */
export class WorkerPresence {
  private timer: NodeJS.Timeout | undefined;
  private constructor(
    private readonly db: Db,
    private readonly conn: postgres.Sql,
    readonly id: string,
    private readonly releaseJobs: (queueWorkerIds: string[]) => Promise<void>,
    private readonly log: (line: string) => void,
  ) {}

  static async start(opts: {
    db: Db;
    url: string;
    id: string;
    queueWorkerIds: string[];
    modelVersion: string;
    sequences: number;
    releaseJobs: (queueWorkerIds: string[]) => Promise<void>;
    intervalMs?: number;
    log?: (line: string) => void;
  }) {
    const conn = postgres(opts.url, { max: 1, idle_timeout: 0, connect_timeout: 5, onnotice: () => {} });
    // Registered on that connection, in SQL: backend_start keeps its microseconds (a JS Date would round them off).
    await conn`
      insert into inference_workers (id, queue_worker_ids, host, pid, backend_pid, backend_start, model_version, sequences)
      select ${opts.id}, ${opts.queueWorkerIds}, ${hostname()}, ${process.pid}, pid, backend_start, ${opts.modelVersion}, ${opts.sequences}
      from pg_stat_activity where pid = pg_backend_pid()
      on conflict (id) do nothing`;
    const presence = new WorkerPresence(opts.db, conn, opts.id, opts.releaseJobs, opts.log ?? (() => {}));
    await presence.tick();
    presence.timer = setInterval(() => void presence.tick(), opts.intervalMs ?? 5000);
    presence.timer.unref();
    return presence;
  }

  /** Heartbeat, then reap: dead workers' rows go, and their locked jobs go back to the queue. */
  async tick() {
    try {
      // The backend too: after a database restart this connection is a new backend, and a row naming the old one
      // would look dead to the other workers, which would hand this worker's running jobs out again.
      await this.conn`
        update inference_workers w set heartbeat_at = now(), backend_pid = a.pid, backend_start = a.backend_start
        from pg_stat_activity a where a.pid = pg_backend_pid() and w.id = ${this.id}`;
      const dead = await this.db.execute<{ id: string; queue_worker_ids: string[] }>(sql`
        delete from inference_workers w
        where w.id <> ${this.id}
          and not exists (select 1 from pg_stat_activity a where a.pid = w.backend_pid and a.backend_start = w.backend_start)
        returning w.id, w.queue_worker_ids`);
      const ids = dead.flatMap((r) => r.queue_worker_ids);
      if (ids.length) {
        await this.releaseJobs(ids);
        this.log(`[worker] released the jobs of ${dead.length} worker(s) that stopped without shutting down: ${dead.map((r) => r.id).join(", ")}`);
      }
    } catch (err) {
      reportError("worker presence check", err, this.log);
    }
  }

  /** After an adapter swap: the admin page shows which version each worker runs. */
  async setModelVersion(modelVersion: string) {
    await this.conn`update inference_workers set model_version = ${modelVersion} where id = ${this.id}`;
  }

  async stop() {
    clearInterval(this.timer);
    await this.db.delete(inferenceWorkers).where(sql`${inferenceWorkers.id} = ${this.id}`).catch(() => {});
    await this.conn.end({ timeout: 2 });
  }
}
