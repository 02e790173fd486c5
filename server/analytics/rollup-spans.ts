import { sql, type SQL } from "drizzle-orm";
import { rangeEnd, rangeStart, type AnalyticsParams } from "./params";

/**
 * The stretches a query reads from a daily rollup (ai_daily, reply_daily: migration 0012) and from its rows: per bucket
 * of the answer (the whole range, or each week of it in the range's zone), its start `s` and end `e`, and the whole UTC days inside
 * it (`lo` ≤ day < `hi`), which the rollup answers; the edges left over ([s, lo) and [hi, e), less than a day each)
 * come from the rows themselves. With an agent filter, which no rollup carries, every stretch is an edge.
 */
export function spans(p: AnalyticsParams, by: "range" | "week"): SQL {
  const buckets =
    by === "range"
      ? sql`select ${p.from}::date as bucket, ${rangeStart(p)} as s, ${rangeEnd(p)} as e`
      : sql`select w::date as bucket, greatest(w at time zone ${p.tz}, ${rangeStart(p)}) as s, least((w + interval '7 days') at time zone ${p.tz}, ${rangeEnd(p)}) as e
            from generate_series(date_trunc('week', ${p.from}::timestamp), ${p.to}::timestamp, interval '7 days') w`;
  // A UTC day is whole when it starts at or after s and ends at or before e; with no whole day, lo = hi: none.
  const lo = sql`((s at time zone 'UTC') - interval '1 microsecond')::date + 1`;
  const hi = p.agentId ? lo : sql`greatest((e at time zone 'UTC')::date, ${lo})`;
  return sql`
    select bucket, s, e, lo, hi, lo::timestamp at time zone 'UTC' as lo_ts, hi::timestamp at time zone 'UTC' as hi_ts
    from (select bucket, s, e, ${lo} as lo, ${hi} as hi from (${buckets}) b) d`;
}

/** A rollup row's day is one of a span's whole UTC days (join `spans sp`). */
export const rollupDays = (day: SQL) => sql`${day} >= sp.lo and ${day} < sp.hi`;

/** A row's instant is in one of a span's edges, the part the rollup does not answer (join `spans sp`). */
export const edgeOf = (at: SQL) =>
  sql`((${at} >= sp.s and ${at} < least(sp.lo_ts, sp.e)) or (${at} >= greatest(sp.hi_ts, sp.lo_ts) and ${at} < sp.e))`;
