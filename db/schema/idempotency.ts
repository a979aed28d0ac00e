import { integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { at } from './columns';
import { people } from './org';

/**
 * A write sent with an `Idempotency-Key` header, kept for a day so that the same person sending it
 * again (a script retrying after a timeout, a double click in a client) gets the first answer back
 * instead of a second draft. While the first is being handled, `status` is null.
 */
export const idempotentRequests = pgTable(
  'idempotent_requests',
  {
    personId: uuid('person_id').notNull().references(() => people.id),
    key: text('key').notNull(),
    /** SHA-256 of the method, the path with its query, the content type and the body. */
    fingerprint: text('fingerprint').notNull(),
    createdAt: at('created_at').notNull(),
    /**
     * Set inside the use case's own transaction, so it is there exactly when the request's work is:
     * a key whose request committed and then died before its answer was kept is never run again.
     */
    committedAt: at('committed_at'),
    status: integer('status'),
    contentType: text('content_type'),
    /** The answer's text (the API answers JSON). */
    body: text('body'),
  },
  (t) => [primaryKey({ columns: [t.personId, t.key] })],
);
