-- Duties of the responsibility system: what a unit handed in, and what its reviewer decided, stay as they were.
SELECT imprimatur_refuse_on('duty_submissions', 'append_only', 'UPDATE OR DELETE');
SELECT imprimatur_refuse_on('duty_decisions', 'append_only', 'UPDATE OR DELETE');
-- Templates are retired and obligations closed, never removed.
SELECT imprimatur_refuse_on('duty_templates', 'no_delete', 'DELETE');
SELECT imprimatur_refuse_on('duty_obligations', 'no_delete', 'DELETE');
