import { fileURLToPath } from 'node:url';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import postgres from 'postgres';
import { PGlite } from '@electric-sql/pglite';
import { schema, type Database, type Db } from './client';

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
const routinesFolder = fileURLToPath(new URL('./sql', import.meta.url));

/** Opens Postgres when a URL is given, else the embedded PGlite under `dataDir`. Node only. */
export async function openDatabase(opts: { url?: string; dataDir?: string; max?: number }): Promise<Database> {
  if (opts.url) {
    const client = postgres(opts.url, { max: opts.max ?? 10, onnotice: () => {} });
    return {
      db: drizzlePostgres(client, { schema }) as unknown as Db,
      kind: 'postgres',
      exec: async (script) => void (await client.unsafe(script).simple()),
      close: () => client.end({ timeout: 5 }),
    };
  }
  const dir = opts.dataDir ?? './data/pglite';
  if (dir !== 'memory://') mkdirSync(dir, { recursive: true });
  const client = new PGlite(dir);
  await client.waitReady;
  return {
    db: drizzlePglite(client, { schema }) as unknown as Db,
    kind: 'pglite',
    exec: async (script) => void (await client.exec(script)),
    close: () => client.close(),
  };
}

/**
 * Applies drizzle-kit migrations, then the database routines in db/sql (functions and triggers,
 * written to be re-applied idempotently, like Flyway's repeatable migrations).
 */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'postgres') await migratePostgres(database.db as never, { migrationsFolder });
  else await migratePglite(database.db as never, { migrationsFolder });
  for (const file of readdirSync(routinesFolder).filter((f) => f.endsWith('.sql')).sort()) {
    await database.exec(readFileSync(`${routinesFolder}/${file}`, 'utf8'));
  }
}
