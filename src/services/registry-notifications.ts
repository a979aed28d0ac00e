import type { Db } from '../../db/client';
import type { ServiceDeps } from './context';
import type { OutboxRow, Planned } from './notifications';

/**
 * Messages of the registry and annual-inspection topics (`account.*`, `inspection.*` in
 * OutboxTopics): who is told what. Sent by the same claimed, exactly-once path as review messages.
 */
export async function registryPlans(_db: Db, _deps: ServiceDeps, _row: OutboxRow, _key: string): Promise<Planned[]> {
  return [];
}
