/**
 * What each dashboard figure means, written once: the page shows these texts beside the figures and the README's
 * Analytics section carries the same words (a test keeps them equal). Times are wall-clock (no business hours).
 */
export const METRICS = {
  created: {
    label: "Created",
    text: "Tickets whose first message arrived on that day (in the chosen time zone), whatever their state now.",
  },
  solved: {
    label: "Solved",
    text: "Tickets solved or closed now whose final solve fell on that day. A ticket solved, reopened and solved again counts once, on the last day.",
  },
  backlog: {
    label: "Open backlog",
    text: "Tickets created by the end of the day and not yet finally solved then: a ticket counts as open from its creation to its final solve, including any time it spent solved before a reopen.",
  },
  needsHumanQueue: {
    label: "Needs-human queue",
    text: "Unsolved tickets whose latest triage asked for a person (unsure, flagged or failed), now, ignoring the date range.",
  },
  firstReply: {
    label: "First reply time",
    text: "From the ticket's creation to its first public reply (an agent's reply or one sent through the API; internal notes do not count), for tickets created in the range; for imported history without messages, the ticket's recorded first response. Tickets without a reply are counted apart.",
  },
  resolution: {
    label: "Full resolution time",
    text: "From creation to the final solve, for tickets finally solved in the range (reopened tickets run to their last solve).",
  },
  requesterWait: {
    label: "Requester wait",
    text: "Time the customer spent waiting for us: from each customer message that follows a reply (or opens the ticket) to the next public reply, or to the solve when none came; summed per ticket, for tickets finally solved in the range.",
  },
  slaBreached: {
    label: "SLA breached",
    text: "Share of tickets created in the range (with a policy for their priority) that missed a target: the first reply came later than the first-reply target or is still missing past it, or the final solve came (or is still missing) later than the resolution target.",
  },
  slaAtRisk: {
    label: "At risk now",
    text: "Unsolved tickets, now, that have not breached yet but have used 75% or more of the time for their next target (first reply while none was sent, else resolution).",
  },
  oneTouch: {
    label: "One-touch resolution",
    text: "Share of tickets finally solved in the range that got exactly one public reply.",
  },
  reopenRate: {
    label: "Reopen rate",
    text: "Share of tickets finally solved in the range that went from solved or closed back to an open state at least once (a customer writing again, or an agent reopening).",
  },
  categoryAccuracy: {
    label: "Category accuracy",
    text: "Per model version: the latest triage of each ticket in the range against the agents' final category: the newest category correction, or the category a solved ticket kept when nobody changed it. Tickets with neither are not judged.",
  },
  confusions: {
    label: "Top confusions",
    text: "The most frequent (AI category → final category) pairs where they differ, among judged tickets.",
  },
  needsHumanRate: {
    label: "Needs-human rate",
    text: "Share of triage runs that asked for a person; 'accuracy of the rest' is category accuracy on the runs that did not.",
  },
  draftUse: {
    label: "Draft use",
    text: "Each public reply in the range: used as is (sent from a draft without a change), used with edits (from a draft, changed), discarded (a draft was there but the reply did not start from it), or written from scratch (no draft was there). Attributed to the draft's model version.",
  },
  draftDistance: {
    label: "Draft edits",
    text: "For replies sent from a draft: median characters changed (Levenshtein) and mean chrF (0–100, 100 = sent as drafted) between draft and sent text.",
  },
  summaryAcceptance: {
    label: "Summary acceptance",
    text: "Per model version: tickets whose AI summary an agent reviewed in the range (accepted or changed it in the AI panel, recorded as a correction of the field 'summary' with the AI's text, the final text and the model version), by each ticket's latest review: the share that kept the AI summary.",
  },
  learningCurve: {
    label: "Learning curve",
    text: "Category accuracy by week of triage (weeks start on Monday in the chosen time zone), per model version, with the verified labels recorded so far.",
  },
  triageLatency: {
    label: "Triage latency",
    text: "Per model version and worker, over triage runs started in the range: total model time p50/p95, queue wait (enqueued → started) p50/p95, time to first token p50, median generation speed, failed runs (status failed) and retries (attempts beyond the first).",
  },
  cost: {
    label: "Cost",
    text: "Tokens processed by triage and drafts in the range. Local cost = model time (hours) × the configured server cost per hour; cloud cost = the same prompt and output tokens at the configured cloud price per 1,000 tokens. Monthly = the range's daily average × 30. A server kept for triage alone costs its hourly price × 730 a month whatever it processes; that figure is shown too.",
  },
} as const;

export type MetricId = keyof typeof METRICS;
