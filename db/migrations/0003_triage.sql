CREATE TYPE "public"."triage_status" AS ENUM('queued', 'running', 'done', 'needs_human', 'failed');--> statement-breakpoint
CREATE TABLE "inference_workers" (
	"id" text PRIMARY KEY NOT NULL,
	"queue_worker_ids" text[] NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"backend_pid" integer NOT NULL,
	"backend_start" timestamp with time zone NOT NULL,
	"model_version" text,
	"sequences" integer NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_versions" (
	"id" text PRIMARY KEY NOT NULL,
	"model_id" text NOT NULL,
	"file_sha256" text NOT NULL,
	"backend" text NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "triage_results" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_id" uuid NOT NULL,
	"message_id" uuid NOT NULL,
	"model_version" text NOT NULL,
	"status" "triage_status" DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	"worker_id" text,
	"category" text,
	"priority" "ticket_priority",
	"sentiment" text,
	"language" text,
	"summary" text,
	"evidence" text,
	"tags" text[],
	"confidence" jsonb,
	"needs_human" boolean DEFAULT false NOT NULL,
	"injection" boolean DEFAULT false NOT NULL,
	"flags" jsonb,
	"allowed_categories" text[],
	"raw_output" text,
	"classifier" jsonb,
	"draft" text,
	"draft_error" text,
	"enqueued_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"queue_wait_ms" integer,
	"prompt_tokens" integer,
	"cached_prompt_tokens" integer,
	"completion_tokens" integer,
	"ttft_ms" integer,
	"tokens_per_second" real,
	"total_ms" integer,
	"draft_prompt_tokens" integer,
	"draft_completion_tokens" integer,
	"draft_ttft_ms" integer,
	"draft_tokens_per_second" real,
	"draft_total_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "triage_results" ADD CONSTRAINT "triage_results_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "triage_results" ADD CONSTRAINT "triage_results_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "triage_results" ADD CONSTRAINT "triage_results_model_version_model_versions_id_fk" FOREIGN KEY ("model_version") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "triage_results_message_version_key" ON "triage_results" USING btree ("message_id","model_version");--> statement-breakpoint
CREATE INDEX "triage_results_ticket_idx" ON "triage_results" USING btree ("ticket_id","created_at");--> statement-breakpoint
CREATE INDEX "triage_results_status_idx" ON "triage_results" USING btree ("status","updated_at");