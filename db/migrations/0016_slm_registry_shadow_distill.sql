ALTER TYPE "public"."slm_run_status" ADD VALUE 'shadow';--> statement-breakpoint
CREATE TABLE "distilled_drafts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_id" uuid NOT NULL,
	"message_id" uuid NOT NULL,
	"teacher_model" text NOT NULL,
	"teacher_version" text NOT NULL,
	"draft" text NOT NULL,
	"passed" boolean NOT NULL,
	"reasons" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shadow_results" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"run_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"message_id" uuid NOT NULL,
	"live_result_id" uuid,
	"model_version" text NOT NULL,
	"category" text,
	"priority" text,
	"sentiment" text,
	"language" text,
	"summary" text,
	"draft" text,
	"error" text,
	"total_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dataset_examples" ADD COLUMN "distilled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "model_versions" ADD COLUMN "slm_version" text;--> statement-breakpoint
ALTER TABLE "model_versions" ADD COLUMN "encoder" text;--> statement-breakpoint
ALTER TABLE "model_versions" ADD COLUMN "classifier" text;--> statement-breakpoint
ALTER TABLE "model_versions" ADD COLUMN "prompt_version" text;--> statement-breakpoint
ALTER TABLE "distilled_drafts" ADD CONSTRAINT "distilled_drafts_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "distilled_drafts" ADD CONSTRAINT "distilled_drafts_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shadow_results" ADD CONSTRAINT "shadow_results_run_id_slm_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."slm_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shadow_results" ADD CONSTRAINT "shadow_results_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shadow_results" ADD CONSTRAINT "shadow_results_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shadow_results" ADD CONSTRAINT "shadow_results_live_result_id_triage_results_id_fk" FOREIGN KEY ("live_result_id") REFERENCES "public"."triage_results"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "distilled_drafts_message_teacher_key" ON "distilled_drafts" USING btree ("message_id","teacher_model");--> statement-breakpoint
CREATE UNIQUE INDEX "shadow_results_run_message_key" ON "shadow_results" USING btree ("run_id","message_id");--> statement-breakpoint
CREATE INDEX "shadow_results_ticket_idx" ON "shadow_results" USING btree ("ticket_id");--> statement-breakpoint
-- Versions registered before the registry named only the engine: their id is the engine version.
UPDATE "model_versions" SET "slm_version" = "id" WHERE "slm_version" IS NULL;