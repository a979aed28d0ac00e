-- Accountability for the registry and annual inspection: the account history, gradings and
-- interviews (约谈) are never rewritten or removed. Pass codes are revoked, never deleted.
SELECT imprimatur_refuse_on('account_events', 'append_only', 'UPDATE OR DELETE');
SELECT imprimatur_refuse_on('inspection_gradings', 'append_only', 'UPDATE OR DELETE');
SELECT imprimatur_refuse_on('inspection_interviews', 'append_only', 'UPDATE OR DELETE');

-- Accounts are tombstoned (deregistered), codes revoked: neither row may disappear.
SELECT imprimatur_refuse_on('accounts', 'no_delete', 'DELETE');
SELECT imprimatur_refuse_on('inspection_codes', 'no_delete', 'DELETE');
