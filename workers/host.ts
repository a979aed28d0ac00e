import type { Runtime } from '../src/runtime';
import { createQueues, type Queues } from './queues';
import { queueReadiness, startWorkers, type WorkerSettings, type Workers } from './start';

/** The queues (and, when asked, the workers) of one Node process, wired into its runtime. */
export interface QueueHost {
  queues: Queues;
  workers: Workers | null;
  close(): Promise<void>;
}

/**
 * `npm start` runs this with workers (API and workers in one process group); `npm run worker` runs
 * it without the API; an API started with RUN_WORKERS=false only reports queue state and leaves
 * relaying and sending to the worker processes.
 */
export function startQueueHost(runtime: Runtime, opts: { workers: boolean; tuning?: Partial<WorkerSettings> }): QueueHost {
  const { config, deps, delivery, log } = runtime;
  const queues = createQueues({ redisUrl: config.redisUrl, prefix: config.queuePrefix, attempts: config.sendAttempts, backoffMs: config.sendBackoffMs }, log);
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
  deps.onOutbox = workers?.kick;
  deps.readiness = workers ? workers.readiness : () => queueReadiness(delivery, queues);
  return {
    queues,
    workers,
    async close() {
      await workers?.close();
      await queues.close();
    },
  };
}
