"use client";

import { useEffect, useState, useSyncExternalStore } from "react";

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];
const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

export function formatRelative(date: Date, now: number) {
  const seconds = Math.round((date.getTime() - now) / 1000);
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

export const formatDateTime = (date: Date, timeZone?: string) =>
  date.toLocaleString("en", { dateStyle: "medium", timeStyle: "short", timeZone });

const noSubscription = () => () => {};
/** False while hydrating (matching the server's HTML), true afterwards. */
const useIsClient = () => useSyncExternalStore(noSubscription, () => true, () => false);

/** An absolute time in the reader's time zone; the server, which cannot know it, renders UTC. */
export function DateTime({ date, className }: { date: Date; className?: string }) {
  const client = useIsClient();
  return (
    <time dateTime={date.toISOString()} className={className}>
      {client ? formatDateTime(date) : `${formatDateTime(date, "UTC")} UTC`}
    </time>
  );
}

/** "5 minutes ago", with the exact time on hover; re-rendered each minute so the inbox does not go stale. */
export function RelativeTime({ date, className }: { date: Date; className?: string }) {
  const [now, setNow] = useState(() => Date.now());
  const client = useIsClient();
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(id);
  }, []);
  return (
    // The server's clock ran a moment earlier, so the hydrating text may differ; the key swaps in a fresh
    // element once hydrated, so the browser's own reading replaces the server's.
    <time
      key={client ? "client" : "server"}
      dateTime={date.toISOString()}
      title={client ? formatDateTime(date) : undefined}
      className={className}
      suppressHydrationWarning
    >
      {formatRelative(date, client ? now : Date.now())}
    </time>
  );
}
