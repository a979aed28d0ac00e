import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { at, createdAt, id } from './columns';
import { drafts, draftVersions } from './drafts';
import { people } from './org';

/**
 * Where and when an approved draft went live (POST /drafts/{id}/publications): the published URL,
 * the time, the account, who recorded it. Tied to the approved version, so the record shows which
 * exact text was put out.
 */
export const publications = pgTable(
  'publications',
  {
    id: id(),
    draftId: uuid('draft_id').notNull().references(() => drafts.id),
    versionId: uuid('version_id').notNull().references(() => draftVersions.id),
    accountId: uuid('account_id').references(() => accounts.id),
    url: text('url').notNull(),
    publishedAt: at('published_at').notNull(),
    recordedBy: uuid('recorded_by').notNull().references(() => people.id),
    createdAt: createdAt(),
  },
  (t) => [index('publications_draft_idx').on(t.draftId)],
);
