"use client";

import { useEffect, useState } from "react";
import { cn } from "@/components/ui/cn";

function span(ms: number) {
  const m = Math.round(Math.abs(ms) / 60_000);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Time left to the ticket's next SLA target (first reply, then resolution; from sla_policies), live. */
export function SlaTimer({ dueAt, firstResponseAt, className }: { dueAt: Date | string | null; firstResponseAt: Date | string | null; className?: string }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  if (!dueAt) return <span className={cn("text-zinc-300", className)}>—</span>;
  const due = new Date(dueAt).getTime();
  // Rendered on the server without a clock of its own: show the deadline's kind only until the browser ticks.
  if (now === null) return <span className={cn("text-zinc-400", className)}>…</span>;
  const left = due - now;
  const what = firstResponseAt ? "Resolve" : "Reply";
  const tone = left < 0 ? "text-red-700 font-medium" : left < 3600_000 ? "text-amber-700 font-medium" : "text-zinc-600";
  return (
    <span className={cn("whitespace-nowrap tabular-nums", tone, className)} title={`${what === "Reply" ? "First reply" : "Resolution"} due ${new Date(due).toLocaleString()}`}>
      {left < 0 ? `${what} late ${span(left)}` : `${what} ${span(left)}`}
    </span>
  );
}
