import { join } from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { migrateDatabase, openDatabase } from '../db/node';
import { buildDist, root } from '../scripts/build';
import { ADMIN_URL, databaseUrl } from './database-url';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A database migrated once for this run; each test file's database is a copy of it (see createTestEnv). */
    pgTemplate: string;
    /** Where the Node entries are bundled for this run (test/support/entries.ts). */
    entriesDir: string;
  }
}

/**
 * Runs the migrations once per test run, into a template database, instead of once per test file:
 * `CREATE DATABASE … TEMPLATE` copies it in a fraction of the time the 20 migrations take. The
 * migrations still run for real (here, on an empty Postgres database), and each runtime still calls
 * migrateDatabase on its copy, which then finds nothing to apply.
 */
export default async function setup(project: TestProject) {
  const name = `imp_tpl_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  // The template must have no connection open while it is copied: this one is closed before any test starts.
  const database = await openDatabase({ url: databaseUrl(name), max: 1 });
  try {
    await migrateDatabase(database);
  } finally {
    await database.close();
  }
  project.provide('pgTemplate', name);
  // One folder below the root, as dist/ is, so the bundle finds db/migrations as the server's does.
  const entriesDir = join(root, 'dist-test');
  await buildDist({ entryPoints: { cli: 'src/cli.ts', node: 'src/node.ts', worker: 'workers/main.ts' }, outdir: entriesDir });
  project.provide('entriesDir', entriesDir);
  return async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
}
