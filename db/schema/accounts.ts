import { sql } from 'drizzle-orm';
import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { at, createdAt, id } from './columns';
import { people, units } from './org';

export const ACCOUNT_STATUSES = ['pending', 'registered', 'suspended', 'rectifying', 'shut_down', 'deregistered'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** Official new-media accounts registered with the publicity department (登记备案). */
export const accounts = pgTable(
  'accounts',
  {
    id: id(),
    name: text('name').notNull(),
    platform: text('platform').notNull(),
    /** The platform's own id; a renamed account keeps its record. */
    platformId: text('platform_id').notNull(),
    url: text('url'),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    ownerId: uuid('owner_id').notNull().references(() => people.id),
    tier: text('tier').notNull().default('unit'),
    status: text('status').$type<AccountStatus>().notNull().default('pending'),
    registrationNo: text('registration_no').unique(),
    registeredAt: at('registered_at'),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('accounts_platform_id_key').on(t.platform, t.platformId), index('accounts_unit_idx').on(t.unitId)],
);

export const ACCOUNT_ROLES = ['responsible_leader', 'leader_in_charge', 'admin', 'operator', 'reviewer', 'commentator'] as const;

/** Dated role assignments on an account; a student's role carries an end date. */
export const accountRoles = pgTable(
  'account_roles',
  {
    id: id(),
    accountId: uuid('account_id').notNull().references(() => accounts.id),
    personId: uuid('person_id').notNull().references(() => people.id),
    role: text('role').notNull(),
    personKind: text('person_kind').notNull().default('teacher'),
    startedAt: at('started_at').notNull().defaultNow(),
    endsAt: at('ends_at'),
    endedAt: at('ended_at'),
  },
  (t) => [index('account_roles_account_idx').on(t.accountId).where(sql`${t.endedAt} is null`)],
);
