"use client";

import { useEffect, useState } from "react";

/**
 * Says so when the service is degraded (the database is not answering), fed by /api/health: polled every 30 s,
 * every 5 s while degraded so the banner goes away soon after recovery. Silent when healthy or unreachable.
 */
export function ServiceBanner() {
  const [degraded, setDegraded] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    let alive = true;
    const poll = async () => {
      let bad = false;
      try {
        const res = await fetch("/api/health", { cache: "no-store" });
        bad = res.status === 503;
      } catch {
        // The web server itself is unreachable: the browser shows that already.
      }
      if (!alive) return;
      setDegraded(bad);
      timer = setTimeout(poll, bad ? 5000 : 30_000);
    };
    void poll();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, []);
  if (!degraded) return null;
  return (
    <div role="alert" data-testid="service-degraded" className="border-b border-amber-300 bg-amber-50 px-4 py-2 text-center text-sm text-amber-900">
      <strong className="font-semibold">Service degraded</strong> — the database is not answering, so tickets can't be loaded or saved.
      Mail waits at the sending servers until it is back; Deskling is restarting it.
    </div>
  );
}
