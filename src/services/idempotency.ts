import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { idempotentRequests } from '../../db/schema';

/** How long a key and its answer are kept: a client retries within minutes, a day covers a night's batch. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/**
 * A request still unanswered after this long died with its process (the body limit and the
 * database's timeouts end a live one well before): its key may be taken up again.
 */
const ABANDONED_AFTER_MS = 5 * 60_000;

export type StoredAnswer = { status: number; contentType: string | null; body: string };

/** The key a request holds while it is handled: what its use case's transaction marks as carried out. */
export type KeyClaim = { personId: string; key: string; at: Date };

/** What the key holds when a request arrives with it. */
export type Claim =
  /** `at` tells this claim from a later one of the same key (one taken over after ABANDONED_AFTER_MS). */
  | { kind: 'claimed'; at: Date }
  | { kind: 'answered'; answer: StoredAnswer }
  | { kind: 'in_progress' }
  | { kind: 'other_request' }
  /** Its request's work committed, then its process died before the answer was kept: not to be run again. */
  | { kind: 'answer_lost' };

/**
 * Takes the key for this request, or says what it already holds: one insert when the key is new
 * (the common case), a read when it is not. A key expired or abandoned is taken over by a
 * conditional update, so of two requests racing for it only one gets it.
 */
export async function claimKey(db: Db, personId: string, key: string, fingerprint: string, now: Date): Promise<Claim> {
  const inserted = await db.insert(idempotentRequests).values({ personId, key, fingerprint, createdAt: now })
    .onConflictDoNothing().returning({ key: idempotentRequests.key });
  if (inserted.length) return { kind: 'claimed', at: now };
  const expired = new Date(now.getTime() - IDEMPOTENCY_TTL_MS);
  const abandoned = new Date(now.getTime() - ABANDONED_AFTER_MS);
  const taken = await db.update(idempotentRequests).set({ fingerprint, createdAt: now, status: null, contentType: null, body: null })
    .where(and(eq(idempotentRequests.personId, personId), eq(idempotentRequests.key, key),
      or(lt(idempotentRequests.createdAt, expired),
        and(isNull(idempotentRequests.status), isNull(idempotentRequests.committedAt), lt(idempotentRequests.createdAt, abandoned)))))
    .returning({ key: idempotentRequests.key });
  if (taken.length) return { kind: 'claimed', at: now };
  const [held] = await db.select().from(idempotentRequests).where(and(eq(idempotentRequests.personId, personId), eq(idempotentRequests.key, key)));
  // Deleted in between (its request failed and let it go): this one may have it.
  if (!held) return claimKey(db, personId, key, fingerprint, now);
  if (held.fingerprint !== fingerprint) return { kind: 'other_request' };
  if (held.status === null) return held.committedAt && held.createdAt < abandoned ? { kind: 'answer_lost' } : { kind: 'in_progress' };
  return { kind: 'answered', answer: { status: held.status, contentType: held.contentType, body: held.body ?? '' } };
}

/** This claim of the key, not a later one that took it over meanwhile. */
const claimOf = (personId: string, key: string, at: Date) =>
  and(eq(idempotentRequests.personId, personId), eq(idempotentRequests.key, key), eq(idempotentRequests.createdAt, at), isNull(idempotentRequests.status));

/** Keeps the answer for the key's next use. */
export async function storeAnswer(db: Db, personId: string, key: string, at: Date, answer: StoredAnswer): Promise<void> {
  await db.update(idempotentRequests).set({ status: answer.status, contentType: answer.contentType, body: answer.body }).where(claimOf(personId, key, at));
}

/**
 * Marks the claim's work as done, inside the use case's transaction (services/context.ts), so that
 * the mark commits or rolls back with the work itself.
 */
export async function markCarriedOut(tx: Db, claim: KeyClaim, now: Date): Promise<void> {
  await tx.update(idempotentRequests).set({ committedAt: now }).where(claimOf(claim.personId, claim.key, claim.at));
}

/**
 * Lets the key go unanswered (the request failed in a way worth retrying), so the retry runs anew;
 * false when its work had already committed, which a retry must not do again.
 */
export async function releaseKey(db: Db, personId: string, key: string, at: Date): Promise<boolean> {
  const released = await db.delete(idempotentRequests).where(and(claimOf(personId, key, at), isNull(idempotentRequests.committedAt)))
    .returning({ key: idempotentRequests.key });
  return released.length > 0;
}

/** The sweep's part: keys past their day. */
export async function pruneIdempotencyKeys(db: Db, now: Date): Promise<number> {
  const rows = await db.delete(idempotentRequests).where(lt(idempotentRequests.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)))
    .returning({ key: idempotentRequests.key });
  return rows.length;
}
