import { sql } from 'drizzle-orm';
import type { Db } from './client';

const queues = new WeakMap<object, Map<number, Promise<unknown>>>();

/**
 * Runs `work` while no other caller with the same `key` runs it, for check-then-create work that a
 * unique index cannot guard (the demo college: "is there one? if not, make it", dozens of rows).
 * In this process the callers queue on a promise, which is all the embedded PGlite database needs:
 * one process holds it, and its single connection could not wait on a lock held by itself. On
 * Postgres the first in the queue also takes an advisory lock, held by a transaction of its own
 * while `work` runs on the pool's other connections, so callers in other processes (two CLIs) queue
 * too. `work` uses `db` as usual, its own transactions included.
 */
export function exclusively<T>(db: Db, kind: 'postgres' | 'pglite', key: number, work: () => Promise<T>): Promise<T> {
  let byKey = queues.get(db);
  if (!byKey) queues.set(db, (byKey = new Map()));
  const before = byKey.get(key) ?? Promise.resolve();
  const run = before.catch(() => undefined).then(() =>
    kind === 'pglite' ? work() : db.transaction(async (lock) => {
      await lock.execute(sql`select pg_advisory_xact_lock(${key})`);
      return work();
    }),
  );
  byKey.set(key, run);
  // The queue forgets a key once its last caller is done.
  const forget = () => { if (byKey.get(key) === run) byKey.delete(key); };
  run.then(forget, forget);
  return run;
}
