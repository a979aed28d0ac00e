import { and, asc, eq, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { outbox } from '../db/schema';
import type { Log } from '../src/lib/log';
import { addJobs, outboxJobId, type OutboxJobRef } from './jobs';
import type { Queues } from './queues';

export const ADD_TIMEOUT_MS = 5_000;

const outboxRef = { id: outbox.id, jobKey: outbox.jobKey, resends: outbox.resends };

/** One dispatch job per row (and per resend), bounded so a hung Redis never holds the rows' locks. */
function queueRows(queues: Queues, rows: OutboxJobRef[]): Promise<void> {
  const jobs = rows.map((r) => ({ data: { outboxId: r.id, jobKey: r.jobKey }, jobId: outboxJobId(r) }));
  return withTimeout(addJobs(queues, 'outbox.dispatch', jobs), ADD_TIMEOUT_MS, 'queue add');
}

/** Bounds a Redis call: a command in flight when Redis dies is otherwise retried until it returns. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

/**
 * Moves committed outbox rows into BullMQ. Rows are taken with FOR UPDATE SKIP LOCKED, so several
 * relays (processes) never take the same row, and marked relayed in the same transaction; the job
 * id is the row's own (`outboxJobId`), so even a row added twice (a crash after add, before commit) is one job.
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
 * The sweep's half of the relay: rows relayed a while ago whose messages were never processed. Its
 * job is looked up under the row's job id:
 * - missing (Redis flushed or restarted, an evicted key): added again under the same id;
 * - waiting, delayed or running: left alone, it is on its way;
 * - finished (completed or failed) although the row is unprocessed: that job is not this row's
 *   work any more (a database restored to before the row was processed, or a final attempt that
 *   found every send still claimed), so the row gets a fresh job key and is queued under a new id;
 *   re-adding under the old id would be dropped by BullMQ and the row would wait forever.
 * Returns how many rows were queued again.
 */
export async function rerelayUnprocessed(db: Db, queues: Queues, olderThanMs: number, log?: Log, limit = 500): Promise<number> {
  const rows = await db
    .select(outboxRef)
    .from(outbox)
    .where(and(isNull(outbox.processedAt), isNotNull(outbox.relayedAt), lt(outbox.relayedAt, new Date(Date.now() - olderThanMs))))
    .orderBy(asc(outbox.id))
    .limit(limit);
  if (!rows.length) return 0;
  const notifications = queues.byName.notifications;
  const states = await withTimeout(Promise.all(rows.map((r) => notifications.getJobState(outboxJobId(r)))), ADD_TIMEOUT_MS, 'queue lookup');
  const lost = rows.filter((_, i) => states[i] === 'unknown');
  const finished = rows.filter((_, i) => states[i] === 'completed' || states[i] === 'failed');
  const renewed: OutboxJobRef[] = [];
  for (const row of finished) {
    // Conditional on the key just read: of two sweeps racing, only one renews (and queues) the row.
    const [fresh] = await db
      .update(outbox)
      .set({ jobKey: sql`gen_random_uuid()` })
      .where(and(eq(outbox.id, row.id), eq(outbox.jobKey, row.jobKey), isNull(outbox.processedAt)))
      .returning(outboxRef);
    if (fresh) renewed.push(fresh);
  }
  if (renewed.length) {
    log?.warn({ outboxIds: renewed.map((r) => r.id) }, 'unprocessed outbox rows whose jobs had already finished (a restored database?): queued again under fresh job ids');
  }
  const again = [...lost, ...renewed];
  if (again.length) await queueRows(queues, again);
  return again.length;
}
