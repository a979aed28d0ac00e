ALTER TABLE "audit_events" ALTER COLUMN "prev_hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "chain_no" bigint;--> statement-breakpoint
CREATE INDEX "audit_events_unsealed_idx" ON "audit_events" USING btree ("seq") WHERE hash is null;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_chain_no_unique" UNIQUE("chain_no");--> statement-breakpoint
-- Events chained under the old global lock keep their order: their chain position is their seq.
-- (The append-only trigger exists on a database being upgraded, not yet on a fresh one.)
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_events_append_only' AND tgrelid = 'audit_events'::regclass) THEN
    ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
    UPDATE audit_events SET chain_no = seq;
    ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only;
  ELSE
    UPDATE audit_events SET chain_no = seq;
  END IF;
END $$;
