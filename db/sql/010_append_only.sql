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

SELECT imprimatur_refuse_on('audit_events', 'append_only', 'UPDATE OR DELETE');
SELECT imprimatur_refuse_on('audit_events', 'no_truncate', 'TRUNCATE', 'STATEMENT');
SELECT imprimatur_refuse_on('draft_versions', 'append_only', 'UPDATE OR DELETE');
SELECT imprimatur_refuse_on('decisions', 'append_only', 'UPDATE OR DELETE');
