/** "about 4 min" from seconds; rough on purpose, it comes from the measured throughput. */
export function formatWait(seconds: number) {
  if (seconds < 60) return "under a minute";
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min`;
  const h = seconds / 3600;
  return `about ${h < 10 ? h.toFixed(1) : Math.round(h)} h`;
}

export interface QueuePlaceView {
  state: "queued" | "running" | "retrying";
  position: number | null;
  expectedWaitSeconds: number | null;
}

/** One line on where a ticket's triage stands: "#3 in queue · about 2 min". */
export function queuePlaceText(q: QueuePlaceView) {
  if (q.state === "running") return "Being triaged";
  if (q.state === "retrying") return "Waiting to retry";
  const pos = q.position === 1 ? "Next in queue" : `#${q.position} in queue`;
  return q.expectedWaitSeconds === null ? pos : `${pos} · ${formatWait(q.expectedWaitSeconds)}`;
}
