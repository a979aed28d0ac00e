CREATE TABLE "account_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_id" uuid,
	"type" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"reason" text,
	"old_values" jsonb,
	"new_values" jsonb
);
--> statement-breakpoint
CREATE TABLE "registration_counters" (
	"year" integer PRIMARY KEY NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "registry_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
CREATE TABLE "inspection_campaigns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"year" integer NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"grace_until" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inspection_campaigns_year_unique" UNIQUE("year")
);
--> statement-breakpoint
CREATE TABLE "inspection_code_counters" (
	"year" integer NOT NULL,
	"platform" text NOT NULL,
	"last" integer NOT NULL,
	CONSTRAINT "inspection_code_counters_year_platform_pk" PRIMARY KEY("year","platform")
);
--> statement-breakpoint
CREATE TABLE "inspection_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"account_id" uuid NOT NULL,
	"inspection_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"platform" text NOT NULL,
	"sequence" integer NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"issued_by" uuid NOT NULL,
	"expired_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	"revoked_reason" text,
	CONSTRAINT "inspection_codes_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "inspection_gradings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"inspection_id" uuid NOT NULL,
	"result" text NOT NULL,
	"findings" text,
	"auto_fail_items" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"rectify_deadline" timestamp with time zone,
	"graded_by" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspection_interviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"inspection_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"held_at" timestamp with time zone NOT NULL,
	"attendees" jsonb NOT NULL,
	"notes" text NOT NULL,
	"recorded_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"self_report" jsonb,
	"self_reported_at" timestamp with time zone,
	"self_reported_by" uuid,
	"result" text,
	"findings" text,
	"auto_fail_items" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"graded_at" timestamp with time zone,
	"graded_by" uuid,
	"rectify_deadline" timestamp with time zone,
	"next_reminder_at" timestamp with time zone,
	"reminders_sent" integer DEFAULT 0 NOT NULL,
	"overdue_notified_at" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "dormant_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "account_events" ADD CONSTRAINT "account_events_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_events" ADD CONSTRAINT "account_events_actor_id_people_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_settings" ADD CONSTRAINT "registry_settings_updated_by_people_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_campaigns" ADD CONSTRAINT "inspection_campaigns_created_by_people_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_codes" ADD CONSTRAINT "inspection_codes_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_codes" ADD CONSTRAINT "inspection_codes_inspection_id_inspections_id_fk" FOREIGN KEY ("inspection_id") REFERENCES "public"."inspections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_codes" ADD CONSTRAINT "inspection_codes_issued_by_people_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_codes" ADD CONSTRAINT "inspection_codes_revoked_by_people_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_gradings" ADD CONSTRAINT "inspection_gradings_inspection_id_inspections_id_fk" FOREIGN KEY ("inspection_id") REFERENCES "public"."inspections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_gradings" ADD CONSTRAINT "inspection_gradings_graded_by_people_id_fk" FOREIGN KEY ("graded_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_interviews" ADD CONSTRAINT "inspection_interviews_inspection_id_inspections_id_fk" FOREIGN KEY ("inspection_id") REFERENCES "public"."inspections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_interviews" ADD CONSTRAINT "inspection_interviews_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_interviews" ADD CONSTRAINT "inspection_interviews_recorded_by_people_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspections" ADD CONSTRAINT "inspections_campaign_id_inspection_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."inspection_campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspections" ADD CONSTRAINT "inspections_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspections" ADD CONSTRAINT "inspections_self_reported_by_people_id_fk" FOREIGN KEY ("self_reported_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspections" ADD CONSTRAINT "inspections_graded_by_people_id_fk" FOREIGN KEY ("graded_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_events_account_idx" ON "account_events" USING btree ("account_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "inspection_codes_account_year_key" ON "inspection_codes" USING btree ("account_id","year") WHERE "inspection_codes"."revoked_at" is null;--> statement-breakpoint
CREATE INDEX "inspection_codes_account_idx" ON "inspection_codes" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "inspections_campaign_account_key" ON "inspections" USING btree ("campaign_id","account_id");--> statement-breakpoint
CREATE INDEX "inspections_account_idx" ON "inspections" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "inspections_next_reminder_idx" ON "inspections" USING btree ("next_reminder_at") WHERE "inspections"."status" = 'open';--> statement-breakpoint
CREATE INDEX "inspections_rectify_due_idx" ON "inspections" USING btree ("rectify_deadline") WHERE "inspections"."status" = 'rectifying' and "inspections"."escalated_at" is null;