DROP INDEX "drafts_unit_idx";--> statement-breakpoint
DROP INDEX "drafts_drafter_idx";--> statement-breakpoint
CREATE INDEX "drafts_unit_updated_idx" ON "drafts" USING btree ("unit_id","updated_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "drafts_drafter_updated_idx" ON "drafts" USING btree ("drafter_id","updated_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "drafts_updated_idx" ON "drafts" USING btree ("updated_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);