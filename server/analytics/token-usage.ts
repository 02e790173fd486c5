import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { filtersTickets, inRange, num, ticketScope, versionScope, type AnalyticsParams } from "./params";

/** Tokens and model time spent by triage and drafts in the range, per model version: the inputs of the cost figures. */
export async function getTokenUsage(db: Db, p: AnalyticsParams) {
  const rows = await db.execute<Record<string, string | null>>(sql`
    select r.model_version, count(*) as runs,
           coalesce(sum(coalesce(r.prompt_tokens, 0) + coalesce(r.draft_prompt_tokens, 0)), 0) as prompt_tokens,
           coalesce(sum(coalesce(r.completion_tokens, 0) + coalesce(r.draft_completion_tokens, 0)), 0) as completion_tokens,
           coalesce(sum(coalesce(r.total_ms, 0) + coalesce(r.draft_total_ms, 0)), 0) as model_ms
    from triage_results r ${filtersTickets(p) ? sql`join tickets t on t.id = r.ticket_id and ${ticketScope(p)}` : sql``}
    where ${versionScope(p)} and ${inRange(sql`r.created_at`, p)}
    group by 1 order by 1`);
  return rows.map((r) => ({
    modelVersion: r.model_version!,
    runs: num(r.runs)!,
    promptTokens: num(r.prompt_tokens)!,
    completionTokens: num(r.completion_tokens)!,
    modelMs: num(r.model_ms)!,
  }));
}
