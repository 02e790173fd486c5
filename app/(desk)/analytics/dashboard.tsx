"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useMemo, useState, type ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Card } from "@/components/ui/card";
import { Input, Select } from "@/components/ui/input";
import { Table, Td, Th } from "@/components/ui/table";
import type { METRICS } from "@/server/analytics/definitions";
import { ChartCard } from "./chart-card";
import { addDays, CHANNELS, DIMENSIONS, dashboardSearch, type DashboardParams, PRESETS, parseDashboardParams, queryParams, todayIn } from "./dashboard-params";
import { type Drill, DrillDown, DrillNumber } from "./drill-down";
import { fmtInt, fmtMinutes, fmtMoney, fmtMs, fmtPct, PALETTE } from "./format";

type Definitions = typeof METRICS;
const keep = { placeholderData: keepPreviousData };
const axis = { fontSize: 11, fill: "#52525b" };
const shortDay = (d: string) => `${Number(d.slice(8))} ${["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][Number(d.slice(5, 7)) - 1]}`;
const ZONES = ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney"];

export function AnalyticsDashboard({ definitions, now }: { definitions: Definitions; now: string }) {
  const trpc = useTRPC();
  const searchParams = useSearchParams();
  const p = useMemo(() => parseDashboardParams(searchParams, new Date(now)), [searchParams, now]);
  const params = useMemo(() => queryParams(p), [p]);
  const [drill, setDrill] = useState<Drill | null>(null);
  // The URL is the filter state: shareable, and the back button undoes a filter change.
  const navigate = (patch: Partial<DashboardParams>) => window.history.pushState(null, "", `/analytics${dashboardSearch({ ...p, ...patch })}`);

  const options = useQuery(trpc.analytics.options.queryOptions());
  const volume = useQuery({ ...trpc.analytics.volume.queryOptions({ params, by: p.by }), ...keep });
  const backlog = useQuery({ ...trpc.analytics.backlog.queryOptions({ params }), ...keep });
  const queue = useQuery({ ...trpc.analytics.needsHumanQueue.queryOptions({ params }), ...keep });
  const speed = useQuery({ ...trpc.analytics.responseTimes.queryOptions({ params }), ...keep });
  const wait = useQuery({ ...trpc.analytics.requesterWait.queryOptions({ params }), ...keep });
  const sla = useQuery({ ...trpc.analytics.slaBreaches.queryOptions({ params }), ...keep });
  const atRisk = useQuery({ ...trpc.analytics.slaAtRisk.queryOptions({ params }), ...keep });
  const quality = useQuery({ ...trpc.analytics.aiQuality.queryOptions({ params }), ...keep });
  const confusions = useQuery({ ...trpc.analytics.aiConfusions.queryOptions({ params, top: 5 }), ...keep });
  const curve = useQuery({ ...trpc.analytics.learningCurve.queryOptions({ params }), ...keep });
  const drafts = useQuery({ ...trpc.analytics.draftUse.queryOptions({ params }), ...keep });
  const ops = useQuery({ ...trpc.analytics.modelOps.queryOptions({ params }), ...keep });
  const cost = useQuery({ ...trpc.analytics.cost.queryOptions({ params }), ...keep });

  // Per day, one column per dimension value (created), plus the day's solved total.
  const { days, keys } = useMemo(() => {
    const byDay = new Map<string, Record<string, number | string>>();
    const keys = [...new Set((volume.data ?? []).map((r) => r.key))].sort();
    for (let d = p.from; d <= p.to; d = addDays(d, 1)) byDay.set(d, { day: d, solved: 0, created: 0 });
    for (const r of volume.data ?? []) {
      const row = byDay.get(r.day);
      if (!row) continue;
      row[r.key] = ((row[r.key] as number) ?? 0) + r.created;
      row.created = (row.created as number) + r.created;
      row.solved = (row.solved as number) + r.solved;
    }
    return { days: [...byDay.values()], keys };
  }, [volume.data, p.from, p.to]);
  const created = days.reduce((a, d) => a + (d.created as number), 0);
  const solved = days.reduce((a, d) => a + (d.solved as number), 0);
  const all = speed.data?.find((r) => r.groupBy === "all");
  const waitAll = wait.data?.find((r) => r.groupBy === "all");
  const slaAll = sla.data?.find((r) => r.priority === "all");
  const open = (d: Drill) => setDrill(d);
  const byPriority = (speed.data ?? []).filter((r) => r.groupBy === "priority").sort((a, b) => PRIORITY_ORDER.indexOf(a.group) - PRIORITY_ORDER.indexOf(b.group));
  const byTeam = (speed.data ?? []).filter((r) => r.groupBy === "team");
  const versions = [...new Set((curve.data ?? []).map((c) => c.modelVersion))];
  const weeks = useMemo(() => {
    const m = new Map<string, Record<string, number | string | null>>();
    for (const c of curve.data ?? []) {
      const row = m.get(c.week) ?? { week: c.week, labels: 0 };
      row[c.modelVersion] = c.judged > 0 ? Math.round((c.correct / c.judged) * 1000) / 10 : null;
      row.labels = Math.max(Number(row.labels), c.labelsSoFar);
      m.set(c.week, row);
    }
    return [...m.values()];
  }, [curve.data]);
  const csv = (name: string) => `deskling-${name}-${p.from}-to-${p.to}`;

  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-col gap-3">
        <div className="flex items-baseline justify-between gap-3">
          <h1 className="text-lg font-semibold tracking-tight">Analytics</h1>
          <p className="text-xs text-zinc-500">Days run midnight to midnight in {p.tz}. Click an underlined figure to see its tickets.</p>
        </div>
        <Card>
          <form className="flex flex-wrap items-end gap-2 px-3 py-2.5" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
            <Filter label="From">
              <Input type="date" className="h-7 w-32 text-xs" value={p.from} max={p.to} onChange={(e) => e.target.value && navigate({ from: e.target.value })} />
            </Filter>
            <Filter label="To">
              <Input type="date" className="h-7 w-32 text-xs" value={p.to} min={p.from} onChange={(e) => e.target.value && navigate({ to: e.target.value })} />
            </Filter>
            <div role="group" aria-label="Range presets" className="flex items-center gap-1">
              {PRESETS.map((r) => {
                const to = todayIn(p.tz, new Date(now));
                const from = addDays(to, -(r.days - 1));
                const on = p.from === from && p.to === to;
                return (
                  <button
                    key={r.days}
                    type="button"
                    aria-pressed={on}
                    onClick={() => navigate({ from, to })}
                    className={`h-7 rounded-md border px-2 text-xs font-medium ${on ? "border-zinc-900 bg-zinc-900 text-white" : "border-zinc-200 bg-white text-zinc-600 hover:bg-zinc-50"}`}
                  >
                    {r.label}
                  </button>
                );
              })}
            </div>
            <Filter label="Time zone">
              <Select className="h-7 w-36 text-xs" value={p.tz} onChange={(e) => navigate({ tz: e.target.value })}>
                {[...new Set([p.tz, ...ZONES])].map((z) => (
                  <option key={z}>{z}</option>
                ))}
              </Select>
            </Filter>
            <Filter label="Team">
              <Select className="h-7 w-36 text-xs" value={p.team} onChange={(e) => navigate({ team: e.target.value })}>
                <option value="">All teams</option>
                {options.data?.teams.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </Select>
            </Filter>
            <Filter label="Agent">
              <Select className="h-7 w-36 text-xs" value={p.agent} onChange={(e) => navigate({ agent: e.target.value })}>
                <option value="">All agents</option>
                {options.data?.agents.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </Select>
            </Filter>
            <Filter label="Channel">
              <Select className="h-7 w-36 text-xs" value={p.channel} onChange={(e) => navigate({ channel: e.target.value as DashboardParams["channel"] })}>
                <option value="">All channels</option>
                {CHANNELS.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </Select>
            </Filter>
            <Filter label="Model version">
              <Select className="h-7 w-44 text-xs" value={p.model} onChange={(e) => navigate({ model: e.target.value })}>
                <option value="">All versions</option>
                {[...new Set([...(p.model ? [p.model] : []), ...(options.data?.modelVersions ?? [])])].map((v) => (
                  <option key={v}>{v}</option>
                ))}
              </Select>
            </Filter>
          </form>
        </Card>
      </div>

      <Section title="Volume and backlog">
        <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
          <Kpi label={definitions.created.label} hint={definitions.created.text}>
            <DrillNumber label="Show the tickets created" onOpen={() => open({ title: "Tickets created", metric: "created" })}>
              {fmtInt(created)}
            </DrillNumber>
          </Kpi>
          <Kpi label={definitions.solved.label} hint={definitions.solved.text}>
            <DrillNumber label="Show the tickets solved" onOpen={() => open({ title: "Tickets solved", metric: "solved" })}>
              {fmtInt(solved)}
            </DrillNumber>
          </Kpi>
          <Kpi label={`${definitions.backlog.label} at the end`} hint={definitions.backlog.text}>
            {fmtInt(backlog.data?.at(-1)?.open)}
          </Kpi>
          <Kpi label={definitions.needsHumanQueue.label} hint={definitions.needsHumanQueue.text}>
            <DrillNumber label="Show the needs-human queue" onOpen={() => open({ title: "Needs-human queue", metric: "needsHuman" })}>
              {fmtInt(queue.data?.count)}
            </DrillNumber>
          </Kpi>
        </div>
        <div className="grid gap-3 lg:grid-cols-2">
          <ChartCard
            title={`Created per day by ${p.by}, and solved`}
            definition={`${definitions.created.text} ${definitions.solved.text}`}
            summary={`${fmtInt(created)} created and ${fmtInt(solved)} solved from ${p.from} to ${p.to}, stacked by ${p.by}; the line is solved per day.`}
            loading={volume.isPending}
            csvName={csv(`volume-by-${p.by}`)}
            rows={volume.data ?? []}
            columns={[
              { label: "Day", value: (r) => r.day },
              { label: p.by, value: (r) => r.key },
              { label: "Created", value: (r) => r.created },
              { label: "Solved", value: (r) => r.solved },
            ]}
            actions={
              <Select aria-label="Split by" className="h-7 w-auto text-xs" value={p.by} onChange={(e) => navigate({ by: e.target.value as DashboardParams["by"] })}>
                {DIMENSIONS.map((d) => (
                  <option key={d} value={d}>
                    by {d}
                  </option>
                ))}
              </Select>
            }
            chart={
              <ResponsiveContainer>
                <ComposedChart data={days} margin={{ top: 4, right: 8, bottom: 0, left: -12 }}>
                  <CartesianGrid stroke="#e4e4e7" vertical={false} />
                  <XAxis dataKey="day" tickFormatter={shortDay} tick={axis} minTickGap={16} />
                  <YAxis allowDecimals={false} tick={axis} />
                  <Tooltip labelFormatter={(d) => shortDay(String(d))} />
                  <Legend wrapperStyle={{ fontSize: 11 }} />
                  {keys.map((k, i) => (
                    <Bar
                      isAnimationActive={false}
                      key={k}
                      dataKey={k}
                      stackId="created"
                      fill={PALETTE[i % PALETTE.length]}
                      cursor="pointer"
                      onClick={(d: { payload?: { day?: string } }) => d.payload?.day && open({ title: `Created on ${d.payload.day}`, metric: "created", day: d.payload.day })}
                    />
                  ))}
                  <Line isAnimationActive={false} dataKey="solved" name="solved" stroke="#000" strokeDasharray="4 2" dot={false} />
                </ComposedChart>
              </ResponsiveContainer>
            }
          />
          <ChartCard
            title="Open backlog"
            definition={definitions.backlog.text}
            summary={`Open tickets at the end of each day, from ${fmtInt(backlog.data?.[0]?.open)} on ${p.from} to ${fmtInt(backlog.data?.at(-1)?.open)} on ${p.to}.`}
            loading={backlog.isPending}
            csvName={csv("backlog")}
            rows={backlog.data ?? []}
            columns={[
              { label: "Day", value: (r) => r.day },
              { label: "Open at the end of the day", value: (r) => r.open },
            ]}
            chart={
              <ResponsiveContainer>
                <LineChart data={backlog.data} margin={{ top: 4, right: 8, bottom: 0, left: -12 }}>
                  <CartesianGrid stroke="#e4e4e7" vertical={false} />
                  <XAxis dataKey="day" tickFormatter={shortDay} tick={axis} minTickGap={16} />
                  <YAxis allowDecimals={false} tick={axis} />
                  <Tooltip labelFormatter={(d) => shortDay(String(d))} />
                  <Line isAnimationActive={false} dataKey="open" name="open" stroke={PALETTE[0]} strokeWidth={2} dot={false} />
                </LineChart>
              </ResponsiveContainer>
            }
          />
        </div>
      </Section>

      <Section title="Speed and SLA">
        <div className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-7">
          <Kpi label={`${definitions.firstReply.label} (median)`} hint={definitions.firstReply.text} sub={all && `p90 ${fmtMinutes(all.firstReplyP90Min)}`}>
            {fmtMinutes(all?.firstReplyMedianMin)}
          </Kpi>
          <Kpi label={`${definitions.resolution.label} (median)`} hint={definitions.resolution.text} sub={all && `p90 ${fmtMinutes(all.resolutionP90Min)}`}>
            {fmtMinutes(all?.resolutionMedianMin)}
          </Kpi>
          <Kpi label={`${definitions.requesterWait.label} (median)`} hint={definitions.requesterWait.text} sub={waitAll && `p90 ${fmtMinutes(waitAll.p90Min)}`}>
            {fmtMinutes(waitAll?.medianMin)}
          </Kpi>
          <Kpi label={definitions.slaBreached.label} hint={definitions.slaBreached.text} sub={slaAll && `${fmtInt(slaAll.breached)} of ${fmtInt(slaAll.tickets)}`}>
            <DrillNumber label="Show the tickets that breached" onOpen={() => open({ title: "SLA breached", metric: "breached" })}>
              {slaAll ? fmtPct(slaAll.breached, slaAll.tickets) : "—"}
            </DrillNumber>
          </Kpi>
          <Kpi label={definitions.slaAtRisk.label} hint={definitions.slaAtRisk.text}>
            {fmtInt(atRisk.data?.length)}
          </Kpi>
          <Kpi label={definitions.oneTouch.label} hint={definitions.oneTouch.text} sub={all && `${fmtInt(all.oneTouch)} of ${fmtInt(all.solvedTickets)}`}>
            <DrillNumber label="Show the one-touch tickets" onOpen={() => open({ title: "Solved with one reply", metric: "oneTouch" })}>
              {all ? fmtPct(all.oneTouch, all.solvedTickets) : "—"}
            </DrillNumber>
          </Kpi>
          <Kpi label={definitions.reopenRate.label} hint={definitions.reopenRate.text} sub={all && `${fmtInt(all.reopened)} of ${fmtInt(all.solvedTickets)}`}>
            <DrillNumber label="Show the reopened tickets" onOpen={() => open({ title: "Reopened tickets", metric: "reopened" })}>
              {all ? fmtPct(all.reopened, all.solvedTickets) : "—"}
            </DrillNumber>
          </Kpi>
        </div>
        <div className="grid gap-3 lg:grid-cols-[minmax(0,5fr)_minmax(0,7fr)]">
          <ChartCard
            title="Median first reply and resolution by priority (hours)"
            definition={`${definitions.firstReply.text} ${definitions.resolution.text}`}
            summary={byPriority.map((r) => `${r.group}: first reply ${fmtMinutes(r.firstReplyMedianMin)}, resolution ${fmtMinutes(r.resolutionMedianMin)}`).join("; ")}
            loading={speed.isPending}
            csvName={csv("speed-by-priority")}
            rows={byPriority}
            columns={speedColumns}
            chart={
              <ResponsiveContainer>
                <BarChart
                  data={byPriority.map((r) => ({ group: r.group, firstReply: hours(r.firstReplyMedianMin), resolution: hours(r.resolutionMedianMin) }))}
                  margin={{ top: 4, right: 8, bottom: 0, left: -12 }}
                >
                  <CartesianGrid stroke="#e4e4e7" vertical={false} />
                  <XAxis dataKey="group" tick={axis} />
                  <YAxis tick={axis} />
                  <Tooltip />
                  <Legend wrapperStyle={{ fontSize: 11 }} />
                  <Bar isAnimationActive={false} dataKey="firstReply" name="first reply (h)" fill={PALETTE[0]} />
                  <Bar isAnimationActive={false} dataKey="resolution" name="resolution (h)" fill={PALETTE[1]} />
                </BarChart>
              </ResponsiveContainer>
            }
          />
          <Card className="min-w-0">
            <div className="border-b border-zinc-100 px-4 py-2.5 text-xs font-semibold uppercase tracking-wide text-zinc-500">By team and priority</div>
            <div className="max-h-72 overflow-y-auto">
              <Table>
                <thead className="sticky top-0">
                  <tr>
                    <Th />
                    <Th className="text-right">Created</Th>
                    <Th className="text-right">No reply</Th>
                    <Th className="text-right">First reply p50 / p90</Th>
                    <Th className="text-right">Solved</Th>
                    <Th className="text-right">Resolution p50 / p90</Th>
                    <Th className="text-right">Reopened</Th>
                  </tr>
                </thead>
                <tbody>
                  {[...byTeam, ...byPriority].map((r) => {
                    const g = { groupBy: r.groupBy as "team" | "priority", group: r.group };
                    return (
                      <tr key={`${r.groupBy}:${r.group}`}>
                        <Th scope="row" className="bg-white font-medium text-zinc-700">
                          {r.groupBy === "priority" ? `Priority ${r.group}` : r.group}
                        </Th>
                        <Td className="text-right tabular-nums">
                          <DrillNumber label={`Show the tickets created, ${r.group}`} onOpen={() => open({ title: `Created: ${r.group}`, metric: "created", ...g })}>
                            {fmtInt(r.createdTickets)}
                          </DrillNumber>
                        </Td>
                        <Td className="text-right tabular-nums">
                          <DrillNumber label={`Show the tickets without a reply, ${r.group}`} onOpen={() => open({ title: `No reply yet: ${r.group}`, metric: "noReply", ...g })}>
                            {fmtInt(r.noReply)}
                          </DrillNumber>
                        </Td>
                        <Td className="text-right tabular-nums whitespace-nowrap">
                          {fmtMinutes(r.firstReplyMedianMin)} / {fmtMinutes(r.firstReplyP90Min)}
                        </Td>
                        <Td className="text-right tabular-nums">
                          <DrillNumber label={`Show the tickets solved, ${r.group}`} onOpen={() => open({ title: `Solved: ${r.group}`, metric: "solved", ...g })}>
                            {fmtInt(r.solvedTickets)}
                          </DrillNumber>
                        </Td>
                        <Td className="text-right tabular-nums whitespace-nowrap">
                          {fmtMinutes(r.resolutionMedianMin)} / {fmtMinutes(r.resolutionP90Min)}
                        </Td>
                        <Td className="text-right tabular-nums">
                          <DrillNumber label={`Show the reopened tickets, ${r.group}`} onOpen={() => open({ title: `Reopened: ${r.group}`, metric: "reopened", ...g })}>
                            {fmtInt(r.reopened)}
                          </DrillNumber>
                        </Td>
                      </tr>
                    );
                  })}
                </tbody>
              </Table>
            </div>
          </Card>
        </div>
      </Section>

      <Section title="AI quality, per model version">
        <Card className="min-w-0">
          <Table>
            <caption className="sr-only">AI quality per model version</caption>
            <thead>
              <tr>
                <Th>Model version</Th>
                <Th className="text-right" title={definitions.categoryAccuracy.text}>
                  Category accuracy
                </Th>
                <Th className="text-right" title={definitions.needsHumanRate.text}>
                  Needs human
                </Th>
                <Th className="text-right">Accuracy of the rest</Th>
                <Th className="text-right" title={definitions.summaryAcceptance.text}>
                  Summaries kept
                </Th>
                <Th className="text-right" title={definitions.draftUse.text}>
                  Drafts as is / edited / discarded
                </Th>
                <Th className="text-right" title={definitions.draftDistance.text}>
                  Edit distance (median) · chrF
                </Th>
              </tr>
            </thead>
            <tbody>
              {(quality.data ?? []).map((q) => {
                const d = drafts.data?.find((x) => x.modelVersion === q.modelVersion);
                return (
                  <tr key={q.modelVersion}>
                    <Td className="font-mono text-xs">{q.modelVersion}</Td>
                    <Td className="text-right tabular-nums">
                      {fmtPct(q.correct, q.judged)} <span className="text-xs text-zinc-400">of {fmtInt(q.judged)}</span>
                    </Td>
                    <Td className="text-right tabular-nums">{fmtPct(q.needsHuman, q.triaged)}</Td>
                    <Td className="text-right tabular-nums">{fmtPct(q.correctAutomated, q.judgedAutomated)}</Td>
                    <Td className="text-right tabular-nums">
                      {q.summariesReviewed ? (
                        <>
                          {fmtPct(q.summariesKept, q.summariesReviewed)} <span className="text-xs text-zinc-400">of {fmtInt(q.summariesReviewed)}</span>
                        </>
                      ) : (
                        <span title="No agent accepted or changed an AI summary in this range">—</span>
                      )}
                    </Td>
                    <Td className="text-right tabular-nums">{d ? `${fmtPct(d.asIs, d.replies)} / ${fmtPct(d.edited, d.replies)} / ${fmtPct(d.discarded, d.replies)}` : "—"}</Td>
                    <Td className="text-right tabular-nums">{d?.medianEditDistance != null ? `${fmtInt(d.medianEditDistance)} · ${d.meanChrf?.toFixed(1)}` : "—"}</Td>
                  </tr>
                );
              })}
              {quality.data?.length === 0 && (
                <tr>
                  <Td colSpan={7} className="text-center text-zinc-400">
                    No triage in this range.
                  </Td>
                </tr>
              )}
            </tbody>
          </Table>
          <p className="border-t border-zinc-100 px-4 py-2 text-xs text-zinc-500">
            {definitions.categoryAccuracy.text} {definitions.needsHumanRate.text}
          </p>
        </Card>
        <div className="grid gap-3 lg:grid-cols-3">
          <ChartCard
            title="Learning curve: category accuracy by week (%)"
            definition={definitions.learningCurve.text}
            summary={`Weekly accuracy of ${versions.length} model versions over ${weeks.length} weeks.`}
            loading={curve.isPending}
            csvName={csv("learning-curve")}
            rows={curve.data ?? []}
            columns={[
              { label: "Week", value: (r) => r.week },
              { label: "Model version", value: (r) => r.modelVersion },
              { label: "Judged", value: (r) => r.judged },
              { label: "Correct", value: (r) => r.correct },
              { label: "Verified labels so far", value: (r) => r.labelsSoFar },
            ]}
            chart={
              <ResponsiveContainer>
                <LineChart data={weeks} margin={{ top: 4, right: 8, bottom: 0, left: -12 }}>
                  <CartesianGrid stroke="#e4e4e7" vertical={false} />
                  <XAxis dataKey="week" tickFormatter={shortDay} tick={axis} minTickGap={16} />
                  <YAxis domain={[0, 100]} tick={axis} />
                  <Tooltip />
                  <Legend wrapperStyle={{ fontSize: 11 }} />
                  {versions.map((v, i) => (
                    <Line isAnimationActive={false} key={v} dataKey={v} stroke={PALETTE[i % PALETTE.length]} strokeWidth={2} dot={false} connectNulls />
                  ))}
                </LineChart>
              </ResponsiveContainer>
            }
          />
          <ChartCard
            title="Draft use per reply"
            definition={definitions.draftUse.text}
            summary={(drafts.data ?? []).map((d) => `${d.modelVersion ?? "no draft"}: ${d.asIs} as is, ${d.edited} edited, ${d.discarded} discarded, ${d.scratch} from scratch`).join("; ")}
            loading={drafts.isPending}
            csvName={csv("draft-use")}
            rows={drafts.data ?? []}
            columns={[
              { label: "Model version", value: (r) => r.modelVersion ?? "(no draft)" },
              { label: "Replies", value: (r) => r.replies },
              { label: "As is", value: (r) => r.asIs },
              { label: "Edited", value: (r) => r.edited },
              { label: "Discarded", value: (r) => r.discarded },
              { label: "From scratch", value: (r) => r.scratch },
              { label: "Median edit distance", value: (r) => r.medianEditDistance },
              { label: "Mean chrF", value: (r) => (r.meanChrf === null ? null : Math.round(r.meanChrf * 10) / 10) },
            ]}
            chart={
              <ResponsiveContainer>
                <BarChart data={(drafts.data ?? []).map((d) => ({ ...d, version: d.modelVersion ?? "no draft" }))} layout="vertical" margin={{ top: 4, right: 8, bottom: 0, left: 8 }}>
                  <CartesianGrid stroke="#e4e4e7" horizontal={false} />
                  <XAxis type="number" tick={axis} />
                  <YAxis type="category" dataKey="version" tick={axis} width={120} tickFormatter={(v: string) => (v.length > 18 ? `…${v.slice(-17)}` : v)} />
                  <Tooltip />
                  <Legend wrapperStyle={{ fontSize: 11 }} />
                  <Bar isAnimationActive={false} dataKey="asIs" name="as is" stackId="u" fill={PALETTE[2]} />
                  <Bar isAnimationActive={false} dataKey="edited" name="edited" stackId="u" fill={PALETTE[0]} />
                  <Bar isAnimationActive={false} dataKey="discarded" name="discarded" stackId="u" fill={PALETTE[3]} />
                  <Bar isAnimationActive={false} dataKey="scratch" name="from scratch" stackId="u" fill="#a1a1aa" />
                </BarChart>
              </ResponsiveContainer>
            }
          />
          <Card className="min-w-0">
            <div className="border-b border-zinc-100 px-4 py-2.5 text-xs font-semibold uppercase tracking-wide text-zinc-500">{definitions.confusions.label}</div>
            <Table>
              <thead>
                <tr>
                  <Th>Model version</Th>
                  <Th>AI → final</Th>
                  <Th className="text-right">Tickets</Th>
                </tr>
              </thead>
              <tbody>
                {(confusions.data ?? []).map((c) => (
                  <tr key={`${c.modelVersion}:${c.ai}:${c.final}`}>
                    <Td className="max-w-32 truncate font-mono text-xs" title={c.modelVersion}>
                      {c.modelVersion}
                    </Td>
                    <Td>
                      {c.ai} → <strong className="font-medium">{c.final}</strong>
                    </Td>
                    <Td className="text-right tabular-nums">{fmtInt(c.count)}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <p className="px-4 py-2 text-xs text-zinc-500">{definitions.confusions.text}</p>
          </Card>
        </div>
      </Section>

      <Section title="Model operations">
        <ChartCard
          title="Triage latency per model version and worker (seconds)"
          definition={definitions.triageLatency.text}
          summary={(ops.data ?? []).map((o) => `${o.modelVersion} ${o.worker}: p50 ${fmtMs(o.totalP50Ms)}, p95 ${fmtMs(o.totalP95Ms)}, ${o.failed} failed`).join("; ")}
          loading={ops.isPending}
          csvName={csv("model-operations")}
          rows={ops.data ?? []}
          columns={[
            { label: "Model version", value: (r) => r.modelVersion },
            { label: "Worker", value: (r) => r.worker },
            { label: "Runs", value: (r) => r.runs },
            { label: "Failed", value: (r) => r.failed },
            { label: "Retries", value: (r) => r.retries },
            { label: "Total p50 (ms)", value: (r) => round(r.totalP50Ms) },
            { label: "Total p95 (ms)", value: (r) => round(r.totalP95Ms) },
            { label: "Queue wait p50 (ms)", value: (r) => round(r.queueWaitP50Ms) },
            { label: "Queue wait p95 (ms)", value: (r) => round(r.queueWaitP95Ms) },
            { label: "Time to first token p50 (ms)", value: (r) => round(r.ttftP50Ms) },
            { label: "Tokens/s p50", value: (r) => round(r.tokensPerSecondP50) },
          ]}
          chart={
            <ResponsiveContainer>
              <BarChart
                data={(ops.data ?? []).map((o) => ({
                  name: `${o.modelVersion.split("@")[0]} · ${o.worker}`,
                  p50: sec(o.totalP50Ms),
                  p95: sec(o.totalP95Ms),
                  wait: sec(o.queueWaitP50Ms),
                }))}
                margin={{ top: 4, right: 8, bottom: 0, left: -12 }}
              >
                <CartesianGrid stroke="#e4e4e7" vertical={false} />
                <XAxis dataKey="name" tick={axis} interval={0} />
                <YAxis tick={axis} />
                <Tooltip />
                <Legend wrapperStyle={{ fontSize: 11 }} />
                <Bar isAnimationActive={false} dataKey="p50" name="triage p50 (s)" fill={PALETTE[0]} />
                <Bar isAnimationActive={false} dataKey="p95" name="triage p95 (s)" fill={PALETTE[4]} />
                <Bar isAnimationActive={false} dataKey="wait" name="queue wait p50 (s)" fill={PALETTE[1]} />
              </BarChart>
            </ResponsiveContainer>
          }
        />
      </Section>

      <Section title="Cost: own model against a cloud LLM">
        <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
          <Kpi label="Tokens processed" hint={definitions.cost.text} sub={cost.data && `${fmtInt(cost.data.total.promptTokens)} in, ${fmtInt(cost.data.total.completionTokens)} out`}>
            {fmtInt(cost.data?.total.tokens)}
          </Kpi>
          <Kpi label="Local (model time)" hint={definitions.cost.text} sub={cost.data && `${cost.data.total.modelHours} h at ${fmtMoney(cost.data.prices.serverPerHour)}/h`}>
            {cost.data ? fmtMoney(cost.data.total.localCost) : "—"}
          </Kpi>
          <Kpi
            label={`Cloud (${cost.data?.prices.cloudModel ?? "…"})`}
            hint={definitions.cost.text}
            sub={cost.data && `${fmtMoney(cost.data.prices.cloudInputPer1k * 1000)} / ${fmtMoney(cost.data.prices.cloudOutputPer1k * 1000)} per 1M in / out`}
          >
            {cost.data ? fmtMoney(cost.data.total.cloudCost) : "—"}
          </Kpi>
          <Kpi label="Cloud ÷ local" hint="Above 1: the same tokens cost more in the cloud than on the own server's measured time.">
            {cost.data?.total.cloudToLocalRatio != null ? `${cost.data.total.cloudToLocalRatio.toFixed(2)}×` : "—"}
          </Kpi>
          <Kpi
            label="Per month"
            hint={definitions.cost.text}
            sub={cost.data && `a dedicated server: ${fmtMoney(cost.data.total.serverMonthly)}`}
          >
            {cost.data ? `${fmtMoney(cost.data.total.localMonthly)} vs ${fmtMoney(cost.data.total.cloudMonthly)}` : "—"}
          </Kpi>
        </div>
      </Section>

      <DrillDown drill={drill} params={params} onClose={() => setDrill(null)} />
    </div>
  );
}

const PRIORITY_ORDER = ["urgent", "high", "normal", "low"];
const hours = (m: number | null) => (m === null ? null : Math.round((m / 60) * 10) / 10);
const sec = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10);
const round = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);

const speedColumns = [
  { label: "Priority", value: (r: SpeedRow) => r.group },
  { label: "Created", value: (r: SpeedRow) => r.createdTickets },
  { label: "No reply", value: (r: SpeedRow) => r.noReply },
  { label: "First reply p50 (min)", value: (r: SpeedRow) => round(r.firstReplyMedianMin) },
  { label: "First reply p90 (min)", value: (r: SpeedRow) => round(r.firstReplyP90Min) },
  { label: "Solved", value: (r: SpeedRow) => r.solvedTickets },
  { label: "Resolution p50 (min)", value: (r: SpeedRow) => round(r.resolutionMedianMin) },
  { label: "Resolution p90 (min)", value: (r: SpeedRow) => round(r.resolutionP90Min) },
  { label: "One-touch", value: (r: SpeedRow) => r.oneTouch },
  { label: "Reopened", value: (r: SpeedRow) => r.reopened },
];
type SpeedRow = import("@/server/analytics/response-times").SpeedRow;

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-label={title} className="flex flex-col gap-3">
      <h2 className="text-sm font-semibold text-zinc-800">{title}</h2>
      {children}
    </section>
  );
}

function Kpi({ label, hint, sub, children }: { label: string; hint: string; sub?: ReactNode; children: ReactNode }) {
  return (
    <Card className="px-3 py-2.5" title={hint}>
      <p className="text-xs font-medium text-zinc-500">{label}</p>
      <p className="mt-0.5 text-xl font-semibold tracking-tight text-zinc-900 tabular-nums">{children}</p>
      {sub && <p className="text-xs text-zinc-500 tabular-nums">{sub}</p>}
    </Card>
  );
}

function Filter({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="flex flex-col gap-0.5 text-[11px] font-medium text-zinc-500">
      {label}
      {children}
    </label>
  );
}
