"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import type { AppRouter } from "@/server/trpc/root";
import type { inferRouterOutputs } from "@trpc/server";

type Setting = inferRouterOutputs<AppRouter>["triage"]["settings"][number];

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const NAMES: Record<Setting["field"], string> = { category: "Category", priority: "Priority" };

/**
 * Why agents see (or do not see) a percentage beside a field, and when triage may file it by itself: the held-out
 * calibration that decides the first, and the auto-apply switch with the precision measured on this installation.
 */
export function TriageTrustCard() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.triage.settings.queryOptions());
  if (!settings.data) return null;
  return (
    <Card aria-label="Confidence and auto-apply">
      <CardHeader>
        <CardTitle>Confidence and auto-apply</CardTitle>
        <span className="text-xs text-zinc-500">measured {settings.data[0]?.calibration.measuredAt || "never"}</span>
      </CardHeader>
      <CardBody className="flex flex-col gap-3 text-sm">
        <p className="text-zinc-600">
          Agents see a field&apos;s probability only when its expected calibration error on held-out tickets is at most{" "}
          {pct(settings.data[0]?.calibration.maxEce ?? 0.05)}; otherwise the field shows its answer, or &ldquo;unsure&rdquo;. The small model&apos;s own
          numbers are never shown.
        </p>
        {settings.data.map((s) => (
          <FieldTrust key={s.field} setting={s} />
        ))}
        <p className="text-xs text-zinc-500">
          Measured by <code className="rounded bg-zinc-100 px-1">{settings.data[0]?.calibration.command}</code>
        </p>
      </CardBody>
    </Card>
  );
}

function FieldTrust({ setting: s }: { setting: Setting }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [threshold, setThreshold] = useState(String(s.minConfidence));
  // The switch moves at once; a refused change puts it back.
  const [on, setOn] = useState(s.autoApply);
  const update = useMutation(
    trpc.triage.updateSetting.mutationOptions({
      onSuccess: (data) => queryClient.setQueryData(trpc.triage.settings.queryKey(), data),
      onError: () => setOn(s.autoApply),
    }),
  );
  const c = s.calibration;
  const value = Number(threshold);
  const valid = Number.isFinite(value) && value >= 0.5 && value <= 1;
  const error = formError(update.error);
  return (
    <section className="flex flex-col gap-1.5 border-t border-zinc-100 pt-2" data-testid={`trust-${s.field}`}>
      <div className="flex items-baseline justify-between gap-2">
        <h3 className="font-medium">{NAMES[s.field]}</h3>
        <span className={c.shown ? "text-xs text-emerald-700" : "text-xs text-amber-700"}>
          {c.ece === null ? "not measured: no percentage shown" : c.shown ? `percentage shown (ECE ${pct(c.ece)})` : `no percentage shown (ECE ${pct(c.ece)})`}
        </span>
      </div>
      <ul className="text-xs text-zinc-600">
        {c.runs.map((r) => (
          <li key={r.data}>
            {r.data}: accuracy {pct(r.accuracy)}, ECE {pct(r.ece)} ({pct(r.eceShown)} on the answers shown)
          </li>
        ))}
      </ul>
      <form
        className="flex flex-wrap items-center gap-2 text-xs"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) update.mutate({ field: s.field, autoApply: on, minConfidence: value });
        }}
      >
        <label className="flex items-center gap-1.5">
          <input
            type="checkbox"
            className="size-4"
            checked={on}
            disabled={update.isPending || !valid}
            onChange={(e) => {
              setOn(e.target.checked);
              update.mutate({ field: s.field, autoApply: e.target.checked, minConfidence: value });
            }}
          />
          File it on new tickets by itself at or above
        </label>
        <Input
          aria-label={`${NAMES[s.field]} auto-apply threshold`}
          type="number"
          min={0.5}
          max={1}
          step={0.01}
          value={threshold}
          onChange={(e) => setThreshold(e.target.value)}
          aria-invalid={!valid}
          className="h-7 w-20 text-xs"
        />
        <Button size="sm" variant="secondary" type="submit" disabled={update.isPending || !valid || value === s.minConfidence}>
          Save
        </Button>
        <span className="text-zinc-600">
          {s.precision.value === null
            ? "precision at this threshold: no verified answers yet"
            : `precision at this threshold: ${s.precision.correct} of ${s.precision.verified} verified answers right (${pct(s.precision.value)})`}
        </span>
      </form>
      {error && <Alert tone="error">{error}</Alert>}
    </section>
  );
}
