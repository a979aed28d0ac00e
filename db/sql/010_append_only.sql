-- Accountability: audit events, draft versions and decisions are never rewritten or removed.
CREATE OR REPLACE FUNCTION imprimatur_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

-- Puts that refusal on one table for the given events, as trigger <table>_<suffix>; re-runnable.
CREATE OR REPLACE FUNCTION imprimatur_refuse_on(tbl text, suffix text, events text, per text DEFAULT 'ROW') RETURNS void AS $$
BEGIN
  EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', tbl || '_' || suffix, tbl);
  EXECUTE format('CREATE TRIGGER %I BEFORE %s ON %I FOR EACH %s EXECUTE FUNCTION imprimatur_refuse_change()', tbl || '_' || suffix, events, tbl, per);
END;
$$ LANGUAGE plpgsql;

-- Audit events are inserted unsealed (no chain lock in the writer's transaction); the sealer then
-- sets chain_no, prev_hash and hash once. That is the only update let through: nothing else of
-- the row may change, and a sealed row never changes again.
CREATE OR REPLACE FUNCTION imprimatur_audit_seal_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.chain_no IS NOT NULL
     AND (to_jsonb(OLD) - ARRAY['chain_no', 'prev_hash', 'hash']) = (to_jsonb(NEW) - ARRAY['chain_no', 'prev_hash', 'hash']) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION imprimatur_audit_seal_only();
SELECT imprimatur_refuse_on('audit_events', 'no_truncate', 'TRUNCATE', 'STATEMENT');
SELECT imprimatur_refuse_on('draft_versions', 'append_only', 'UPDATE OR DELETE');
SELECT imprimatur_refuse_on('decisions', 'append_only', 'UPDATE OR DELETE');
