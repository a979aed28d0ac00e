import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ACCOUNT_ROLES, ACCOUNT_STATUSES, type AccountRole, type AccountStatus, type PersonKind } from '../../src/domain/account-lifecycle';
import type { Platform } from '../../src/domain/inspection-code';
import { at, createdAt, id } from './columns';
import { people, units } from './org';

export { ACCOUNT_ROLES, ACCOUNT_STATUSES, type AccountRole, type AccountStatus };
export const ACCOUNT_TIERS = ['school', 'unit', 'student_org'] as const;
export type AccountTier = (typeof ACCOUNT_TIERS)[number];

/** Official new-media accounts registered with the publicity department (登记备案). */
export const accounts = pgTable(
  'accounts',
  {
    id: id(),
    name: text('name').notNull(),
    platform: text('platform').$type<Platform>().notNull(),
    /** The platform's own id; a renamed account keeps its record. */
    platformId: text('platform_id').notNull(),
    url: text('url'),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    ownerId: uuid('owner_id').notNull().references(() => people.id),
    tier: text('tier').$type<AccountTier>().notNull().default('unit'),
    status: text('status').$type<AccountStatus>().notNull().default('pending'),
    registrationNo: text('registration_no').unique(),
    registeredAt: at('registered_at'),
    /** Set by the dormancy sweep when nothing was approved for this account in the configured number of days. */
    dormantSince: at('dormant_since'),
    /**
     * While `rectifying` by a registry order (责令整改): the date it must be done by. Past it, the
     * sweep suspends the account (逾期未整改). Cleared when the account leaves `rectifying`; a
     * rectification ordered by an inspection's grading keeps its deadline on the inspection instead.
     */
    rectifyDeadline: at('rectify_deadline'),
    /**
     * Where an approved draft for this account is handed on (draft.approved / draft.retracted), set by
     * publicity staff: an https URL (save-time and send-time rules of src/notify/outbound.ts) and the
     * secret the deliveries are signed with. Null: nothing is handed on.
     */
    handoff: jsonb('handoff').$type<{ url: string; secret: string }>(),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('accounts_platform_id_key').on(t.platform, t.platformId), index('accounts_unit_idx').on(t.unitId),
    index('accounts_rectify_due_idx').on(t.rectifyDeadline).where(sql`${t.status} = 'rectifying'`),
  ],
);

/** Dated role assignments on an account; a student's role carries an end date. */
export const accountRoles = pgTable(
  'account_roles',
  {
    id: id(),
    accountId: uuid('account_id').notNull().references(() => accounts.id),
    personId: uuid('person_id').notNull().references(() => people.id),
    role: text('role').$type<AccountRole>().notNull(),
    personKind: text('person_kind').$type<PersonKind>().notNull().default('teacher'),
    startedAt: at('started_at').notNull().defaultNow(),
    endsAt: at('ends_at'),
    endedAt: at('ended_at'),
  },
  (t) => [index('account_roles_account_idx').on(t.accountId).where(sql`${t.endedAt} is null`)],
);

/**
 * The registry's own history: every lifecycle move and every change, dated, with reason, actor and
 * the old and new values. Append-only (db/sql/020_registry.sql).
 */
export const accountEvents = pgTable(
  'account_events',
  {
    id: id(),
    accountId: uuid('account_id').notNull().references(() => accounts.id),
    /** Insertion order: several moves can share one instant (a grading that reinstates), and the history must read in order. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    at: at('at').notNull(),
    actorId: uuid('actor_id').references(() => people.id),
    type: text('type').notNull(),
    fromStatus: text('from_status').$type<AccountStatus>(),
    toStatus: text('to_status').$type<AccountStatus>(),
    reason: text('reason'),
    oldValues: jsonb('old_values').$type<Record<string, unknown>>(),
    newValues: jsonb('new_values').$type<Record<string, unknown>>(),
  },
  (t) => [index('account_events_account_idx').on(t.accountId, t.at, t.seq)],
);

/** Registration numbers are sequential per year: one counter row per year, bumped under its row lock. */
export const registrationCounters = pgTable('registration_counters', {
  year: integer('year').primaryKey(),
  last: integer('last').notNull(),
});

/** Registry settings the publicity department may tune (e.g. `dormancy_days`). */
export const registrySettings = pgTable('registry_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
  updatedAt: at('updated_at').notNull().defaultNow(),
  updatedBy: uuid('updated_by').references(() => people.id),
});
