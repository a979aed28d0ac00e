import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { migrateDatabase, openDatabase } from '../db/node';
import type { Database } from '../db/client';
import { createApp, type AppOptions } from './app';
import { parseConfig, type Config } from './config';
import { randomToken } from './lib/crypto';
import type { AppDeps } from './lib/http';
import type { Log } from './lib/log';
import { createLogger } from './lib/logger';
import { logChannel, type Channel } from './notify/channel';
import { drainOutbox } from './services/notifications';

/**
 * Everything a Node process (server, CLI, tests) builds from its configuration: the database,
 * migrated; the app's dependencies; the app. Node only.
 */
export interface Runtime {
  config: Config;
  database: Database;
  deps: AppDeps;
  log: Log;
  channel: Channel;
  app: ReturnType<typeof createApp>;
  /** Sends every pending outbox message now (the in-process relay). */
  drain(): Promise<number>;
  close(): Promise<void>;
}

/** Dev mode without APP_SECRET: one random secret kept beside the data, so links survive restarts. */
function devSecret(dataDir: string, log: Log): string {
  const file = join(dirname(dataDir), 'dev-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomToken();
  writeFileSync(file, secret, { mode: 0o600 });
  log.warn({ file }, 'APP_SECRET is not set: using a generated development secret (set APP_SECRET in production)');
  return secret;
}

export async function createRuntime(opts: { env?: Record<string, string | undefined>; log?: Log; channel?: Channel; now?: () => Date; app?: AppOptions } = {}): Promise<Runtime> {
  const raw = parseConfig(opts.env ?? process.env);
  const log = opts.log ?? createLogger(raw.logLevel);
  const config: Config = { ...raw, appSecret: raw.appSecret ?? devSecret(raw.pgliteDir, log) };
  if (config.dev && config.appSecret.length < 32) log.warn('APP_SECRET is shorter than 32 characters; refused outside dev mode');
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.pgliteDir });
  await migrateDatabase(database);
  const channel = opts.channel ?? logChannel(log);
  const deps: AppDeps = {
    db: database.db,
    log,
    config: { publicUrl: config.publicUrl, appSecret: config.appSecret, linkTtlHours: config.linkTtlHours, dev: config.dev },
    now: opts.now ?? (() => new Date()),
  };
  const app = createApp(deps, opts.app);
  return {
    config, database, deps, log, channel, app,
    drain: () => drainOutbox(database.db, deps, channel),
    close: () => database.close(),
  };
}
