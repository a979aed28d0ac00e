import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { at, createdAt, id } from './columns';
import { people, units, type Position } from './org';
import { accounts } from './accounts';
import type { PrescreenFinding } from '../../src/domain/prescreen';

export const DRAFT_STATUSES = ['draft', 'in_review', 'returned', 'rejected', 'approved', 'withdrawn', 'retracted'] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];
export const URGENCIES = ['normal', 'urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];

export const BODY_FORMATS = ['html', 'text'] as const;
export type BodyFormat = (typeof BODY_FORMATS)[number];

export const drafts = pgTable(
  'drafts',
  {
    id: id(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    drafterId: uuid('drafter_id').notNull().references(() => people.id),
    status: text('status').$type<DraftStatus>().notNull().default('draft'),
    urgency: text('urgency').$type<Urgency>().notNull().default('normal'),
    /** The unit's chain as it stood at the last submit: a chain edited meanwhile never reshuffles a draft under review. */
    levels: jsonb('levels').$type<Position[]>().notNull(),
    /** The level whose review is open; null outside in_review. */
    currentLevel: text('current_level').$type<Position>(),
    /** Standing approvals: level → sha256 of the content it approved (see domain/signoff.ts). */
    approvals: jsonb('approvals').$type<Partial<Record<Position, string>>>().notNull().default({}),
    currentVersionNo: integer('current_version_no').notNull().default(1),
    /** Bumped on every submit/restart, so each pass up the chain is a distinct round of reviews. */
    round: integer('round').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull().defaultNow(),
    submittedAt: at('submitted_at'),
    closedAt: at('closed_at'),
  },
  // Lists page newest-change-first by (updated_at, id): one index per way of listing. NULLS FIRST is
  // what a plain ORDER BY … DESC means; an index ordered otherwise is not used for it.
  (t) => [
    index('drafts_unit_updated_idx').on(t.unitId, t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('drafts_drafter_updated_idx').on(t.drafterId, t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('drafts_updated_idx').on(t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

export const draftAccounts = pgTable(
  'draft_accounts',
  {
    draftId: uuid('draft_id').notNull().references(() => drafts.id),
    accountId: uuid('account_id').notNull().references(() => accounts.id),
  },
  (t) => [primaryKey({ columns: [t.draftId, t.accountId] })],
);

/** Immutable: a trigger refuses UPDATE and DELETE, so an approval always points at the exact text. */
export const draftVersions = pgTable(
  'draft_versions',
  {
    id: id(),
    draftId: uuid('draft_id').notNull().references(() => drafts.id),
    no: integer('no').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** 'html' (sanitized on the way in, see domain/html.ts) or 'text' (plain text, as before rich drafts). */
    bodyFormat: text('body_format').$type<BodyFormat>().notNull().default('text'),
    /** The draft files (images and attachments) that belong to this version, by id; their hashes are in the content hash. */
    fileIds: jsonb('file_ids').$type<string[]>().notNull().default([]),
    /** Pre-screen findings for this exact version (advisory); null for versions written before the pre-screen existed. */
    prescreen: jsonb('prescreen').$type<PrescreenFinding[]>(),
    /** sha256 of the canonical content (see domain/content.ts). */
    contentSha256: text('content_sha256').notNull(),
    createdBy: uuid('created_by').notNull().references(() => people.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('draft_versions_no_key').on(t.draftId, t.no)],
);

export const REVIEW_STATUSES = ['pending', 'approved', 'returned', 'rejected', 'superseded'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** One review per level per round, bound to one version and assigned to the position's holder. */
export const reviews = pgTable(
  'reviews',
  {
    id: id(),
    draftId: uuid('draft_id').notNull().references(() => drafts.id),
    versionId: uuid('version_id').notNull().references(() => draftVersions.id),
    round: integer('round').notNull(),
    level: text('level').$type<Position>().notNull(),
    assigneeId: uuid('assignee_id').notNull().references(() => people.id),
    status: text('status').$type<ReviewStatus>().notNull().default('pending'),
    assignedAt: at('assigned_at').notNull().defaultNow(),
    decidedAt: at('decided_at'),
    decidedBy: uuid('decided_by').references(() => people.id),
    /** SLA deadline and reminder bookkeeping: due times live in Postgres, Redis only schedules. */
    dueAt: at('due_at'),
    nextReminderAt: at('next_reminder_at'),
    remindersSent: integer('reminders_sent').notNull().default(0),
    escalationsSent: integer('escalations_sent').notNull().default(0),
    lastUrgedAt: at('last_urged_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('reviews_draft_idx').on(t.draftId),
    index('reviews_assignee_pending_idx').on(t.assigneeId).where(sql`${t.status} = 'pending'`),
    index('reviews_next_reminder_idx').on(t.nextReminderAt).where(sql`${t.status} = 'pending'`),
    // At most one open review per draft: the chain is strictly sequential.
    uniqueIndex('reviews_one_pending_key').on(t.draftId).where(sql`${t.status} = 'pending'`),
  ],
);

export const DECISIONS = ['approve', 'return', 'reject'] as const;
export type Decision = (typeof DECISIONS)[number];

/** The record sheet of one level: ticks and comment on one exact version. Append-only. */
export const decisions = pgTable('decisions', {
  id: id(),
  reviewId: uuid('review_id').notNull().unique().references(() => reviews.id),
  draftId: uuid('draft_id').notNull().references(() => drafts.id),
  versionId: uuid('version_id').notNull().references(() => draftVersions.id),
  contentSha256: text('content_sha256').notNull(),
  level: text('level').$type<Position>().notNull(),
  personId: uuid('person_id').notNull().references(() => people.id),
  decision: text('decision').$type<Decision>().notNull(),
  /** For `return`: to whom ('drafter' or an earlier level). */
  returnTo: text('return_to'),
  checklist: jsonb('checklist').$type<Record<string, boolean>>().notNull(),
  comment: text('comment'),
  createdAt: createdAt(),
},
// A decision reads the draft's earlier decisions (separation of duties, the view's mid-review terms):
// without this, each decision scanned every decision ever made.
(t) => [index('decisions_draft_idx').on(t.draftId)]);

export const LINK_PURPOSES = ['signoff'] as const;

/** Sign-off link capabilities: only an HMAC of the token is stored; bound to one review and version. */
export const linkTokens = pgTable(
  'link_tokens',
  {
    id: id(),
    tokenHash: text('token_hash').notNull().unique(),
    reviewId: uuid('review_id').notNull().references(() => reviews.id),
    versionId: uuid('version_id').notNull().references(() => draftVersions.id),
    personId: uuid('person_id').notNull().references(() => people.id),
    createdAt: createdAt(),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
    supersededAt: at('superseded_at'),
    supersededReason: text('superseded_reason'),
  },
  (t) => [index('link_tokens_review_idx').on(t.reviewId)],
);

/**
 * A file of a draft (image or attachment): metadata here, the bytes in blob storage under their
 * sha256, so the same photo uploaded twice is stored once. Which version holds it: draft_versions.file_ids.
 */
export const draftFiles = pgTable(
  'draft_files',
  {
    id: id(),
    draftId: uuid('draft_id').notNull().references(() => drafts.id),
    sha256: text('sha256').notNull(),
    /** The uploader's file name, cleaned (no path); only ever shown and sent in Content-Disposition. */
    name: text('name').notNull(),
    /** The MIME type found from the bytes (magic numbers), never the one the client claimed. */
    type: text('type').notNull(),
    size: integer('size').notNull(),
    uploadedBy: uuid('uploaded_by').notNull().references(() => people.id),
    createdAt: createdAt(),
  },
  (t) => [index('draft_files_draft_idx').on(t.draftId)],
);
