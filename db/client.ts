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
