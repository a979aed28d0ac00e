import { integer, jsonb, pgTable, uuid } from 'drizzle-orm/pg-core';
import type { HolidayYear } from '../../src/domain/holidays';
import { at } from './columns';
import { people } from './org';

/**
 * Holiday years loaded by an admin (the State Council's notice for a new year, or a correction).
 * A loaded year replaces the shipped data for that year; the shipped years need no rows.
 */
export const holidayYears = pgTable('holiday_years', {
  year: integer('year').primaryKey(),
  data: jsonb('data').$type<HolidayYear>().notNull(),
  loadedBy: uuid('loaded_by').references(() => people.id),
  loadedAt: at('loaded_at').notNull(),
});
