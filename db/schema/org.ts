import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { at, createdAt, id } from './columns';

export const ROLES = ['staff', 'publicity', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Review levels, lowest first; the drafter is not a level (the drafter never signs). */
export const POSITIONS = ['section_head', 'deputy_leader', 'publicity_officer', 'secretary'] as const;
export type Position = (typeof POSITIONS)[number];

/**
 * Offices a unit fills besides the review levels: where online-opinion incident reports go (seed
 * 003, part 4: students' incidents to the deputy secretary, teachers' to the deputy secretary and
 * the deputy dean in charge; the secretary and the dean are told of every one).
 */
export const OFFICES = ['deputy_secretary', 'dean', 'deputy_dean'] as const;
export type Office = (typeof OFFICES)[number];
/** Everything a unit appoints to: review levels and offices. */
export const ALL_POSITIONS = [...POSITIONS, ...OFFICES] as const;
export type AnyPosition = Position | Office;

export interface ChainSettings {
  /** Which levels a draft of this unit climbs, in order. */
  levels: Position[];
  /** Service level per level, in working hours (normal) and wall-clock hours (urgent, 当日回复). */
  sla: Partial<Record<Position, { normalHours: number; urgentHours: number }>>;
}

export const units = pgTable('units', {
  id: id(),
  name: text('name').notNull(),
  code: text('code').notNull().unique(),
  chain: jsonb('chain').$type<ChainSettings>().notNull(),
  /** Unit robots (WeCom / DingTalk / Feishu / webhook) used by the notification workers. */
  robots: jsonb('robots').$type<Record<string, unknown>>().notNull().default({}),
  /** Pre-screen finding categories that block submitting a draft of this unit (e.g. classification). */
  prescreenBlock: jsonb('prescreen_block').$type<string[]>().notNull().default([]),
  createdAt: createdAt(),
});

export const people = pgTable(
  'people',
  {
    id: id(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    phone: text('phone'),
    wecomUserId: text('wecom_user_id'),
    dingtalkUserId: text('dingtalk_user_id'),
    roles: text('roles').array().$type<Role[]>().notNull(),
    /** Home unit; a person may also act in a unit through a position they hold there. */
    unitId: uuid('unit_id').references(() => units.id),
    /** Preferred notification channels, in order (email, wecom, dingtalk, feishu, webhook). */
    channels: text('channels').array().notNull().default(sql`'{email}'::text[]`),
    locale: text('locale').notNull().default('zh-CN'),
    /** A person who left: their tokens and sessions died then, they cannot sign in; the record stays for the audit. */
    deactivatedAt: at('deactivated_at'),
    /** Employee or staff number (工号), for single sign-on that names people by it (OIDC_MATCH=employeeNo). */
    employeeNo: text('employee_no'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('people_email_key').on(sql`lower(${t.email})`), uniqueIndex('people_employee_no_key').on(sql`lower(${t.employeeNo})`)],
);

/** Dated terms of office: reviews go to a unit's position, whoever holds it now (岗位接任者自然替补). */
export const positionTerms = pgTable(
  'position_terms',
  {
    id: id(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    position: text('position').$type<AnyPosition>().notNull(),
    personId: uuid('person_id').notNull().references(() => people.id),
    startedAt: at('started_at').notNull().defaultNow(),
    endedAt: at('ended_at'),
  },
  (t) => [
    uniqueIndex('position_terms_current_key').on(t.unitId, t.position).where(sql`${t.endedAt} is null`),
    index('position_terms_person_idx').on(t.personId),
  ],
);

/** Personal access tokens: only a keyed hash is stored. */
export const apiTokens = pgTable('api_tokens', {
  id: id(),
  personId: uuid('person_id').notNull().references(() => people.id),
  tokenHash: text('token_hash').notNull().unique(),
  label: text('label').notNull().default('default'),
  createdAt: createdAt(),
  lastUsedAt: at('last_used_at'),
  revokedAt: at('revoked_at'),
});
