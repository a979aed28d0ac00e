import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { databaseRefusal, migrateDatabase, openDatabase, type OnQuery } from '../db/node';
import type { Database } from '../db/client';
import { createApp, type AppOptions } from './app';
import { parseConfig, type Config } from './config';
import { randomToken, useSyncHmac } from './lib/crypto';
import { nodeHmac } from './lib/crypto-node';
import type { AppDeps } from './lib/http';
import type { Log } from './lib/log';
import { serveDocsScript, serveVendorFile } from './lib/docs-asset';
import { createLogger } from './lib/logger';
import { redisLimiter } from './lib/rate-limit-redis';
import { logChannel, type Channel, type Channels } from './notify/channel';
import { filteredPost } from './notify/outbound-node';
import { dingtalkChannel, feishuChannel, webhookChannel, wecomChannel } from './notify/robots';
import { smtpChannel } from './notify/smtp';
import { checkSecret, readInstallation } from './services/installation';
import { drainOutbox, type Delivery } from './services/notifications';
import { ensureDefaultDutyTemplates } from './services/duties';
import { localStore } from './storage/local';
import { s3Store } from './storage/s3';

/**
 * Everything a Node process (server, CLI, tests) builds from its configuration: the database,
 * migrated; the app's dependencies; the app. Node only.
 */
export interface Runtime {
  config: Config;
  database: Database;
  /** The database's installation id (read once at start): the queues' key prefix carries it. */
  installationId: string;
  deps: AppDeps;
  log: Log;
  /** The mail transport: SMTP, the log without SMTP, or what the caller passed (tests). */
  channel: Channel;
  /** Every channel by route: email plus the robots and the webhook. */
  channels: Channels;
  /** What sending needs (the workers' own connection pool, clock, channels); shared by the workers and `drain`. */
  delivery: Delivery;
  app: ReturnType<typeof createApp>;
  /** Sends every pending outbox message now, without the job queue (tests and one-shot tools). */
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

export interface RuntimeOptions {
  env?: Record<string, string | undefined>;
  log?: Log;
  channel?: Channel;
  now?: () => Date;
  app?: AppOptions;
  /** Sees every SQL statement the API's pool sends (tests count a request's round trips with it). */
  onQuery?: OnQuery;
  /** The same for the workers' pool (benches count a mail's statements with it). */
  onWorkerQuery?: OnQuery;
  /** `cli secret:adopt` only: open the database although its recorded APP_SECRET is another. */
  adoptingSecret?: boolean;
}

export async function createRuntime(opts: RuntimeOptions = {}): Promise<Runtime> {
  // Token hashes in the calling thread (see useSyncHmac).
  useSyncHmac(nodeHmac);
  const raw = parseConfig(opts.env ?? process.env);
  const log = opts.log ?? createLogger(raw.logLevel, 1, opts.env ?? process.env);
  const config: Config = { ...raw, appSecret: raw.appSecret ?? devSecret(raw.pgliteDir, log) };
  if (config.dev && config.appSecret.length < 32) log.warn('APP_SECRET is shorter than 32 characters; refused outside dev mode');
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.pgliteDir, max: config.dbPoolSize, prepare: config.dbPrepare, onQuery: opts.onQuery });
  // The first statements sent: a server that cannot be reached, or a database that does not exist, is said so here.
  await migrateDatabase(database).catch(async (err: unknown) => {
    await database.close().catch(() => {});
    throw (config.databaseUrl && databaseRefusal(err, config.databaseUrl)) || err;
  });
  if (!opts.adoptingSecret) await checkSecret(database.db, config.appSecret).catch(async (err: unknown) => {
    await database.close();
    throw err;
  });
  // The workers get their own connections, so a burst of sends never queues the API's requests
  // behind it (postgres.js connects on demand: an API without workers never opens these).
  const workerDatabase = database.kind === 'postgres' ? await openDatabase({ url: config.databaseUrl, max: config.workerDbPoolSize, prepare: config.dbPrepare, onQuery: opts.onWorkerQuery }) : database;
  // The seeds' duties are shipped data, like the holiday years: added once, never re-added once retired.
  await ensureDefaultDutyTemplates(database.db, (opts.now ?? (() => new Date()))());
  const { id: installationId } = await readInstallation(database.db);
  const smtp = !opts.channel && config.smtpUrl ? smtpChannel({ url: config.smtpUrl, from: config.mailFrom, poolSize: config.smtpPoolSize }) : null;
  const channel = opts.channel ?? smtp ?? logChannel(log);
  // Counters under the deployment's own prefix (as its queues): two deployments on one Redis never share a client's count.
  const verifyLimiter = config.verifyRatePerMinute > 0
    ? redisLimiter({ url: config.redisUrl, prefix: `${config.queuePrefix}:${installationId}:rate`, perMinute: config.verifyRatePerMinute, log })
    : undefined;
  const deps: AppDeps = {
    db: database.db,
    log,
    config: { publicUrl: config.publicUrl, appSecret: config.appSecret, linkTtlHours: config.linkTtlHours, dev: config.dev, maxJsonBytes: config.maxJsonBytes, allowedEmailDomains: config.allowedEmailDomains, outbound: config.outbound, fileMaxBytes: config.fileMaxBytes, trustProxy: config.trustProxy, oidc: config.oidc, incidentAckMinutes: config.incidentAckMinutes },
    verifyLimiter,
    now: opts.now ?? (() => new Date()),
    files: config.s3 ? s3Store(config.s3) : localStore(config.filesDir),
  };
  const app = createApp(deps, { docsScript: serveDocsScript, vendorFile: serveVendorFile, ...opts.app });
  // Robot signatures use the wall clock (the platforms reject timestamps an hour off), not deps.now.
  // Every robot and webhook call goes through the one filtered sender (no loopback, private or reserved destinations).
  const post = filteredPost(config.outbound);
  const channels: Channels = { email: channel, wecom: wecomChannel(post), dingtalk: dingtalkChannel(post), feishu: feishuChannel(post), webhook: webhookChannel(post) };
  const delivery: Delivery = { db: workerDatabase.db, deps, channels, post, claimLeaseMs: config.sendLeaseMs };
  return {
    config, database, installationId, deps, log, channel, channels, delivery, app,
    drain: () => drainOutbox(delivery),
    close: async () => {
      smtp?.close();
      verifyLimiter?.close();
      if (workerDatabase !== database) await workerDatabase.close();
      await database.close();
    },
  };
}
