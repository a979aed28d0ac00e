CREATE TABLE "duty_decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"submission_id" uuid NOT NULL,
	"obligation_id" uuid NOT NULL,
	"decision" text NOT NULL,
	"comment" text,
	"decided_by" uuid NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	CONSTRAINT "duty_decisions_submission_id_unique" UNIQUE("submission_id")
);
--> statement-breakpoint
CREATE TABLE "duty_obligations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"template_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"period" text NOT NULL,
	"year" integer NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"due_day" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"next_reminder_at" timestamp with time zone,
	"reminders_sent" integer DEFAULT 0 NOT NULL,
	"escalations_sent" integer DEFAULT 0 NOT NULL,
	"accepted_at" timestamp with time zone,
	"accepted_submission_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "duty_submissions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"obligation_id" uuid NOT NULL,
	"round" integer NOT NULL,
	"note" text NOT NULL,
	"files" jsonb NOT NULL,
	"submitted_by" uuid NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "duty_templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key" text,
	"title" text NOT NULL,
	"content" text NOT NULL,
	"source" text,
	"responsible" text NOT NULL,
	"scope" jsonb DEFAULT '{"units":"all"}'::jsonb NOT NULL,
	"recurrence" text NOT NULL,
	"dates" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"due_rule" jsonb NOT NULL,
	"evidence" jsonb NOT NULL,
	"reviewer" text DEFAULT 'publicity' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "duty_templates_key_unique" UNIQUE("key")
);
--> statement-breakpoint
ALTER TABLE "duty_decisions" ADD CONSTRAINT "duty_decisions_submission_id_duty_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."duty_submissions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_decisions" ADD CONSTRAINT "duty_decisions_obligation_id_duty_obligations_id_fk" FOREIGN KEY ("obligation_id") REFERENCES "public"."duty_obligations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_decisions" ADD CONSTRAINT "duty_decisions_decided_by_people_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_obligations" ADD CONSTRAINT "duty_obligations_template_id_duty_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."duty_templates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_obligations" ADD CONSTRAINT "duty_obligations_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_submissions" ADD CONSTRAINT "duty_submissions_obligation_id_duty_obligations_id_fk" FOREIGN KEY ("obligation_id") REFERENCES "public"."duty_obligations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_submissions" ADD CONSTRAINT "duty_submissions_submitted_by_people_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_templates" ADD CONSTRAINT "duty_templates_created_by_people_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "duty_obligations_period_key" ON "duty_obligations" USING btree ("template_id","unit_id","period");--> statement-breakpoint
CREATE INDEX "duty_obligations_unit_idx" ON "duty_obligations" USING btree ("unit_id","year");--> statement-breakpoint
CREATE INDEX "duty_obligations_year_idx" ON "duty_obligations" USING btree ("year");--> statement-breakpoint
CREATE INDEX "duty_obligations_next_reminder_idx" ON "duty_obligations" USING btree ("next_reminder_at") WHERE "duty_obligations"."status" in ('open', 'returned');--> statement-breakpoint
CREATE UNIQUE INDEX "duty_submissions_round_key" ON "duty_submissions" USING btree ("obligation_id","round");