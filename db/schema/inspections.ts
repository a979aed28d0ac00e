import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { AutoFailItem, GradeResult, InspectionStatus } from '../../src/domain/inspection';
import { accounts } from './accounts';
import { at, createdAt, id } from './columns';
import { people } from './org';

/** One annual inspection campaign (年度检查审核) per year. */
export const inspectionCampaigns = pgTable('inspection_campaigns', {
  id: id(),
  year: integer('year').notNull().unique(),
  /** Self-reports are due by this instant; owners are reminded before it. */
  deadline: at('deadline').notNull(),
  /** Accounts under inspection may keep publishing until then; the campaign closes at this instant. */
  graceUntil: at('grace_until').notNull(),
  /** Closing expires the previous year's codes (a code lives until the next year's campaign closes). */
  closedAt: at('closed_at'),
  createdBy: uuid('created_by').references(() => people.id),
  createdAt: createdAt(),
});

export interface SelfReport {
  updateFrequency: string;
  incidents: { kind: string; description: string; at?: string }[];
  team: { admins: number; operators: number; reviewers: number; commentators: number; notes?: string };
  commentatorPresent: boolean;
  reviewCompliance: { approvedDrafts: number; unreviewedPublications: number; notes?: string };
  notes?: string;
}

/** An evidence file of a self-report: what the blob store holds, who added it and when. */
export interface InspectionEvidence { sha256: string; name: string; type: string; size: number; uploadedBy: string; uploadedAt: string }

/** One account's inspection in one campaign. */
export const inspections = pgTable(
  'inspections',
  {
    id: id(),
    campaignId: uuid('campaign_id').notNull().references(() => inspectionCampaigns.id),
    accountId: uuid('account_id').notNull().references(() => accounts.id),
    status: text('status').$type<InspectionStatus>().notNull().default('open'),
    selfReport: jsonb('self_report').$type<SelfReport>(),
    selfReportedAt: at('self_reported_at'),
    selfReportedBy: uuid('self_reported_by').references(() => people.id),
    result: text('result').$type<GradeResult>(),
    findings: text('findings'),
    autoFailItems: jsonb('auto_fail_items').$type<AutoFailItem[]>().notNull().default([]),
    gradedAt: at('graded_at'),
    gradedBy: uuid('graded_by').references(() => people.id),
    rectifyDeadline: at('rectify_deadline'),
    /** Reminder bookkeeping: due times live here; the sweep writes outbox rows for what is due. */
    nextReminderAt: at('next_reminder_at'),
    remindersSent: integer('reminders_sent').notNull().default(0),
    overdueNotifiedAt: at('overdue_notified_at'),
    escalatedAt: at('escalated_at'),
    /** Evidence files attached to the self-report (bytes in the blob store, by sha256); only added to. */
    evidence: jsonb('evidence').$type<InspectionEvidence[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('inspections_campaign_account_key').on(t.campaignId, t.accountId),
    index('inspections_account_idx').on(t.accountId),
    index('inspections_next_reminder_idx').on(t.nextReminderAt).where(sql`${t.status} = 'open'`),
    index('inspections_rectify_due_idx').on(t.rectifyDeadline).where(sql`${t.status} = 'rectifying' and ${t.escalatedAt} is null`),
  ],
);

/** Every grading ever given (a re-inspection adds one); append-only. */
export const inspectionGradings = pgTable('inspection_gradings', {
  id: id(),
  inspectionId: uuid('inspection_id').notNull().references(() => inspections.id),
  /** Insertion order, for gradings given at one instant. */
  seq: bigserial('seq', { mode: 'number' }).notNull(),
  result: text('result').$type<GradeResult>().notNull(),
  findings: text('findings'),
  autoFailItems: jsonb('auto_fail_items').$type<AutoFailItem[]>().notNull().default([]),
  rectifyDeadline: at('rectify_deadline'),
  gradedBy: uuid('graded_by').notNull().references(() => people.id),
  at: at('at').notNull(),
});

/** 约谈: an interview with the people responsible for an account; append-only. */
export const inspectionInterviews = pgTable('inspection_interviews', {
  id: id(),
  inspectionId: uuid('inspection_id').notNull().references(() => inspections.id),
  accountId: uuid('account_id').notNull().references(() => accounts.id),
  heldAt: at('held_at').notNull(),
  attendees: jsonb('attendees').$type<string[]>().notNull(),
  notes: text('notes').notNull(),
  recordedBy: uuid('recorded_by').notNull().references(() => people.id),
  createdAt: createdAt(),
});

/** Inspection pass codes (审查合格编码), one per account per year; revocable, never deleted. */
export const inspectionCodes = pgTable(
  'inspection_codes',
  {
    id: id(),
    code: text('code').notNull().unique(),
    accountId: uuid('account_id').notNull().references(() => accounts.id),
    inspectionId: uuid('inspection_id').notNull().references(() => inspections.id),
    year: integer('year').notNull(),
    platform: text('platform').notNull(),
    sequence: integer('sequence').notNull(),
    issuedAt: at('issued_at').notNull(),
    issuedBy: uuid('issued_by').notNull().references(() => people.id),
    /** Set when the next year's campaign closes. */
    expiredAt: at('expired_at'),
    revokedAt: at('revoked_at'),
    revokedBy: uuid('revoked_by').references(() => people.id),
    revokedReason: text('revoked_reason'),
  },
  (t) => [
    uniqueIndex('inspection_codes_account_year_key').on(t.accountId, t.year).where(sql`${t.revokedAt} is null`),
    index('inspection_codes_account_idx').on(t.accountId),
  ],
);

/** Code sequences run per year and platform (SJ-2026-WX-0042-…). */
export const inspectionCodeCounters = pgTable(
  'inspection_code_counters',
  { year: integer('year').notNull(), platform: text('platform').notNull(), last: integer('last').notNull() },
  (t) => [primaryKey({ columns: [t.year, t.platform] })],
);
