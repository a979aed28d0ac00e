CREATE TABLE "supervisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"year" integer NOT NULL,
	"unit_id" uuid NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"items" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"total" integer,
	"summary" text,
	"rectify_deadline" timestamp with time zone,
	"rectified_at" timestamp with time zone,
	"rectification_note" text,
	"escalated_at" timestamp with time zone,
	"scored_by" uuid,
	"scored_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "supervisions" ADD CONSTRAINT "supervisions_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervisions" ADD CONSTRAINT "supervisions_scored_by_people_id_fk" FOREIGN KEY ("scored_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervisions" ADD CONSTRAINT "supervisions_created_by_people_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "supervisions_year_unit_key" ON "supervisions" USING btree ("year","unit_id");--> statement-breakpoint
CREATE INDEX "supervisions_rectify_due_idx" ON "supervisions" USING btree ("rectify_deadline") WHERE "supervisions"."status" = 'rectifying' and "supervisions"."escalated_at" is null;