-- Analytics (issue 20). ticket_events: every status change of a ticket, written by the trigger below so that no path
-- (an agent's edit, a customer writing again, a reply moving a ticket to pending, a helpdesk event) can forget it;
-- reopen rate reads it. Indexes, each for a dashboard query over a date range (bench/analytics.ts measures them):
-- tickets_created_idx (volume, speed, SLA select tickets by creation), tickets_resolved_idx (solved per day,
-- resolution time, one-touch, reopen rate select by solve time; partial: open tickets have none), messages_outbound_idx
-- (first reply, reply counts and draft use read public replies only; partial: inbound mail and notes are most rows),
-- triage_results_created_idx (model operations, AI quality and cost select triage runs by when they ran).
CREATE TABLE "ticket_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_id" uuid NOT NULL,
	"from_status" "ticket_status" NOT NULL,
	"to_status" "ticket_status" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ticket_events" ADD CONSTRAINT "ticket_events_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ticket_events_ticket_idx" ON "ticket_events" USING btree ("ticket_id","created_at");--> statement-breakpoint
CREATE INDEX "messages_outbound_idx" ON "messages" USING btree ("ticket_id","created_at") WHERE "messages"."direction" = 'outbound';--> statement-breakpoint
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
  FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status") EXECUTE FUNCTION "record_ticket_status_event"();
