import { and, asc, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { outbox } from '../db/schema';
import { addJobs, outboxJobId } from './jobs';
import type { Queues } from './queues';

const ADD_TIMEOUT_MS = 5_000;

type OutboxRef = { id: number; resends: number };
const outboxRef = { id: outbox.id, resends: outbox.resends };

/** One dispatch job per row (and per resend), bounded so a hung Redis never holds the rows' locks. */
function queueRows(queues: Queues, rows: OutboxRef[]): Promise<void> {
  const jobs = rows.map((r) => ({ data: { outboxId: r.id }, jobId: outboxJobId(r.id, r.resends) }));
  return withTimeout(addJobs(queues, 'outbox.dispatch', jobs), ADD_TIMEOUT_MS, 'queue add');
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

/**
 * Moves committed outbox rows into BullMQ. Rows are taken with FOR UPDATE SKIP LOCKED, so several
 * relays (processes) never take the same row, and marked relayed in the same transaction; the job
 * id is `outbox-<id>`, so even a row added twice (a crash after add, before commit) is one job.
 * When Redis is down the add fails, the transaction rolls back and the rows wait.
 */
export async function relayOutbox(db: Db, queues: Queues, limit = 200): Promise<number> {
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const rows = await tx
      .select(outboxRef)
      .from(outbox)
      .where(and(isNull(outbox.relayedAt), isNull(outbox.processedAt)))
      .orderBy(asc(outbox.id))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (!rows.length) return 0;
    await queueRows(queues, rows);
    await tx.update(outbox).set({ relayedAt: sql`now()` }).where(inArray(outbox.id, rows.map((r) => r.id)));
    return rows.length;
  });
}

/**
 * The sweep's half of the relay: rows relayed a while ago whose messages were never processed
 * (Redis flushed or restarted, a job lost) are added again under the same job id. While the job
 * still exists in Redis that add is a no-op; when it was lost, it is recreated.
 */
export async function rerelayUnprocessed(db: Db, queues: Queues, olderThanMs: number, limit = 500): Promise<number> {
  const rows = await db
    .select(outboxRef)
    .from(outbox)
    .where(and(isNull(outbox.processedAt), isNotNull(outbox.relayedAt), lt(outbox.relayedAt, new Date(Date.now() - olderThanMs))))
    .orderBy(asc(outbox.id))
    .limit(limit);
  if (!rows.length) return 0;
  await queueRows(queues, rows);
  return rows.length;
}

/** Outbox lag for /readyz: what waits to be relayed or sent, and since when. */
export async function outboxLag(db: Db) {
  const [row] = await db
    .select({
      unrelayed: sql<number>`count(*) filter (where ${outbox.relayedAt} is null)::int`,
      unprocessed: sql<number>`count(*)::int`,
      oldest: sql<Date | string | null>`min(${outbox.createdAt})`,
    })
    .from(outbox)
    .where(isNull(outbox.processedAt));
  const oldest = row?.oldest ? new Date(row.oldest) : null;
  return { unrelayed: row?.unrelayed ?? 0, unprocessed: row?.unprocessed ?? 0, oldestPendingSeconds: oldest ? Math.max(0, Math.round((Date.now() - oldest.getTime()) / 1000)) : 0 };
}
