import type { Db } from '../../db/client';
import { installation } from '../../db/schema';

export interface Installation {
  /** Random, drawn by the migration that created this database's schema (db/migrations/0008_installation.sql). */
  id: string;
  createdAt: Date;
}

/** This database's identity; the queues' key prefix and /readyz carry it. */
export async function readInstallation(db: Db): Promise<Installation> {
  const [row] = await db.select({ id: installation.id, createdAt: installation.createdAt }).from(installation);
  if (!row) throw new Error('the installation row is missing: run the migrations (npm run db:migrate)');
  return row;
}
