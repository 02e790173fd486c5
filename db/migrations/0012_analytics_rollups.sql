-- Analytics over long ranges (issue 20): what a whole-year view reads instead of every row of the year.
-- ai_judged: the AI-quality queries' judged set (latest finished triage per ticket and model version, with the agents'
-- final category), kept per ticket by statement triggers on triage_results, tickets and ticket_stats.
-- ai_daily: ai_judged summed per UTC day, model version, team, channel and outcome (wrong answers keep their category
-- pair for the confusions), kept from ai_judged by statement triggers; the dashboard reads it for the whole UTC days
-- of a range and ai_judged for the edges (a range in another time zone) or when filtered by agent.
-- reply_daily: public replies summed per UTC day, team, channel, draft model version, draft use and exact edit
-- distance, kept by statement triggers on messages and tickets; draft use reads it like ai_daily.
-- messages.draft_model_version: the draft a public reply was sent from, or was on offer when it was written, set by a
-- trigger as the reply is stored, so draft use no longer searches each reply's earlier triage results.
CREATE TABLE "ai_daily" (
	"day" date NOT NULL,
	"model_version" text NOT NULL,
	"team_id" uuid,
	"channel" "ticket_channel" NOT NULL,
	"needs_human" boolean NOT NULL,
	"judged" boolean NOT NULL,
	"correct" boolean NOT NULL,
	"ai_category" text,
	"final_label" text,
	"n" integer NOT NULL,
	CONSTRAINT "ai_daily_key" UNIQUE NULLS NOT DISTINCT("day","model_version","team_id","channel","needs_human","judged","correct","ai_category","final_label")
);
--> statement-breakpoint
CREATE TABLE "ai_judged" (
	"ticket_id" uuid NOT NULL,
	"model_version" text NOT NULL,
	"triage_result_id" uuid NOT NULL,
	"triaged_at" timestamp with time zone NOT NULL,
	"team_id" uuid,
	"assignee_id" uuid,
	"channel" "ticket_channel" NOT NULL,
	"category" text,
	"final_label" text,
	"needs_human" boolean NOT NULL,
	CONSTRAINT "ai_judged_pkey" PRIMARY KEY("ticket_id","model_version")
);
--> statement-breakpoint
CREATE TABLE "reply_daily" (
	"day" date NOT NULL,
	"team_id" uuid,
	"channel" "ticket_channel" NOT NULL,
	"model_version" text,
	"from_draft" boolean NOT NULL,
	"edit_distance" integer,
	"n" integer NOT NULL,
	"chrf_sum" double precision NOT NULL,
	"chrf_count" integer NOT NULL,
	CONSTRAINT "reply_daily_key" UNIQUE NULLS NOT DISTINCT("day","team_id","channel","model_version","from_draft","edit_distance")
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "draft_model_version" text;--> statement-breakpoint
ALTER TABLE "ai_judged" ADD CONSTRAINT "ai_judged_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_judged" ADD CONSTRAINT "ai_judged_triage_result_id_triage_results_id_fk" FOREIGN KEY ("triage_result_id") REFERENCES "public"."triage_results"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ai_judged_triaged_idx" ON "ai_judged" USING btree ("triaged_at");--> statement-breakpoint
-- The judged set of some tickets, recomputed from their triage results, ticket rows and final categories. Upserts
-- only rows that change, so a refresh that finds nothing new writes nothing (and the rollup's triggers see nothing).
CREATE FUNCTION "refresh_ai_judged"(ids uuid[]) RETURNS void LANGUAGE sql AS $$
DELETE FROM "ai_judged" j
WHERE j."ticket_id" IN (SELECT unnest(ids)) AND NOT EXISTS (
  SELECT 1 FROM "triage_results" r
  WHERE r."ticket_id" = j."ticket_id" AND r."model_version" = j."model_version" AND r."status" IN ('done', 'needs_human'));
INSERT INTO "ai_judged" ("ticket_id", "model_version", "triage_result_id", "triaged_at", "team_id", "assignee_id", "channel", "category", "final_label", "needs_human")
SELECT DISTINCT ON (r."ticket_id", r."model_version") r."ticket_id", r."model_version", r."id", r."created_at", t."team_id", t."assignee_id", t."channel",
       r."category", coalesce(ts."final_category", CASE WHEN t."status" IN ('solved', 'closed') THEN t."category" END),
       r."needs_human" OR r."status" = 'needs_human'
FROM "triage_results" r
JOIN "tickets" t ON t."id" = r."ticket_id"
LEFT JOIN "ticket_stats" ts ON ts."ticket_id" = r."ticket_id"
WHERE r."ticket_id" IN (SELECT DISTINCT unnest(ids)) AND r."status" IN ('done', 'needs_human')
ORDER BY r."ticket_id", r."model_version", r."created_at" DESC, r."id" DESC
ON CONFLICT ("ticket_id", "model_version") DO UPDATE SET
  "triage_result_id" = EXCLUDED."triage_result_id", "triaged_at" = EXCLUDED."triaged_at", "team_id" = EXCLUDED."team_id",
  "assignee_id" = EXCLUDED."assignee_id", "channel" = EXCLUDED."channel", "category" = EXCLUDED."category",
  "final_label" = EXCLUDED."final_label", "needs_human" = EXCLUDED."needs_human"
WHERE ("ai_judged"."triage_result_id", "ai_judged"."triaged_at", "ai_judged"."team_id", "ai_judged"."assignee_id", "ai_judged"."channel",
       "ai_judged"."category", "ai_judged"."final_label", "ai_judged"."needs_human")
  IS DISTINCT FROM (EXCLUDED."triage_result_id", EXCLUDED."triaged_at", EXCLUDED."team_id", EXCLUDED."assignee_id", EXCLUDED."channel",
       EXCLUDED."category", EXCLUDED."final_label", EXCLUDED."needs_human");
$$;--> statement-breakpoint
-- Adds (sign 1) or removes (sign -1) judged rows from the daily rollup, one upsert per key.
CREATE FUNCTION "ai_daily_add"(rows "ai_judged"[], sign integer) RETURNS void LANGUAGE sql AS $$
INSERT INTO "ai_daily" ("day", "model_version", "team_id", "channel", "needs_human", "judged", "correct", "ai_category", "final_label", "n")
SELECT ("triaged_at" AT TIME ZONE 'UTC')::date, "model_version", "team_id", "channel", "needs_human",
       "final_label" IS NOT NULL, coalesce("final_label" = "category", false),
       CASE WHEN "final_label" <> "category" THEN "category" END, CASE WHEN "final_label" <> "category" THEN "final_label" END,
       count(*) * sign
FROM unnest(rows) GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
ON CONFLICT ON CONSTRAINT "ai_daily_key" DO UPDATE SET "n" = "ai_daily"."n" + EXCLUDED."n";
$$;--> statement-breakpoint
CREATE FUNCTION "ai_daily_on_judged"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM "ai_daily_add"(ARRAY(SELECT o::"ai_judged" FROM old_rows o), -1); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM "ai_daily_add"(ARRAY(SELECT n::"ai_judged" FROM new_rows n), 1); END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "ai_judged_daily_insert" AFTER INSERT ON "ai_judged" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "ai_daily_on_judged"();--> statement-breakpoint
CREATE TRIGGER "ai_judged_daily_update" AFTER UPDATE ON "ai_judged" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "ai_daily_on_judged"();--> statement-breakpoint
CREATE TRIGGER "ai_judged_daily_delete" AFTER DELETE ON "ai_judged" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "ai_daily_on_judged"();--> statement-breakpoint
-- What moves a ticket's judged rows: a finished (or re-run, or deleted) triage; its status, category, team, assignee
-- or channel (a solve makes its category the final label; a reopen takes it back); a newer category correction.
CREATE FUNCTION "ai_judged_on_triage"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM "refresh_ai_judged"(ARRAY(SELECT "ticket_id" FROM new_rows WHERE "status" IN ('done', 'needs_human')));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM "refresh_ai_judged"(ARRAY(SELECT "ticket_id" FROM old_rows));
  ELSE
    PERFORM "refresh_ai_judged"(ARRAY(
      SELECT unnest(ARRAY[n."ticket_id", o."ticket_id"]) FROM new_rows n JOIN old_rows o ON o."id" = n."id"
      WHERE (n."ticket_id", n."model_version", n."status", n."category", n."needs_human", n."created_at")
        IS DISTINCT FROM (o."ticket_id", o."model_version", o."status", o."category", o."needs_human", o."created_at")));
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "triage_results_ai_judged_insert" AFTER INSERT ON "triage_results" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "ai_judged_on_triage"();--> statement-breakpoint
CREATE TRIGGER "triage_results_ai_judged_update" AFTER UPDATE ON "triage_results" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "ai_judged_on_triage"();--> statement-breakpoint
CREATE TRIGGER "triage_results_ai_judged_delete" AFTER DELETE ON "triage_results" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "ai_judged_on_triage"();--> statement-breakpoint
-- Row triggers with WHEN: a write that moves nothing the judged set reads (most of them: every message upserts its
-- ticket's stats) costs a comparison, not a function call.
CREATE FUNCTION "ai_judged_on_row"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'tickets' THEN
    PERFORM "refresh_ai_judged"(ARRAY[NEW."id"]);
  ELSE
    PERFORM "refresh_ai_judged"(ARRAY[NEW."ticket_id"]);
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "tickets_ai_judged" AFTER UPDATE OF "status", "category", "team_id", "assignee_id", "channel" ON "tickets" FOR EACH ROW
  WHEN ((OLD."status", OLD."category", OLD."team_id", OLD."assignee_id", OLD."channel") IS DISTINCT FROM (NEW."status", NEW."category", NEW."team_id", NEW."assignee_id", NEW."channel"))
  EXECUTE FUNCTION "ai_judged_on_row"();--> statement-breakpoint
CREATE TRIGGER "ticket_stats_ai_judged_insert" AFTER INSERT ON "ticket_stats" FOR EACH ROW WHEN (NEW."final_category" IS NOT NULL)
  EXECUTE FUNCTION "ai_judged_on_row"();--> statement-breakpoint
CREATE TRIGGER "ticket_stats_ai_judged_update" AFTER UPDATE OF "final_category" ON "ticket_stats" FOR EACH ROW
  WHEN (OLD."final_category" IS DISTINCT FROM NEW."final_category") EXECUTE FUNCTION "ai_judged_on_row"();--> statement-breakpoint
-- A public reply's draft: the one it links, else the newest draft on offer before it was written.
CREATE FUNCTION "messages_draft_model_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."draft_model_version" := NULL;
  IF NEW."direction" = 'outbound' AND NEW."draft_triage_id" IS NOT NULL THEN
    SELECT r."model_version" INTO NEW."draft_model_version" FROM "triage_results" r WHERE r."id" = NEW."draft_triage_id";
  ELSIF NEW."direction" = 'outbound' THEN
    SELECT r."model_version" INTO NEW."draft_model_version" FROM "triage_results" r
    WHERE r."ticket_id" = NEW."ticket_id" AND r."draft" IS NOT NULL AND r."created_at" < NEW."created_at"
    ORDER BY r."created_at" DESC LIMIT 1;
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "messages_draft_model_version" BEFORE INSERT OR UPDATE OF "direction", "ticket_id", "created_at", "draft_triage_id" ON "messages"
  FOR EACH ROW EXECUTE FUNCTION "messages_draft_model_version"();--> statement-breakpoint
-- A draft stored (or removed) after replies that were written later than its triage, as an import or a re-dated history
-- does: those replies look again for the draft on offer (the no-op update fires the trigger above).
CREATE FUNCTION "messages_draft_on_triage"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE "messages" m SET "draft_triage_id" = m."draft_triage_id"
    FROM (SELECT "ticket_id", min("created_at") AS since FROM old_rows WHERE "draft" IS NOT NULL GROUP BY 1) r
    WHERE m."ticket_id" = r."ticket_id" AND m."direction" = 'outbound' AND m."draft_triage_id" IS NULL AND m."created_at" > r.since;
  ELSIF TG_OP = 'INSERT' THEN
    UPDATE "messages" m SET "draft_triage_id" = m."draft_triage_id"
    FROM (SELECT "ticket_id", min("created_at") AS since FROM new_rows WHERE "draft" IS NOT NULL GROUP BY 1) r
    WHERE m."ticket_id" = r."ticket_id" AND m."direction" = 'outbound' AND m."draft_triage_id" IS NULL AND m."created_at" > r.since;
  ELSE
    UPDATE "messages" m SET "draft_triage_id" = m."draft_triage_id"
    FROM (
      SELECT n."ticket_id", least(n."created_at", o."created_at") AS since FROM new_rows n JOIN old_rows o ON o."id" = n."id"
      WHERE (n."draft" IS NOT NULL OR o."draft" IS NOT NULL)
        AND (n."draft" IS NULL, n."created_at", n."model_version", n."ticket_id") IS DISTINCT FROM (o."draft" IS NULL, o."created_at", o."model_version", o."ticket_id")
    ) r
    WHERE m."ticket_id" = r."ticket_id" AND m."direction" = 'outbound' AND m."draft_triage_id" IS NULL AND m."created_at" > r.since;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "triage_results_draft_insert" AFTER INSERT ON "triage_results" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "messages_draft_on_triage"();--> statement-breakpoint
CREATE TRIGGER "triage_results_draft_update" AFTER UPDATE ON "triage_results" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "messages_draft_on_triage"();--> statement-breakpoint
CREATE TRIGGER "triage_results_draft_delete" AFTER DELETE ON "triage_results" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "messages_draft_on_triage"();--> statement-breakpoint
UPDATE "messages" m SET "draft_model_version" = coalesce(
  (SELECT r."model_version" FROM "triage_results" r WHERE r."id" = m."draft_triage_id"),
  (SELECT r."model_version" FROM "triage_results" r WHERE m."draft_triage_id" IS NULL AND r."ticket_id" = m."ticket_id" AND r."draft" IS NOT NULL
     AND r."created_at" < m."created_at" ORDER BY r."created_at" DESC LIMIT 1))
WHERE m."direction" = 'outbound';--> statement-breakpoint
SELECT "refresh_ai_judged"(ARRAY(SELECT "id" FROM "tickets"));--> statement-breakpoint
-- Adds (sign 1) or removes (sign -1) public replies from their daily rollup, one upsert per key.
CREATE FUNCTION "reply_daily_add"(sign integer, created timestamptz[], team_ids uuid[], channels "ticket_channel"[], versions text[],
  linked boolean[], distances integer[], chrfs real[]) RETURNS void LANGUAGE sql AS $$
INSERT INTO "reply_daily" ("day", "team_id", "channel", "model_version", "from_draft", "edit_distance", "n", "chrf_sum", "chrf_count")
SELECT (c AT TIME ZONE 'UTC')::date, tm, ch, v, l, d, count(*) * sign, coalesce(sum(x), 0) * sign, count(x) * sign
FROM unnest(created, team_ids, channels, versions, linked, distances, chrfs) AS r(c, tm, ch, v, l, d, x)
GROUP BY 1, 2, 3, 4, 5, 6
HAVING count(*) > 0
ON CONFLICT ON CONSTRAINT "reply_daily_key" DO UPDATE SET "n" = "reply_daily"."n" + EXCLUDED."n",
  "chrf_sum" = "reply_daily"."chrf_sum" + EXCLUDED."chrf_sum", "chrf_count" = "reply_daily"."chrf_count" + EXCLUDED."chrf_count";
$$;--> statement-breakpoint
-- Replies in and out of the rollup as they are written, changed or deleted (team and channel are the ticket's now; a
-- deleted ticket takes its replies out before the cascade, see below).
CREATE FUNCTION "reply_daily_on_message"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    PERFORM "reply_daily_add"(-1, array_agg(o."created_at"), array_agg(t."team_id"), array_agg(t."channel"), array_agg(o."draft_model_version"),
      array_agg(o."draft_triage_id" IS NOT NULL), array_agg(o."draft_edit_distance"), array_agg(o."draft_chrf"))
    FROM old_rows o JOIN new_rows n ON n."id" = o."id" JOIN "tickets" t ON t."id" = o."ticket_id"
    WHERE o."direction" = 'outbound'
      AND (o."direction", o."ticket_id", o."created_at", o."draft_model_version", o."draft_triage_id", o."draft_edit_distance", o."draft_chrf")
        IS DISTINCT FROM (n."direction", n."ticket_id", n."created_at", n."draft_model_version", n."draft_triage_id", n."draft_edit_distance", n."draft_chrf");
    PERFORM "reply_daily_add"(1, array_agg(n."created_at"), array_agg(t."team_id"), array_agg(t."channel"), array_agg(n."draft_model_version"),
      array_agg(n."draft_triage_id" IS NOT NULL), array_agg(n."draft_edit_distance"), array_agg(n."draft_chrf"))
    FROM new_rows n JOIN old_rows o ON o."id" = n."id" JOIN "tickets" t ON t."id" = n."ticket_id"
    WHERE n."direction" = 'outbound'
      AND (o."direction", o."ticket_id", o."created_at", o."draft_model_version", o."draft_triage_id", o."draft_edit_distance", o."draft_chrf")
        IS DISTINCT FROM (n."direction", n."ticket_id", n."created_at", n."draft_model_version", n."draft_triage_id", n."draft_edit_distance", n."draft_chrf");
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM "reply_daily_add"(1, array_agg(n."created_at"), array_agg(t."team_id"), array_agg(t."channel"), array_agg(n."draft_model_version"),
      array_agg(n."draft_triage_id" IS NOT NULL), array_agg(n."draft_edit_distance"), array_agg(n."draft_chrf"))
    FROM new_rows n JOIN "tickets" t ON t."id" = n."ticket_id" WHERE n."direction" = 'outbound';
  ELSE
    PERFORM "reply_daily_add"(-1, array_agg(o."created_at"), array_agg(t."team_id"), array_agg(t."channel"), array_agg(o."draft_model_version"),
      array_agg(o."draft_triage_id" IS NOT NULL), array_agg(o."draft_edit_distance"), array_agg(o."draft_chrf"))
    FROM old_rows o JOIN "tickets" t ON t."id" = o."ticket_id" WHERE o."direction" = 'outbound';
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "messages_reply_daily_insert" AFTER INSERT ON "messages" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "reply_daily_on_message"();--> statement-breakpoint
CREATE TRIGGER "messages_reply_daily_update" AFTER UPDATE ON "messages" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "reply_daily_on_message"();--> statement-breakpoint
CREATE TRIGGER "messages_reply_daily_delete" AFTER DELETE ON "messages" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "reply_daily_on_message"();--> statement-breakpoint
-- A ticket moved to another team or channel moves its replies; a deleted one takes them out while it is still there.
CREATE FUNCTION "reply_daily_on_ticket"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "reply_daily_add"(-1, array_agg(m."created_at"), array_agg(OLD."team_id"), array_agg(OLD."channel"), array_agg(m."draft_model_version"),
    array_agg(m."draft_triage_id" IS NOT NULL), array_agg(m."draft_edit_distance"), array_agg(m."draft_chrf"))
  FROM "messages" m WHERE m."ticket_id" = OLD."id" AND m."direction" = 'outbound';
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  PERFORM "reply_daily_add"(1, array_agg(m."created_at"), array_agg(NEW."team_id"), array_agg(NEW."channel"), array_agg(m."draft_model_version"),
    array_agg(m."draft_triage_id" IS NOT NULL), array_agg(m."draft_edit_distance"), array_agg(m."draft_chrf"))
  FROM "messages" m WHERE m."ticket_id" = NEW."id" AND m."direction" = 'outbound';
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "tickets_reply_daily_update" AFTER UPDATE OF "team_id", "channel" ON "tickets" FOR EACH ROW
  WHEN ((OLD."team_id", OLD."channel") IS DISTINCT FROM (NEW."team_id", NEW."channel")) EXECUTE FUNCTION "reply_daily_on_ticket"();--> statement-breakpoint
CREATE TRIGGER "tickets_reply_daily_delete" BEFORE DELETE ON "tickets" FOR EACH ROW EXECUTE FUNCTION "reply_daily_on_ticket"();--> statement-breakpoint
SELECT "reply_daily_add"(1, array_agg(m."created_at"), array_agg(t."team_id"), array_agg(t."channel"), array_agg(m."draft_model_version"),
  array_agg(m."draft_triage_id" IS NOT NULL), array_agg(m."draft_edit_distance"), array_agg(m."draft_chrf"))
FROM "messages" m JOIN "tickets" t ON t."id" = m."ticket_id" WHERE m."direction" = 'outbound';
