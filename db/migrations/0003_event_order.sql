DROP INDEX "account_events_account_idx";--> statement-breakpoint
ALTER TABLE "account_events" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
ALTER TABLE "inspection_gradings" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
CREATE INDEX "account_events_account_idx" ON "account_events" USING btree ("account_id","at","seq");