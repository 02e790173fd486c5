CREATE TABLE "macros" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"body" text NOT NULL,
	"team_id" uuid,
	"category" text,
	"usage_count" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "sentiment" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "language" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "summary" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "needs_human" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "flagged" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "macros" ADD CONSTRAINT "macros_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "macros" ADD CONSTRAINT "macros_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "macros_team_idx" ON "macros" USING btree ("team_id");--> statement-breakpoint
CREATE INDEX "customers_fts_idx" ON "customers" USING gin (to_tsvector('simple', coalesce("name", '') || ' ' || "email"));--> statement-breakpoint
CREATE INDEX "messages_body_fts_idx" ON "messages" USING gin (to_tsvector('simple', "body_text"));--> statement-breakpoint
CREATE INDEX "tickets_subject_fts_idx" ON "tickets" USING gin (to_tsvector('simple', "subject"));--> statement-breakpoint
CREATE INDEX "tickets_open_updated_idx" ON "tickets" USING btree ("last_message_at") WHERE "tickets"."status" not in ('solved', 'closed');--> statement-breakpoint
CREATE INDEX "tickets_last_message_idx" ON "tickets" USING btree ("last_message_at");--> statement-breakpoint
CREATE INDEX "tickets_open_priority_idx" ON "tickets" USING btree ("priority","number") WHERE "tickets"."status" not in ('solved', 'closed');--> statement-breakpoint
CREATE INDEX "tickets_open_needs_human_idx" ON "tickets" USING btree ("last_message_at") WHERE "tickets"."needs_human" and "tickets"."status" not in ('solved', 'closed');--> statement-breakpoint
CREATE INDEX "tickets_open_flagged_idx" ON "tickets" USING btree ("last_message_at") WHERE "tickets"."flagged" and "tickets"."status" not in ('solved', 'closed');--> statement-breakpoint
CREATE INDEX "tickets_open_sla_idx" ON "tickets" USING btree ("sla_due_at") WHERE "tickets"."status" not in ('solved', 'closed');--> statement-breakpoint
-- Backfill: the queues read needs-human and flagged from the ticket; existing tickets take their latest triage's.
UPDATE "tickets" t SET "needs_human" = tr."needs_human", "flagged" = tr."injection"
FROM (SELECT DISTINCT ON ("ticket_id") "ticket_id", "needs_human", "injection" FROM "triage_results" ORDER BY "ticket_id", "created_at" DESC) tr
WHERE tr."ticket_id" = t."id";
--> statement-breakpoint
-- The next SLA deadline of a ticket, kept by the database so every path that creates or changes a ticket (the app,
-- the seed, an import) agrees: the first-reply target until an agent answered, then the resolution target; none
-- once solved or closed. Whoever changes a policy re-touches the open tickets (UPDATE tickets SET priority = priority).
CREATE FUNCTION "tickets_sla_due"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."status" IN ('solved', 'closed') THEN
    NEW."sla_due_at" := NULL;
  ELSE
    SELECT NEW."created_at" + make_interval(mins => CASE WHEN NEW."first_response_at" IS NULL THEN p."first_reply_minutes" ELSE p."resolution_minutes" END)
      INTO NEW."sla_due_at" FROM "sla_policies" p WHERE p."priority" = NEW."priority";
    IF NOT FOUND THEN NEW."sla_due_at" := NULL; END IF;
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER "tickets_sla_due_trg" BEFORE INSERT OR UPDATE OF "priority", "status", "first_response_at", "created_at" ON "tickets"
FOR EACH ROW EXECUTE FUNCTION "tickets_sla_due"();
--> statement-breakpoint
UPDATE "tickets" SET "priority" = "priority";
