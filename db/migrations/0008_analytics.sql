-- Analytics (issue 20); bench/analytics.ts measures what each part buys.
-- ticket_events: every status change of a ticket, written by a trigger so that no path (an agent's edit, a customer
-- writing again, a reply moving a ticket to pending, a helpdesk event) can forget it.
-- ticket_stats: an incrementally maintained rollup, one row per ticket (first public reply, reply count, requester
-- wait so far, reopens, the agents' final category), kept by triggers on messages, ticket_events and corrections.
-- Without it every dashboard view re-read and re-sorted every message and correction of the range (a year of 100k
-- tickets: seconds per query); with it the speed, SLA and AI-quality queries read one row per ticket.
-- Indexes, each for a dashboard query over a date range: tickets_created_idx (volume, speed, SLA select tickets by
-- creation), tickets_resolved_idx (solved per day, resolution, one-touch, reopen rate select by solve time; partial:
-- open tickets have none), messages_outbound_created_idx (draft use reads the public replies of the range; partial:
-- inbound mail and notes are most rows), triage_results_created_idx (AI quality, model operations and cost select
-- triage runs by when they ran).
CREATE TABLE "ticket_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_id" uuid NOT NULL,
	"from_status" "ticket_status" NOT NULL,
	"to_status" "ticket_status" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_stats" (
	"ticket_id" uuid PRIMARY KEY NOT NULL,
	"first_reply_at" timestamp with time zone,
	"replies" integer DEFAULT 0 NOT NULL,
	"waited_seconds" double precision DEFAULT 0 NOT NULL,
	"wait_started_at" timestamp with time zone,
	"reopens" integer DEFAULT 0 NOT NULL,
	"final_category" text,
	"final_category_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "ticket_events" ADD CONSTRAINT "ticket_events_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_stats" ADD CONSTRAINT "ticket_stats_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ticket_events_ticket_idx" ON "ticket_events" USING btree ("ticket_id","created_at");--> statement-breakpoint
CREATE INDEX "messages_outbound_created_idx" ON "messages" USING btree ("created_at") WHERE "messages"."direction" = 'outbound';--> statement-breakpoint
CREATE INDEX "tickets_created_idx" ON "tickets" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "tickets_resolved_idx" ON "tickets" USING btree ("resolved_at") WHERE "tickets"."resolved_at" is not null;--> statement-breakpoint
CREATE INDEX "triage_results_created_idx" ON "triage_results" USING btree ("created_at");--> statement-breakpoint
CREATE FUNCTION "record_ticket_status_event"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ticket_events" ("ticket_id", "from_status", "to_status") VALUES (NEW."id", OLD."status", NEW."status");
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "tickets_status_event" AFTER UPDATE OF "status" ON "tickets"
  FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status") EXECUTE FUNCTION "record_ticket_status_event"();--> statement-breakpoint
-- A customer message starts a wait when none runs; a public reply ends it and counts as a reply. Notes change nothing.
CREATE FUNCTION "ticket_stats_on_message"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."direction" = 'inbound' THEN
    INSERT INTO "ticket_stats" ("ticket_id", "wait_started_at") VALUES (NEW."ticket_id", NEW."created_at")
    ON CONFLICT ("ticket_id") DO UPDATE SET "wait_started_at" = coalesce("ticket_stats"."wait_started_at", EXCLUDED."wait_started_at");
  ELSIF NEW."direction" = 'outbound' THEN
    INSERT INTO "ticket_stats" ("ticket_id", "first_reply_at", "replies") VALUES (NEW."ticket_id", NEW."created_at", 1)
    ON CONFLICT ("ticket_id") DO UPDATE SET
      "first_reply_at" = least("ticket_stats"."first_reply_at", EXCLUDED."first_reply_at"),
      "replies" = "ticket_stats"."replies" + 1,
      "waited_seconds" = "ticket_stats"."waited_seconds"
        + coalesce(greatest(0, extract(epoch FROM EXCLUDED."first_reply_at" - "ticket_stats"."wait_started_at")), 0),
      "wait_started_at" = NULL;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "messages_ticket_stats" AFTER INSERT ON "messages" FOR EACH ROW EXECUTE FUNCTION "ticket_stats_on_message"();--> statement-breakpoint
CREATE FUNCTION "ticket_stats_on_event"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."from_status" IN ('solved', 'closed') AND NEW."to_status" NOT IN ('solved', 'closed') THEN
    INSERT INTO "ticket_stats" ("ticket_id", "reopens") VALUES (NEW."ticket_id", 1)
    ON CONFLICT ("ticket_id") DO UPDATE SET "reopens" = "ticket_stats"."reopens" + 1;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "ticket_events_ticket_stats" AFTER INSERT ON "ticket_events" FOR EACH ROW EXECUTE FUNCTION "ticket_stats_on_event"();--> statement-breakpoint
CREATE FUNCTION "ticket_stats_on_correction"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."field" = 'category' AND NEW."scope" = 'live' AND NEW."ticket_id" IS NOT NULL THEN
    INSERT INTO "ticket_stats" ("ticket_id", "final_category", "final_category_at") VALUES (NEW."ticket_id", NEW."final_value", NEW."created_at")
    ON CONFLICT ("ticket_id") DO UPDATE SET "final_category" = EXCLUDED."final_category", "final_category_at" = EXCLUDED."final_category_at"
    WHERE "ticket_stats"."final_category_at" IS NULL OR "ticket_stats"."final_category_at" <= EXCLUDED."final_category_at";
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "corrections_ticket_stats" AFTER INSERT ON "corrections" FOR EACH ROW EXECUTE FUNCTION "ticket_stats_on_correction"();--> statement-breakpoint
-- The rollup's definition in one place: recomputed from a ticket's messages, events and corrections. The insert
-- triggers above apply the same rules one row at a time; this serves edits of history and the first fill.
CREATE FUNCTION "refresh_ticket_stats"(ids uuid[]) RETURNS void LANGUAGE sql AS $$
INSERT INTO "ticket_stats" ("ticket_id", "first_reply_at", "replies", "waited_seconds", "wait_started_at", "reopens", "final_category", "final_category_at")
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
SELECT t."id", f.first_at, coalesce(f.n, 0), coalesce(f.waited, 0), f.open_since, coalesce(e.n, 0), c."final_value", c."created_at"
FROM "tickets" t
LEFT JOIN per f ON f."ticket_id" = t."id"
LEFT JOIN reopens e ON e."ticket_id" = t."id"
LEFT JOIN finals c ON c."ticket_id" = t."id"
WHERE t."id" IN (SELECT id FROM wanted)
ON CONFLICT ("ticket_id") DO UPDATE SET
  "first_reply_at" = EXCLUDED."first_reply_at", "replies" = EXCLUDED."replies", "waited_seconds" = EXCLUDED."waited_seconds",
  "wait_started_at" = EXCLUDED."wait_started_at", "reopens" = EXCLUDED."reopens",
  "final_category" = EXCLUDED."final_category", "final_category_at" = EXCLUDED."final_category_at";
$$;--> statement-breakpoint
-- A message moved in time (the demo seed dates its history) or to another ticket: recompute both.
CREATE FUNCTION "ticket_stats_on_message_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "refresh_ticket_stats"(ARRAY[OLD."ticket_id", NEW."ticket_id"]);
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "messages_ticket_stats_change" AFTER UPDATE OF "created_at", "direction", "ticket_id" ON "messages"
  FOR EACH ROW EXECUTE FUNCTION "ticket_stats_on_message_change"();--> statement-breakpoint
SELECT "refresh_ticket_stats"(ARRAY(SELECT "id" FROM "tickets"));
