import type { Runtime } from '../src/runtime';
import { createQueues, queueKeyPrefix, type Queues } from './queues';
import { readinessWatch } from './readiness';
import { startWorkers, type WorkerSettings, type Workers } from './start';

/** The queues (and, when asked, the workers) of one Node process, wired into its runtime. */
export interface QueueHost {
  queues: Queues;
  workers: Workers | null;
  close(): Promise<void>;
}

/** How often the process checks its readiness by itself, so a stale outbox is logged even when nobody probes /readyz. */
const WATCH_EVERY_MS = 30_000;

/**
 * `npm start` runs this with workers (API and workers in one process group); `npm run worker` runs
 * it without the API; an API started with RUN_WORKERS=false only reports queue state and leaves
 * relaying and sending to the worker processes. Every process uses the queues of its database's
 * installation (`queueKeyPrefix`).
 */
export function startQueueHost(runtime: Runtime, opts: { workers: boolean; tuning?: Partial<WorkerSettings> }): QueueHost {
  const { config, deps, delivery, log, installationId } = runtime;
  const prefix = queueKeyPrefix(config.queuePrefix, installationId);
  const queues = createQueues({ redisUrl: config.redisUrl, prefix, installationId, attempts: config.sendAttempts, backoffMs: config.sendBackoffMs }, log);
  const workers = opts.workers
    ? startWorkers({ delivery, log }, queues, {
        sweepEveryMs: config.sweepEveryMs,
        lockDurationMs: config.jobLockMs,
        stalledIntervalMs: Math.max(1000, Math.floor(config.jobLockMs / 2)),
        fallbackAfterMs: config.redisFallbackMs,
        concurrency: config.sendConcurrency,
        ...opts.tuning,
      })
    : null;
  const watch = readinessWatch(delivery, queues, log, { outboxStaleMs: config.outboxStaleMs });
  const timer = setInterval(() => void watch.check().catch(() => {}), Math.min(WATCH_EVERY_MS, config.outboxStaleMs / 2));
  timer.unref();
  deps.onOutbox = workers?.kick;
  deps.readiness = watch.readiness;
  return {
    queues,
    workers,
    async close() {
      clearInterval(timer);
      await workers?.close();
      await queues.close();
    },
  };
}
