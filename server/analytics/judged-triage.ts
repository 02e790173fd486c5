import { sql, type SQL } from "drizzle-orm";
import { ticketScope, versionScope, type AnalyticsParams } from "./params";
import { edgeOf, rollupDays, spans } from "./rollup-spans";

/**
 * `judged(bucket, model_version, needs_human, judged, correct, ai_category, final_label, n)`: the judged set of the
 * range (the latest finished triage of each ticket per model version, against the agents' final category) counted per
 * outcome, as the AI-quality queries read it: the rollup for whole UTC days, the judged rows for the edges. The
 * category pair is kept only for wrong answers. Both halves count the same rows the same way, so the sum is exact.
 */
export function judgedCounts(p: AnalyticsParams, by: "range" | "week" = "range"): SQL {
  return sql`
  spans as materialized (${spans(p, by)}),
  judged as (
    select sp.bucket, d.model_version, d.needs_human, d.judged, d.correct, d.ai_category, d.final_label, d.n
    from spans sp join ai_daily d on ${rollupDays(sql`d.day`)}
    where ${ticketScope({ ...p, agentId: undefined }, "d")} and ${versionScope(p, "d")}
    union all
    select sp.bucket, j.model_version, j.needs_human, j.final_label is not null, coalesce(j.final_label = j.category, false),
           case when j.final_label <> j.category then j.category end, case when j.final_label <> j.category then j.final_label end, 1
    from spans sp join ai_judged j on ${edgeOf(sql`j.triaged_at`)}
    where ${ticketScope(p, "j")} and ${versionScope(p, "j")}
  )`;
}
