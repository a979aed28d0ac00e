import type { Db } from '../../db/client';
import { isTransientConflict, sqlState } from '../lib/errors';
import type { AppDeps } from '../lib/http';
import { markCarriedOut } from './idempotency';

/** What every use case needs besides its own arguments: the clock, secrets and settings. */
export type ServiceDeps = Pick<AppDeps, 'now' | 'config' | 'log' | 'onOutbox' | 'keyClaim'>;

const commitHooks: Array<(db: Db) => void> = [];
/** Lets a read cache of this database drop what a commit in this process may have changed. */
export function onCommit(hook: (db: Db) => void): void {
  commitHooks.push(hook);
}
function afterCommit(db: Db) {
  for (const hook of commitHooks) hook(db);
}

/** Runs after a deadlock or serialization failure before the whole use case is given up (503). */
const RETRIES = 3;

/**
 * Runs one use case in one transaction (state check → change → audit event → outbox row) and
 * lets the host relay any outbox rows once it has committed. When Postgres breaks a deadlock or a
 * serialization conflict by rolling this transaction back, the use case runs again from the start
 * (it holds no state outside the transaction), so two people acting at once both get an answer.
 */
export async function inTransaction<T>(db: Db, deps: ServiceDeps, work: (tx: Db) => Promise<T>): Promise<T> {
  // Inside an outer transaction a failure has aborted that one too: only its owner may run it again.
  const retries = isTransaction(db) ? 0 : RETRIES;
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await db.transaction(async (tx) => {
        const done = await work(tx as unknown as Db);
        // A request sent with an Idempotency-Key: its key records, with the work, that the work is done.
        if (deps.keyClaim) await markCarriedOut(tx as unknown as Db, deps.keyClaim, deps.now());
        return done;
      });
      afterCommit(db);
      deps.onOutbox?.();
      return result;
    } catch (err) {
      if (attempt >= retries || !isTransientConflict(err)) throw err;
      deps.log.warn({ sqlState: sqlState(err), attempt: attempt + 1 }, 'transaction rolled back by the database to break a conflict; running it again');
      // A random pause, so that the two who collided do not collide again in step.
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * (attempt + 1)));
    }
  }
}

/** drizzle's transaction objects are databases that can also roll back. */
function isTransaction(db: Db): boolean {
  return typeof (db as unknown as { rollback?: unknown }).rollback === 'function';
}
