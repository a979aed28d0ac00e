CREATE TABLE "holiday_years" (
	"year" integer PRIMARY KEY NOT NULL,
	"data" jsonb NOT NULL,
	"loaded_by" uuid,
	"loaded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "holiday_years" ADD CONSTRAINT "holiday_years_loaded_by_people_id_fk" FOREIGN KEY ("loaded_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;