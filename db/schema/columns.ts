import { timestamp, uuid } from 'drizzle-orm/pg-core';

/** Shared column builders, so every table spells ids and instants the same way. */
export const id = () => uuid('id').primaryKey().defaultRandom();
export const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
export const createdAt = () => at('created_at').notNull().defaultNow();
