import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { judgedCounts } from "./judged-triage";
import { num, type AnalyticsParams } from "./params";

/** The most frequent (AI category → final category) disagreements per model version. */
export async function getAiConfusions(db: Db, p: AnalyticsParams & { top?: number }) {
  const rows = await db.execute<{ model_version: string; ai: string; final: string; n: string }>(sql`
    with ${judgedCounts(p)},
    pairs as (
      select model_version, ai_category as ai, final_label as final, sum(n) as n,
             row_number() over (partition by model_version order by sum(n) desc, ai_category, final_label) as rank
      from judged where ai_category is not null
      group by 1, 2, 3 having sum(n) > 0
    )
    select model_version, ai, final, n from pairs where rank <= ${p.top ?? 5} order by model_version, n desc, ai, final`);
  return rows.map((r) => ({ modelVersion: r.model_version, ai: r.ai, final: r.final, count: num(r.n)! }));
}
