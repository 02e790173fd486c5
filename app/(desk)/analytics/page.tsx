import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { getQueryClient, HydrateClient, trpcServer } from "@/server/trpc/rsc";
import { hasRole } from "@/server/auth/roles";
import { requireUser } from "@/server/auth/session";
import { METRICS } from "@/server/analytics/definitions";
import { AnalyticsDashboard } from "./dashboard";
import { parseDashboardParams, queryParams } from "./dashboard-params";

export const metadata: Metadata = { title: "Analytics" };

/** Managers and admins; an agent gets a 403 page (not a redirect: the address was right, the role is not). */
export default async function AnalyticsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  if (!hasRole(user, "manager")) forbidden();
  const now = new Date();
  const p = parseDashboardParams(await searchParams, now);
  const params = queryParams(p);
  const qc = getQueryClient();
  await Promise.all([
    qc.prefetchQuery(trpcServer.analytics.options.queryOptions()),
    qc.prefetchQuery(trpcServer.analytics.volume.queryOptions({ params, by: p.by })),
    qc.prefetchQuery(trpcServer.analytics.backlog.queryOptions({ params })),
    qc.prefetchQuery(trpcServer.analytics.needsHumanQueue.queryOptions({ params })),
    qc.prefetchQuery(trpcServer.analytics.responseTimes.queryOptions({ params })),
    qc.prefetchQuery(trpcServer.analytics.requesterWait.queryOptions({ params })),
    qc.prefetchQuery(trpcServer.analytics.slaBreaches.queryOptions({ params })),
    qc.prefetchQuery(trpcServer.analytics.slaAtRisk.queryOptions({ params })),
    qc.prefetchQuery(trpcServer.analytics.aiQuality.queryOptions({ params })),
    qc.prefetchQuery(trpcServer.analytics.aiConfusions.queryOptions({ params, top: 5 })),
    qc.prefetchQuery(trpcServer.analytics.learningCurve.queryOptions({ params })),
    qc.prefetchQuery(trpcServer.analytics.draftUse.queryOptions({ params })),
    qc.prefetchQuery(trpcServer.analytics.modelOps.queryOptions({ params })),
    qc.prefetchQuery(trpcServer.analytics.cost.queryOptions({ params })),
  ]);
  return (
    <HydrateClient>
      <AnalyticsDashboard definitions={METRICS} now={now.toISOString()} />
    </HydrateClient>
  );
}
