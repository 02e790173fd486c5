import type { Metadata } from "next";
import { getQueryClient, HydrateClient, trpcServer } from "@/server/trpc/rsc";
import { requireUser } from "@/server/auth/session";
import { EncoderCard } from "./encoder-card";
import { EvalRunsTable } from "./eval-runs-table";
import { ImportForm } from "./import-form";
import { LearnerSummary } from "./learner-summary";
import { LearnerUsageCard } from "./learner-usage-card";
import { SlmCard } from "./slm-card";
import { TriageTrustCard } from "./triage-trust-card";

export const metadata: Metadata = { title: "Learning" };

export default async function AdminLearningPage() {
  await requireUser("admin");
  const qc = getQueryClient();
  await Promise.all([
    qc.prefetchQuery(trpcServer.learning.overview.queryOptions()),
    qc.prefetchQuery(trpcServer.learning.encoders.queryOptions()),
    qc.prefetchQuery(trpcServer.triage.learnerUsage.queryOptions({ hours: 24 })),
    qc.prefetchQuery(trpcServer.slm.overview.queryOptions()),
    qc.prefetchQuery(trpcServer.triage.settings.queryOptions()),
  ]);
  return (
    <HydrateClient>
      <div className="flex flex-col gap-3">
        <div>
          <h1 className="text-lg font-semibold tracking-tight">Learning</h1>
          <p className="text-sm text-zinc-500">
            What triage has learned from verified labels: agents&apos; corrections, API and helpdesk updates, and imported history. New examples reach
            every worker within seconds.
          </p>
        </div>
        <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,1fr)_360px]">
          <div className="flex min-w-0 flex-col gap-4">
            <LearnerUsageCard />
            <TriageTrustCard />
            <LearnerSummary />
            <EncoderCard />
            <SlmCard />
            <EvalRunsTable />
          </div>
          <ImportForm />
        </div>
      </div>
    </HydrateClient>
  );
}
