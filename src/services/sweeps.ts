import type { Db } from '../../db/client';
import type { ServiceDeps } from './context';
import { dutySweeps } from './duties';
import { incidentSweeps } from './incidents';
import { inspectionSweeps } from './inspections';
import { supervisionSweeps } from './supervisions';
import { pruneIdempotencyKeys } from './idempotency';
import { pruneOutbox } from './outbox';
import { reminderSweeps } from './reminders';

/**
 * Periodic re-derivations from Postgres: each looks at due times stored in the database and writes
 * outbox rows for what is due. The worker's scheduled sweep runs them all, so a wiped or restarted
 * Redis loses nothing. Each must be idempotent (safe to run twice for the same instant).
 */
export interface Sweep {
  name: string;
  run(db: Db, deps: ServiceDeps, now: Date): Promise<number>;
}

export const SWEEPS: Sweep[] = [...reminderSweeps, ...inspectionSweeps, ...dutySweeps, ...incidentSweeps, ...supervisionSweeps, { name: 'outbox-prune', run: (db, _deps, now) => pruneOutbox(db, now) },
  { name: 'idempotency-prune', run: (db, _deps, now) => pruneIdempotencyKeys(db, now) }];
