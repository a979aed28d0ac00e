import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { DueRule, ObligationStatus, Recurrence } from '../../src/domain/duties';
import type { ItemScore, SupervisionStatus } from '../../src/domain/supervision';
import { at, createdAt, id } from './columns';
import { people, units, type Position } from './org';

/** Evidence a duty asks for: a report file, meeting minutes, a filled-in form. */
export const EVIDENCE_KINDS = ['report', 'minutes', 'form'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** Who reviews a submission: the publicity department (anyone with the role) or a position of the unit. */
export type DutyReviewer = 'publicity' | Position;

/**
 * Who answers for a duty: a position of every unit it binds, or `publicity`, the publicity
 * department itself, which owes it once a period (one obligation of no unit). The department is who
 * stands here for the university's 网络信息安全领导小组办公室, as it does for the leading group.
 */
export type DutyResponsible = 'publicity' | Position;

/** Which units a duty binds: every unit, or the ones listed. */
export type DutyScope = { units: 'all' } | { units: string[] };

/**
 * A recurring duty of the responsibility system (责任制), kept by the publicity department. The
 * seeds' duties ship as defaults (`key` names them, so a retired default is never re-added).
 * Templates are retired (`active = false`), never deleted: obligations point at them.
 */
export const dutyTemplates = pgTable('duty_templates', {
  id: id(),
  key: text('key').unique(),
  title: text('title').notNull(),
  content: text('content').notNull(),
  /** Where the duty comes from, quoted (seed 002's annex, seed 004's article). */
  source: text('source'),
  /** The position that answers for it in each unit (positions, not persons: a successor inherits it), or the department. */
  responsible: text('responsible').$type<DutyResponsible>().notNull(),
  scope: jsonb('scope').$type<DutyScope>().notNull().default({ units: 'all' }),
  recurrence: text('recurrence').$type<Recurrence>().notNull(),
  dates: jsonb('dates').$type<string[]>().notNull().default([]),
  dueRule: jsonb('due_rule').$type<DueRule>().notNull(),
  evidence: jsonb('evidence').$type<EvidenceKind[]>().notNull(),
  reviewer: text('reviewer').$type<DutyReviewer>().notNull().default('publicity'),
  active: boolean('active').notNull().default(true),
  createdBy: uuid('created_by').references(() => people.id),
  createdAt: createdAt(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/** One unit's obligation for one period of one duty: what it owes, by when, and where it stands. */
export const dutyObligations = pgTable(
  'duty_obligations',
  {
    id: id(),
    templateId: uuid('template_id').notNull().references(() => dutyTemplates.id),
    /** Null for the publicity department's own obligation (a template whose `responsible` is `publicity`). */
    unitId: uuid('unit_id').references(() => units.id),
    /** `2026-Q1`, `2026-H2`, `2026`, or a `dates` period's closing day. */
    period: text('period').notNull(),
    year: integer('year').notNull(),
    periodStart: at('period_start').notNull(),
    periodEnd: at('period_end').notNull(),
    /** The due day (CST) and its last instant; fixed when the obligation is created. */
    dueDay: text('due_day').notNull(),
    dueAt: at('due_at').notNull(),
    status: text('status').$type<ObligationStatus>().notNull().default('open'),
    /** Reminder bookkeeping, as for reviews: due times live here and the sweep turns them into outbox rows. */
    nextReminderAt: at('next_reminder_at'),
    remindersSent: integer('reminders_sent').notNull().default(0),
    escalationsSent: integer('escalations_sent').notNull().default(0),
    /**
     * The "new duty" notice held back because the obligation was made in quiet hours (the sweep
     * makes a period's obligations at 00:00): when it may go out. Null once it is sent, or when it
     * went out at once.
     */
    noticeAt: at('notice_at'),
    acceptedAt: at('accepted_at'),
    acceptedSubmissionId: uuid('accepted_submission_id'),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('duty_obligations_period_key').on(t.templateId, t.unitId, t.period),
    uniqueIndex('duty_obligations_department_period_key').on(t.templateId, t.period).where(sql`${t.unitId} is null`),
    index('duty_obligations_unit_idx').on(t.unitId, t.year),
    index('duty_obligations_year_idx').on(t.year),
    index('duty_obligations_next_reminder_idx').on(t.nextReminderAt).where(sql`${t.status} in ('open', 'returned')`),
    index('duty_obligations_notice_idx').on(t.noticeAt).where(sql`${t.noticeAt} is not null`),
  ],
);

export interface EvidenceFile { sha256: string; name: string; type: string; size: number }

/** What a unit handed in for an obligation (files plus a note); append-only, one row per (re)submission. */
export const dutySubmissions = pgTable(
  'duty_submissions',
  {
    id: id(),
    obligationId: uuid('obligation_id').notNull().references(() => dutyObligations.id),
    /** 1 for the first submission, 2 after the first return, … */
    round: integer('round').notNull(),
    note: text('note').notNull(),
    files: jsonb('files').$type<EvidenceFile[]>().notNull(),
    submittedBy: uuid('submitted_by').notNull().references(() => people.id),
    submittedAt: at('submitted_at').notNull(),
  },
  (t) => [uniqueIndex('duty_submissions_round_key').on(t.obligationId, t.round)],
);

/** The reviewer's decision on one submission: accept, or return with a comment; append-only, one per submission. */
export const dutyDecisions = pgTable('duty_decisions', {
  id: id(),
  submissionId: uuid('submission_id').notNull().unique().references(() => dutySubmissions.id),
  obligationId: uuid('obligation_id').notNull().references(() => dutyObligations.id),
  decision: text('decision').$type<'accept' | 'return'>().notNull(),
  comment: text('comment'),
  decidedBy: uuid('decided_by').notNull().references(() => people.id),
  decidedAt: at('decided_at').notNull(),
});

/** The yearly 专项督查 of one unit (src/domain/supervision.ts): the checklist scored by the publicity department. */
export const supervisions = pgTable(
  'supervisions',
  {
    id: id(),
    year: integer('year').notNull(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    status: text('status').$type<SupervisionStatus>().notNull().default('open'),
    items: jsonb('items').$type<ItemScore[]>().notNull().default([]),
    total: integer('total'),
    summary: text('summary'),
    rectifyDeadline: at('rectify_deadline'),
    rectifiedAt: at('rectified_at'),
    rectificationNote: text('rectification_note'),
    /** Set once when an unfinished rectification passes its deadline and is escalated. */
    escalatedAt: at('escalated_at'),
    scoredBy: uuid('scored_by').references(() => people.id),
    scoredAt: at('scored_at'),
    createdBy: uuid('created_by').references(() => people.id),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('supervisions_year_unit_key').on(t.year, t.unitId),
    index('supervisions_rectify_due_idx').on(t.rectifyDeadline).where(sql`${t.status} = 'rectifying' and ${t.escalatedAt} is null`),
  ],
);
