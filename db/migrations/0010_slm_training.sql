CREATE TYPE "public"."dataset_split" AS ENUM('train', 'heldout');--> statement-breakpoint
CREATE TYPE "public"."slm_run_status" AS ENUM('training', 'scoring', 'promoted', 'rejected', 'retired', 'failed');--> statement-breakpoint
CREATE TABLE "dataset_examples" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"snapshot_id" uuid NOT NULL,
	"split" "dataset_split" NOT NULL,
	"kind" text NOT NULL,
	"label" text NOT NULL,
	"messages" jsonb NOT NULL,
	"ai_value" text,
	"final_value" text NOT NULL,
	"model_version" text,
	"source_id" text NOT NULL,
	"source_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dataset_snapshots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"sha256" text NOT NULL,
	"seed" integer NOT NULL,
	"heldout_share" real NOT NULL,
	"stats" jsonb NOT NULL,
	"user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "slm_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"snapshot_id" uuid,
	"base_model" text NOT NULL,
	"base_sha256" text,
	"adapter_path" text,
	"adapter_sha256" text,
	"status" "slm_run_status" DEFAULT 'training' NOT NULL,
	"params" jsonb NOT NULL,
	"progress" jsonb,
	"metrics" jsonb,
	"error" text,
	"user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "model_versions" ADD COLUMN "adapter_sha256" text;--> statement-breakpoint
ALTER TABLE "dataset_examples" ADD CONSTRAINT "dataset_examples_snapshot_id_dataset_snapshots_id_fk" FOREIGN KEY ("snapshot_id") REFERENCES "public"."dataset_snapshots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dataset_snapshots" ADD CONSTRAINT "dataset_snapshots_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slm_runs" ADD CONSTRAINT "slm_runs_snapshot_id_dataset_snapshots_id_fk" FOREIGN KEY ("snapshot_id") REFERENCES "public"."dataset_snapshots"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slm_runs" ADD CONSTRAINT "slm_runs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dataset_examples_snapshot_idx" ON "dataset_examples" USING btree ("snapshot_id","split","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "dataset_snapshots_sha256_key" ON "dataset_snapshots" USING btree ("sha256","seed","heldout_share");--> statement-breakpoint
CREATE INDEX "dataset_snapshots_created_idx" ON "dataset_snapshots" USING btree ("created_at" desc);--> statement-breakpoint
CREATE INDEX "slm_runs_active_idx" ON "slm_runs" USING btree ("base_model","status","finished_at");