CREATE TABLE "sla_policies" (
	"priority" "ticket_priority" PRIMARY KEY NOT NULL,
	"first_reply_minutes" integer NOT NULL,
	"resolution_minutes" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "draft_triage_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "draft_text" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "draft_edit_distance" integer;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "draft_chrf" real;--> statement-breakpoint
-- Defaults a team can change at Admin → SLA: first reply / resolution in minutes.
INSERT INTO "sla_policies" ("priority", "first_reply_minutes", "resolution_minutes") VALUES
  ('urgent', 60, 240), ('high', 240, 1440), ('normal', 480, 2880), ('low', 1440, 5760)
ON CONFLICT DO NOTHING;
