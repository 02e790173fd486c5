import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { chrF } from "@/models/learning/text-similarity";

export const COMPARED_FIELDS = ["category", "priority", "sentiment", "language", "summary"] as const;

export interface ShadowComparison {
  runId: string;
  tickets: number;
  errors: number;
  /** Per field: how often the candidate's value equals the live model's, on tickets where both have one. */
  agreement: Record<(typeof COMPARED_FIELDS)[number], { same: number; compared: number }>;
  /** Against the first reply an agent sent after the triaged message, where one exists. */
  drafts: { withSentReply: number; candidateChrF: number | null; liveChrF: number | null };
  liveVersions: string[];
}

/**
 * How a shadow candidate compares with the model in use on the same live tickets: agreement on the fields, and each
 * side's draft scored by chrF against the reply an agent then sent (the live side is the draft agents were shown).
 */
export async function shadowComparison(db: DbOrTx, runId: string): Promise<ShadowComparison> {
  const rows = await db.execute<{
    error: string | null;
    category: string | null;
    priority: string | null;
    sentiment: string | null;
    language: string | null;
    summary: string | null;
    draft: string | null;
    live_category: string | null;
    live_priority: string | null;
    live_sentiment: string | null;
    live_language: string | null;
    live_summary: string | null;
    live_draft: string | null;
    live_version: string | null;
    sent: string | null;
  }>(sql`
    select s.error, s.category, s.priority, s.sentiment, s.language, s.summary, s.draft,
           l.category as live_category, l.priority::text as live_priority, l.sentiment as live_sentiment,
           l.language as live_language, l.summary as live_summary, l.draft as live_draft, l.model_version as live_version,
           (select r.body_text from messages r
             where r.ticket_id = s.ticket_id and r.direction = 'outbound' and r.created_at > m.created_at
             order by r.created_at limit 1) as sent
    from shadow_results s
    join messages m on m.id = s.message_id
    left join triage_results l on l.id = s.live_result_id
    where s.run_id = ${runId}`);
  const agreement = Object.fromEntries(COMPARED_FIELDS.map((f) => [f, { same: 0, compared: 0 }])) as ShadowComparison["agreement"];
  const candidate: number[] = [];
  const live: number[] = [];
  for (const r of rows) {
    if (r.error) continue;
    for (const f of COMPARED_FIELDS) {
      const [a, b] = [r[f], r[`live_${f}`]];
      if (a === null || b === null) continue;
      agreement[f].compared++;
      if (a.trim() === b.trim()) agreement[f].same++;
    }
    if (r.sent && r.draft) {
      candidate.push(chrF(r.draft, r.sent));
      live.push(chrF(r.live_draft ?? "", r.sent));
    }
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  return {
    runId,
    tickets: rows.length,
    errors: rows.filter((r) => r.error).length,
    agreement,
    drafts: { withSentReply: candidate.length, candidateChrF: mean(candidate), liveChrF: mean(live) },
    liveVersions: [...new Set(rows.map((r) => r.live_version).filter((v): v is string => v !== null))],
  };
}
