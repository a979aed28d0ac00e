import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';

export { schema };
export type Schema = typeof schema;
/** A database or a transaction: every data function takes one of these first. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** The rows of a raw `db.execute(sql…)`: postgres.js answers an array, PGlite `{ rows }`. */
export const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Runs a multi-statement SQL script (routines, test setup) on the raw driver. */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Written first in a write whose second run changes nothing the first did not (a row set to a fixed
 * state by its key): db/node.ts sends it again on another connection when its own was lost, as it
 * does a plain read. Any other write goes once: it may have committed before the connection went.
 */
export const IDEMPOTENT = '/* idempotent */';
