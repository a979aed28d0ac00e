import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { at } from './columns';

/**
 * Append-only, hash-chained record of every change (a trigger refuses UPDATE/DELETE/TRUNCATE).
 * hash = sha256(prevHash + canonical JSON of the event), so altering any row breaks every later link.
 * Writers only insert (no lock); the sealer (src/services/audit.ts) then sets chain_no, prev_hash
 * and hash once, in commit order; that one update is all the trigger lets through.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    at: at('at').notNull(),
    actorId: uuid('actor_id'),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    draftId: uuid('draft_id'),
    versionSha256: text('version_sha256'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    /** Position in the chain, set by the sealer; null until sealed. */
    chainNo: bigint('chain_no', { mode: 'number' }).unique(),
    prevHash: text('prev_hash'),
    hash: text('hash').unique(),
  },
  (t) => [
    index('audit_events_draft_idx').on(t.draftId),
    // The log filtered by person (/audit?actorId=), newest first: without it, a rare actor means reading every event.
    index('audit_events_actor_idx').on(t.actorId, t.seq),
    index('audit_events_subject_idx').on(t.subjectType, t.subjectId),
    index('audit_events_unsealed_idx').on(t.seq).where(sql`hash is null`),
  ],
);

/** Written in the same transaction as the change it announces; relayed to the job queue afterwards. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    topic: text('topic').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    /** Set when the row has been handed to the queue (or processed in-process when no queue runs). */
    relayedAt: at('relayed_at'),
    /** Set when the row's messages were all sent (or finally failed): until then a sweep re-relays it, so a wiped Redis loses nothing. */
    processedAt: at('processed_at'),
    /** Bumped when an operator resends the row's failed sends: the queue job id carries it, so the resend is a new job. */
    resends: integer('resends').notNull().default(0),
    /**
     * Random per row, and part of its queue job id: a job names exactly one row of one database, so
     * a job left in Redis by another database (or by this one before a restore) is never taken for
     * this row's. Renewed when the row has to be queued again after its job finished.
     */
    jobKey: uuid('job_key').notNull().defaultRandom(),
  },
  (t) => [
    index('outbox_unrelayed_idx').on(t.id).where(sql`${t.relayedAt} is null`),
    index('outbox_unprocessed_idx').on(t.id).where(sql`${t.processedAt} is null`),
  ],
);
