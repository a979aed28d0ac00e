import type { Db } from '../../db/client';
import type { AppDeps } from '../lib/http';

/** What every use case needs besides its own arguments: the clock, secrets and settings. */
export type ServiceDeps = Pick<AppDeps, 'now' | 'config' | 'log' | 'onOutbox'>;

const commitHooks: Array<(db: Db) => void> = [];
/** Lets a read cache of this database drop what a commit in this process may have changed. */
export function onCommit(hook: (db: Db) => void): void {
  commitHooks.push(hook);
}
function afterCommit(db: Db) {
  for (const hook of commitHooks) hook(db);
}

/**
 * Runs one use case in one transaction (state check → change → audit event → outbox row) and
 * lets the host relay any outbox rows once it has committed.
 */
export async function inTransaction<T>(db: Db, deps: ServiceDeps, work: (tx: Db) => Promise<T>): Promise<T> {
  const result = await db.transaction((tx) => work(tx as unknown as Db));
  afterCommit(db);
  deps.onOutbox?.();
  return result;
}
