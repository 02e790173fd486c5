/**
 * graphile-worker runs lower `priority` numbers first (then older `run_at`). On CPU the queue drains a few tickets a
 * minute, so the order is the product: a customer writing now must not wait behind a backlog nobody is waiting for.
 */
export const TRIAGE_PRIORITY = {
  /** An agent pressed "Triage now": to the front. */
  now: -10,
  /** Mail, webhooks, API and agent-created tickets as they arrive. */
  live: 0,
  /** Replayed inbound items and re-triage of already triaged tickets. */
  replay: 10,
  /** The demo seed and bulk imports: run when nothing live waits. */
  backfill: 20,
} as const;

export type TriagePriority = (typeof TRIAGE_PRIORITY)[keyof typeof TRIAGE_PRIORITY];

export function priorityClass(p: number): keyof typeof TRIAGE_PRIORITY {
  if (p <= TRIAGE_PRIORITY.now) return "now";
  if (p <= TRIAGE_PRIORITY.live) return "live";
  if (p <= TRIAGE_PRIORITY.replay) return "replay";
  return "backfill";
}
