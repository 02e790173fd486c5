import { sql } from "drizzle-orm";
import { inRange, SOLVED, ticketScope, versionScope, type AnalyticsParams } from "./params";

/**
 * The common table behind the AI-quality queries: the latest finished triage of each ticket per model version in the
 * range, with the agents' final category: the newest category correction, else the category a solved ticket kept.
 * Not a query of its own; AI quality, confusions and the learning curve each select from it.
 */
export const judgedTriage = (p: AnalyticsParams) => sql`
  judged as (
    select tr.*, coalesce(fc.final_value, case when t.status in ${SOLVED} then t.category end) as final_label
    from (
      select distinct on (r.ticket_id, r.model_version) r.ticket_id, r.model_version, r.category, r.created_at,
             (r.needs_human or r.status = 'needs_human') as needs_human
      from triage_results r join tickets t on t.id = r.ticket_id
      where ${ticketScope(p)} and ${versionScope(p)} and ${inRange(sql`r.created_at`, p)} and r.status in ('done', 'needs_human')
      order by r.ticket_id, r.model_version, r.created_at desc
    ) tr
    join tickets t on t.id = tr.ticket_id
    left join lateral (
      select c.final_value from corrections c
      where c.ticket_id = tr.ticket_id and c.field = 'category' and c.scope = 'live'
      order by c.created_at desc limit 1
    ) fc on true
  )`;
