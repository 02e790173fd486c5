import { sql } from "drizzle-orm";
import { inRange, SOLVED, ticketScope, versionScope, type AnalyticsParams } from "./params";

/**
 * The common table behind the AI-quality queries: the latest finished triage of each ticket per model version in the
 * range, with the agents' final category: the newest category correction (ticket_stats), else the category a solved
 * ticket kept.
 * Not a query of its own; AI quality, confusions and the learning curve each select from it.
 */
export const judgedTriage = (p: AnalyticsParams) => sql`
  judged as (
    select tr.*, coalesce(ts.final_category, case when t.status in ${SOLVED} then t.category end) as final_label
    from (
      select distinct on (r.ticket_id, r.model_version) r.ticket_id, r.model_version, r.category, r.created_at,
             (r.needs_human or r.status = 'needs_human') as needs_human
      from triage_results r join tickets t on t.id = r.ticket_id
      where ${ticketScope(p)} and ${versionScope(p)} and ${inRange(sql`r.created_at`, p)} and r.status in ('done', 'needs_human')
      order by r.ticket_id, r.model_version, r.created_at desc
    ) tr
    join tickets t on t.id = tr.ticket_id
    left join ticket_stats ts on ts.ticket_id = tr.ticket_id
  )`;
