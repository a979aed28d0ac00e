import { asc, desc, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { auditEvents } from '../../db/schema';
import { canonicalJson, sha256Hex } from '../lib/crypto';

export interface AuditInput {
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  draftId?: string | null;
  versionSha256?: string | null;
  data?: Record<string, unknown>;
  at: Date;
}

const GENESIS = '0'.repeat(64);
/** One lock id for the whole chain: appends are serialised so every event links to its predecessor. */
const CHAIN_LOCK = 0x1a0d17;

function eventHash(prevHash: string, e: Omit<AuditInput, 'at'> & { at: Date }): Promise<string> {
  return sha256Hex(
    prevHash +
      canonicalJson({
        action: e.action,
        actorId: e.actorId,
        at: e.at.toISOString(),
        data: e.data ?? {},
        draftId: e.draftId ?? null,
        subjectId: e.subjectId,
        subjectType: e.subjectType,
        versionSha256: e.versionSha256 ?? null,
      }),
  );
}

/** Appends one event to the hash chain; call inside the transaction that makes the change. */
export async function appendAudit(tx: Db, event: AuditInput): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`);
  const [last] = await tx.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
  const prevHash = last?.hash ?? GENESIS;
  // Millisecond precision is what both JS and the timestamptz column keep, so the hash survives a round trip.
  const at = new Date(Math.floor(event.at.getTime()));
  await tx.insert(auditEvents).values({
    ...event,
    at,
    draftId: event.draftId ?? null,
    versionSha256: event.versionSha256 ?? null,
    data: event.data ?? {},
    prevHash,
    hash: await eventHash(prevHash, { ...event, at }),
  });
}

export type AuditVerification = { ok: true; events: number } | { ok: false; events: number; brokenAt: { seq: number; reason: string } };

/** Recomputes the whole chain; reports the first event whose link or content does not check out. */
export async function verifyAuditChain(db: Db, batch = 1000): Promise<AuditVerification> {
  let prevHash = GENESIS;
  let after = 0;
  let count = 0;
  for (;;) {
    const rows = await db.select().from(auditEvents).where(gt(auditEvents.seq, after)).orderBy(asc(auditEvents.seq)).limit(batch);
    for (const row of rows) {
      count++;
      if (row.prevHash !== prevHash) return { ok: false, events: count, brokenAt: { seq: row.seq, reason: 'prev_hash does not match the previous event (an event was removed or reordered)' } };
      const expected = await eventHash(prevHash, row);
      if (expected !== row.hash) return { ok: false, events: count, brokenAt: { seq: row.seq, reason: 'content does not match its hash (the event was altered)' } };
      prevHash = row.hash;
    }
    if (rows.length < batch) return { ok: true, events: count };
    after = rows[rows.length - 1]!.seq;
  }
}

/**
 * Checks single events in place (a printed sheet cites a few): each still hashes to its recorded
 * hash over its recorded predecessor. The whole chain's linkage is verifyAuditChain's job.
 */
export async function verifyEvents(db: Db, seqs: number[]): Promise<boolean> {
  if (!seqs.length) return true;
  const rows = await db.select().from(auditEvents).where(inArray(auditEvents.seq, seqs));
  if (rows.length !== new Set(seqs).size) return false;
  for (const row of rows) if ((await eventHash(row.prevHash, row)) !== row.hash) return false;
  return true;
}
