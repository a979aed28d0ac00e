import { text, pgTable, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, id } from './columns';
import { people } from './org';
import type { Severity } from '../../src/domain/prescreen';

/** The word list the publicity department manages (GET|POST|DELETE /prescreen/words). */
export const prescreenWords = pgTable(
  'prescreen_words',
  {
    id: id(),
    word: text('word').notNull(),
    category: text('category').notNull(),
    severity: text('severity').$type<Severity>().notNull(),
    note: text('note'),
    createdBy: uuid('created_by').references(() => people.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('prescreen_words_word_key').on(sql`lower(${t.word})`)],
);
