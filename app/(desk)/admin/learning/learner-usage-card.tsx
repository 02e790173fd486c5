"use client";

import { useQuery } from "@tanstack/react-query";
import { DateTime } from "@/components/layout/relative-time";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";

/**
 * Whether live triage had the learner. A learner that fails does not stop triage, so without this card a broken
 * learner was visible only as a log line while every ticket fell back to the small model's guess.
 */
export function LearnerUsageCard() {
  const trpc = useTRPC();
  const usage = useQuery(trpc.triage.learnerUsage.queryOptions({ hours: 24 }));
  const u = usage.data;
  if (!u) return null;
  const total = u.counts.used + u.counts.untrained + u.counts.unavailable + u.counts.off;
  return (
    <Card aria-label="Learner in live triage">
      <CardHeader>
        <CardTitle>Learner in live triage</CardTitle>
        <span className="text-xs text-zinc-500">last {u.hours} hours</span>
      </CardHeader>
      <CardBody className="flex flex-col gap-2 text-sm">
        {total === 0 ? (
          <p className="text-zinc-500">No triage in this window.</p>
        ) : (
          <p>
            {u.counts.used} of {total} triages used the learner
            {u.counts.untrained ? ` · ${u.counts.untrained} before any verified example` : ""}
            {u.counts.off ? ` · ${u.counts.off} with the learner switched off` : ""}
            {u.counts.unavailable ? (
              <span className="font-medium text-red-700"> · {u.counts.unavailable} without it (failed)</span>
            ) : null}
          </p>
        )}
        {u.lastFailure && (
          <Alert tone="error">
            Last failure <DateTime date={new Date(u.lastFailure.at)} />: {u.lastFailure.error}. Those tickets were triaged by the small model alone and
            are marked as needing a human.
          </Alert>
        )}
        {u.workers.some((w) => w.withoutLearner > 0) && (
          <ul className="text-xs text-zinc-600">
            {u.workers
              .filter((w) => w.withoutLearner > 0)
              .map((w) => (
                <li key={w.workerId}>
                  {w.workerId}: {w.withoutLearner} of {w.total} without the learner
                </li>
              ))}
          </ul>
        )}
      </CardBody>
    </Card>
  );
}
