CREATE TYPE "public"."encoder_status" AS ENUM('training', 'promoted', 'rejected', 'retired', 'failed');--> statement-breakpoint
CREATE TABLE "encoder_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"scope" text DEFAULT 'live' NOT NULL,
	"field" text NOT NULL,
	"base_model" text NOT NULL,
	"model_id" text,
	"path" text,
	"sha256" text,
	"status" "encoder_status" DEFAULT 'training' NOT NULL,
	"params" jsonb NOT NULL,
	"metrics" jsonb,
	"error" text,
	"user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "encoder_runs" ADD CONSTRAINT "encoder_runs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "encoder_runs_active_idx" ON "encoder_runs" USING btree ("scope","base_model","status","finished_at");