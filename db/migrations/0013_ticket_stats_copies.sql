-- ticket_stats carries copies of the ticket fields the speed, SLA and volume queries filter, split and measure by, kept by
-- a trigger on tickets (every ticket gets its row when it is created), so a year's figures read these narrow rows alone:
-- no join of 100,000 tickets to their stats. Percentiles stay exact: at ~270 tickets a day, a per-day histogram keyed by
-- team, channel and priority has about as many rows as there are tickets, so it would buy nothing (see README).
ALTER TABLE "ticket_stats" ADD COLUMN "created_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ticket_stats" ADD COLUMN "solved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ticket_stats" ADD COLUMN "team_id" uuid;--> statement-breakpoint
ALTER TABLE "ticket_stats" ADD COLUMN "assignee_id" uuid;--> statement-breakpoint
ALTER TABLE "ticket_stats" ADD COLUMN "channel" "ticket_channel";--> statement-breakpoint
ALTER TABLE "ticket_stats" ADD COLUMN "priority" "ticket_priority";--> statement-breakpoint
ALTER TABLE "ticket_stats" ADD COLUMN "first_response_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "ticket_stats_created_idx" ON "ticket_stats" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "ticket_stats_solved_idx" ON "ticket_stats" USING btree ("solved_at") WHERE "ticket_stats"."solved_at" is not null;--> statement-breakpoint
CREATE FUNCTION "ticket_stats_on_ticket"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ticket_stats" ("ticket_id", "created_at", "solved_at", "team_id", "assignee_id", "channel", "priority", "first_response_at")
  VALUES (NEW."id", NEW."created_at", CASE WHEN NEW."status" IN ('solved', 'closed') THEN NEW."resolved_at" END, NEW."team_id", NEW."assignee_id",
          NEW."channel", NEW."priority", NEW."first_response_at")
  ON CONFLICT ("ticket_id") DO UPDATE SET "created_at" = EXCLUDED."created_at", "solved_at" = EXCLUDED."solved_at", "team_id" = EXCLUDED."team_id",
    "assignee_id" = EXCLUDED."assignee_id", "channel" = EXCLUDED."channel", "priority" = EXCLUDED."priority", "first_response_at" = EXCLUDED."first_response_at"
  WHERE ("ticket_stats"."created_at", "ticket_stats"."solved_at", "ticket_stats"."team_id", "ticket_stats"."assignee_id", "ticket_stats"."channel",
         "ticket_stats"."priority", "ticket_stats"."first_response_at")
    IS DISTINCT FROM (EXCLUDED."created_at", EXCLUDED."solved_at", EXCLUDED."team_id", EXCLUDED."assignee_id", EXCLUDED."channel",
         EXCLUDED."priority", EXCLUDED."first_response_at");
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "tickets_ticket_stats" AFTER INSERT OR UPDATE OF "created_at", "status", "resolved_at", "team_id", "assignee_id", "channel", "priority", "first_response_at"
  ON "tickets" FOR EACH ROW EXECUTE FUNCTION "ticket_stats_on_ticket"();--> statement-breakpoint
CREATE OR REPLACE FUNCTION "refresh_ticket_stats"(ids uuid[]) RETURNS void LANGUAGE sql AS $$
INSERT INTO "ticket_stats" ("ticket_id", "first_reply_at", "replies", "waited_seconds", "wait_started_at", "reopens", "final_category", "final_category_at",
  "created_at", "solved_at", "team_id", "assignee_id", "channel", "priority", "first_response_at")
WITH wanted AS (
  -- A set to join, not a per-row array scan: that is quadratic on a first fill of 100k tickets.
  SELECT DISTINCT unnest(ids) AS id
), m AS (
  -- One ordered pass, no self-join: a customer message right after a reply (or opening the ticket) starts a wait,
  -- which the next reply ends; a wait with no reply after it is still running.
  SELECT "ticket_id", "direction", "created_at", lag("direction") OVER w AS prev,
         min("created_at") FILTER (WHERE "direction" = 'outbound') OVER (w ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS next_reply
  FROM "messages" WHERE "direction" <> 'note' AND "ticket_id" IN (SELECT id FROM wanted)
  WINDOW w AS (PARTITION BY "ticket_id" ORDER BY "created_at", "id")
), per AS (
  SELECT "ticket_id",
         min("created_at") FILTER (WHERE "direction" = 'outbound') AS first_at,
         count(*) FILTER (WHERE "direction" = 'outbound') AS n,
         coalesce(sum(extract(epoch FROM next_reply - "created_at"))
           FILTER (WHERE "direction" = 'inbound' AND prev IS DISTINCT FROM 'inbound' AND next_reply IS NOT NULL), 0) AS waited,
         max("created_at") FILTER (WHERE "direction" = 'inbound' AND prev IS DISTINCT FROM 'inbound' AND next_reply IS NULL) AS open_since
  FROM m GROUP BY 1
), reopens AS (
  SELECT "ticket_id", count(*) AS n FROM "ticket_events"
  WHERE "ticket_id" IN (SELECT id FROM wanted) AND "from_status" IN ('solved', 'closed') AND "to_status" NOT IN ('solved', 'closed') GROUP BY 1
), finals AS (
  SELECT DISTINCT ON ("ticket_id") "ticket_id", "final_value", "created_at" FROM "corrections"
  WHERE "field" = 'category' AND "scope" = 'live' AND "ticket_id" IN (SELECT id FROM wanted) ORDER BY "ticket_id", "created_at" DESC
)
SELECT t."id", f.first_at, coalesce(f.n, 0), coalesce(f.waited, 0), f.open_since, coalesce(e.n, 0), c."final_value", c."created_at",
       t."created_at", CASE WHEN t."status" IN ('solved', 'closed') THEN t."resolved_at" END, t."team_id", t."assignee_id", t."channel", t."priority", t."first_response_at"
FROM "tickets" t
LEFT JOIN per f ON f."ticket_id" = t."id"
LEFT JOIN reopens e ON e."ticket_id" = t."id"
LEFT JOIN finals c ON c."ticket_id" = t."id"
WHERE t."id" IN (SELECT id FROM wanted)
ON CONFLICT ("ticket_id") DO UPDATE SET
  "first_reply_at" = EXCLUDED."first_reply_at", "replies" = EXCLUDED."replies", "waited_seconds" = EXCLUDED."waited_seconds",
  "wait_started_at" = EXCLUDED."wait_started_at", "reopens" = EXCLUDED."reopens",
  "final_category" = EXCLUDED."final_category", "final_category_at" = EXCLUDED."final_category_at",
  "created_at" = EXCLUDED."created_at", "solved_at" = EXCLUDED."solved_at", "team_id" = EXCLUDED."team_id", "assignee_id" = EXCLUDED."assignee_id",
  "channel" = EXCLUDED."channel", "priority" = EXCLUDED."priority", "first_response_at" = EXCLUDED."first_response_at";
$$;--> statement-breakpoint
SELECT "refresh_ticket_stats"(ARRAY(SELECT "id" FROM "tickets"));
