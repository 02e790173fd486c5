CREATE TABLE "triage_settings" (
	"field" text PRIMARY KEY NOT NULL,
	"auto_apply" boolean DEFAULT false NOT NULL,
	"min_confidence" real DEFAULT 0.9 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "triage_results" ADD COLUMN "learner_status" text;--> statement-breakpoint
ALTER TABLE "triage_results" ADD COLUMN "fields" jsonb;--> statement-breakpoint
ALTER TABLE "triage_results" ADD COLUMN "draft_check" jsonb;--> statement-breakpoint
ALTER TABLE "triage_settings" ADD CONSTRAINT "triage_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;