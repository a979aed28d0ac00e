import { sql } from 'drizzle-orm';
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

/**
 * Draws a new installation id, for a copy of a database started as a second deployment: its
 * processes then use fresh queue keys instead of the original's. Processes already running on this
 * database keep their old queues and report not-ready until restarted.
 */
export async function renewInstallation(db: Db): Promise<{ previousId: string; id: string }> {
  const { id: previousId } = await readInstallation(db);
  const [row] = await db.update(installation).set({ id: sql`gen_random_uuid()` }).returning({ id: installation.id });
  return { previousId, id: row!.id };
}
