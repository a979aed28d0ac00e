import { Queue, type JobsOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { Log } from '../src/lib/log';

/**
 * Queue configuration. Redis is only the scheduler (Postgres is the source of truth), so every
 * setting here is about latency and retries, never about keeping data.
 */
export const QUEUE_NAMES = ['notifications', 'maintenance'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface QueueSettings {
  redisUrl: string;
  /** The full key prefix, `queueKeyPrefix(QUEUE_PREFIX, installation id)`: see there. */
  prefix: string;
  /** The database's installation id the prefix carries (shown on Bull Board). */
  installationId: string;
  /** Attempts per send job before it lands in `failed`, and the first backoff (exponential). */
  attempts?: number;
  backoffMs?: number;
}

/**
 * A Redis connection. Workers need `maxRetriesPerRequest: null` (blocking commands must wait out a
 * reconnect); producers fail fast instead (`enableOfflineQueue: false`), so a request or the relay
 * never hangs while Redis is down — the outbox simply waits in Postgres.
 */
export function redisConnection(url: string, role: 'worker' | 'producer', extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableOfflineQueue: role === 'worker',
    retryStrategy: (times) => Math.min(times * 200, 5000),
    ...extra,
  });
}

/**
 * The queues' Redis key prefix: the configured prefix, then the database's installation id. Jobs
 * name outbox rows by id, so they mean something only to the database that wrote them: with its id
 * in every key, two deployments on one Redis never take each other's jobs, and a replaced database
 * (a new installation id) starts on fresh keys instead of the old one's finished jobs.
 */
export const queueKeyPrefix = (configured: string, installationId: string) => `${configured}:${installationId}`;

export const defaultJobOptions = (s: QueueSettings): JobsOptions => ({
  attempts: s.attempts ?? 8,
  backoff: { type: 'exponential', delay: s.backoffMs ?? 10_000 },
  // Completed jobs are kept a day for Bull Board; failed ones a month (they are also listed from Postgres).
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
});

export interface Queues {
  settings: QueueSettings;
  connection: Redis;
  byName: Record<QueueName, Queue>;
  close(): Promise<void>;
}

export function createQueues(settings: QueueSettings, log: Log): Queues {
  const connection = redisConnection(settings.redisUrl, 'producer');
  let down = false;
  connection.on('error', (err) => {
    // One line per outage, not one per reconnect attempt.
    if (!down) log.warn({ err: err.message }, 'Redis unavailable: the API keeps serving, the outbox waits in Postgres');
    down = true;
  });
  connection.on('ready', () => {
    if (down) log.info('Redis is back: relaying the outbox');
    down = false;
    void warnUnlessNoEviction(connection, log);
  });
  const byName = Object.fromEntries(
    QUEUE_NAMES.map((name) => {
      const queue = new Queue(name, { connection, prefix: settings.prefix, defaultJobOptions: defaultJobOptions(settings) });
      queue.on('error', () => {}); // reported once by the connection handler above
      return [name, queue];
    }),
  ) as Record<QueueName, Queue>;
  return {
    settings, connection, byName,
    async close() {
      await Promise.allSettled(Object.values(byName).map((q) => q.close()));
      connection.disconnect();
    },
  };
}

let warned = false;
/** BullMQ needs `noeviction`: an evicting Redis silently drops jobs and locks. */
export async function warnUnlessNoEviction(connection: Redis, log: Log): Promise<string | null> {
  try {
    const reply = (await connection.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1] ?? null;
    if (policy && policy !== 'noeviction' && !warned) {
      warned = true;
      log.warn({ policy }, `Redis maxmemory-policy is "${policy}", not "noeviction": Redis may evict jobs (the sweep re-derives them from Postgres, but set maxmemory-policy noeviction)`);
    }
    return policy;
  } catch {
    return null; // managed Redis often refuses CONFIG; nothing to check then
  }
}
