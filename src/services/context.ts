import type { Db } from '../../db/client';
import type { AppDeps } from '../lib/http';

/** What every use case needs besides its own arguments: the clock, secrets and settings. */
export type ServiceDeps = Pick<AppDeps, 'now' | 'config' | 'log' | 'onOutbox'>;

/**
 * Runs one use case in one transaction (state check → change → audit event → outbox row) and
 * lets the host relay any outbox rows once it has committed.
 */
export async function inTransaction<T>(db: Db, deps: ServiceDeps, work: (tx: Db) => Promise<T>): Promise<T> {
  const result = await db.transaction((tx) => work(tx as unknown as Db));
  deps.onOutbox?.();
  return result;
}
