-- Accountability for the registry and annual inspection: the account history, gradings and
-- interviews (约谈) are never rewritten or removed. Pass codes are revoked, never deleted.
DROP TRIGGER IF EXISTS account_events_append_only ON account_events;
CREATE TRIGGER account_events_append_only BEFORE UPDATE OR DELETE ON account_events
  FOR EACH ROW EXECUTE FUNCTION imprimatur_refuse_change();

DROP TRIGGER IF EXISTS inspection_gradings_append_only ON inspection_gradings;
CREATE TRIGGER inspection_gradings_append_only BEFORE UPDATE OR DELETE ON inspection_gradings
  FOR EACH ROW EXECUTE FUNCTION imprimatur_refuse_change();

DROP TRIGGER IF EXISTS inspection_interviews_append_only ON inspection_interviews;
CREATE TRIGGER inspection_interviews_append_only BEFORE UPDATE OR DELETE ON inspection_interviews
  FOR EACH ROW EXECUTE FUNCTION imprimatur_refuse_change();

-- Accounts are tombstoned (deregistered), codes revoked: neither row may disappear.
DROP TRIGGER IF EXISTS accounts_no_delete ON accounts;
CREATE TRIGGER accounts_no_delete BEFORE DELETE ON accounts
  FOR EACH ROW EXECUTE FUNCTION imprimatur_refuse_change();
DROP TRIGGER IF EXISTS inspection_codes_no_delete ON inspection_codes;
CREATE TRIGGER inspection_codes_no_delete BEFORE DELETE ON inspection_codes
  FOR EACH ROW EXECUTE FUNCTION imprimatur_refuse_change();
