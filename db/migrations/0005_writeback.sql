CREATE TYPE "public"."writeback_status" AS ENUM('pending', 'sent', 'failed');--> statement-breakpoint
CREATE TABLE "helpdesk_writebacks" (
	"triage_result_id" uuid PRIMARY KEY NOT NULL,
	"source_id" uuid,
	"status" "writeback_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"http_status" integer,
	"error" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "webhook_sources" ADD COLUMN "writeback_url" text;--> statement-breakpoint
ALTER TABLE "webhook_sources" ADD COLUMN "writeback_token" text;--> statement-breakpoint
ALTER TABLE "helpdesk_writebacks" ADD CONSTRAINT "helpdesk_writebacks_triage_result_id_triage_results_id_fk" FOREIGN KEY ("triage_result_id") REFERENCES "public"."triage_results"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "helpdesk_writebacks" ADD CONSTRAINT "helpdesk_writebacks_source_id_webhook_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."webhook_sources"("id") ON DELETE set null ON UPDATE no action;