CREATE TABLE "installation" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "installation_one_row" CHECK ("installation"."singleton")
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "job_key" uuid DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
-- Hand-written: the installation's one row, its id drawn here, once, when the schema is created.
INSERT INTO "installation" DEFAULT VALUES;
