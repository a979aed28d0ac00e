import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Log } from '../src/lib/log';
import { sealAudit } from '../src/services/audit';
import { drainOutbox, type Delivery } from '../src/services/notifications';
import { SWEEP_SCHEDULER_ID, processorFor, runSweeps, type JobContext } from './jobs';
import { QUEUE_NAMES, redisConnection, type QueueName, type Queues } from './queues';
import { ADD_TIMEOUT_MS, relayOutbox, rerelayUnprocessed, withTimeout } from './relay';

export interface WorkerSettings {
  /** How often the sweep job runs (BullMQ job scheduler). */
  sweepEveryMs: number;
  /** How often this process polls the outbox (commits in this process also kick it at once). */
  relayEveryMs?: number;
  /** A relayed row still unprocessed after this long is re-added by the sweep (same job id). */
  rerelayAfterMs?: number;
  concurrency?: number;
  /** BullMQ lock: a job whose worker died is retried after about this long. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Redis unreachable for this long: send the outbox and run the sweeps directly (default 15 s). */
  fallbackAfterMs?: number;
}

export interface Workers {
  /** Relays the outbox and seals the audit events now (coalesced); the host calls it after each commit. */
  kick(): void;
  relay(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts the workers of every queue, the outbox relay loop and the sweep scheduler. Never blocks
 * on Redis: while it is down everything retries quietly and Postgres keeps the work.
 */
export function startWorkers(base: { delivery: Delivery; log: Log }, queues: Queues, settings: WorkerSettings): Workers {
  const { log } = base;
  const relayEveryMs = settings.relayEveryMs ?? 1000;
  const rerelayAfterMs = settings.rerelayAfterMs ?? 30_000;
  const ctx: JobContext = {
    ...base,
    relay: () => relayOutbox(base.delivery.db, queues),
    rerelay: () => rerelayUnprocessed(base.delivery.db, queues, rerelayAfterMs, log),
  };

  const connections: Redis[] = [];
  const workers = QUEUE_NAMES.map((name: QueueName) => {
    const connection = redisConnection(queues.settings.redisUrl, 'worker');
    connections.push(connection);
    connection.on('error', () => {}); // the producer connection reports outages once
    const worker = new Worker(name, processorFor(name, ctx), {
      connection,
      prefix: queues.settings.prefix,
      concurrency: name === 'notifications' ? (settings.concurrency ?? 16) : 1,
      ...(settings.lockDurationMs ? { lockDuration: settings.lockDurationMs } : {}),
      ...(settings.stalledIntervalMs ? { stalledInterval: settings.stalledIntervalMs } : {}),
    });
    worker.on('error', (err) => log.debug({ err: err.message, queue: name }, 'worker error'));
    worker.on('failed', (job, err) => {
      const final = job && job.attemptsMade >= (job.opts.attempts ?? 1);
      log[final ? 'error' : 'warn']({ queue: name, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, final ? 'job failed for good (see Bull Board and GET /api/v1/deliveries?status=failed)' : 'job failed; will retry');
    });
    return worker;
  });

  // The scheduler lives in Redis; a flushed Redis loses it, so the relay loop re-creates it when missing.
  const maintenance = queues.byName.maintenance;
  let schedulerCheckedAt = 0;
  async function ensureScheduler() {
    if (Date.now() - schedulerCheckedAt < Math.min(settings.sweepEveryMs, 10_000)) return;
    schedulerCheckedAt = Date.now();
    if (await maintenance.getJobScheduler(SWEEP_SCHEDULER_ID)) return;
    await maintenance.upsertJobScheduler(SWEEP_SCHEDULER_ID, { every: settings.sweepEveryMs }, { name: 'sweep', data: {}, opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } });
    log.debug({ everyMs: settings.sweepEveryMs }, 'sweep scheduler registered');
  }

  /**
   * While Redis is unreachable the queue cannot run, but approvers still need their links: after
   * `fallbackAfterMs` this process sends the outbox itself and runs the sweeps on their schedule.
   * The same claimed deliveries make it safe beside a queue that comes back mid-way.
   */
  const fallbackAfterMs = settings.fallbackAfterMs ?? 15_000;
  let downSince: number | null = null;
  /** When Redis stopped answering while its connection stayed up (see tick). */
  let stalledSince: number | null = null;
  let lastDirectSweep = 0;
  let directAnnounced = false;
  async function direct() {
    downSince ??= Date.now();
    if (Date.now() - downSince < fallbackAfterMs) return;
    if (!directAnnounced) log.warn({ afterMs: fallbackAfterMs }, 'Redis still unavailable: this process now sends the outbox and runs the sweeps itself');
    directAnnounced = true;
    if (Date.now() - lastDirectSweep >= settings.sweepEveryMs) {
      lastDirectSweep = Date.now();
      await runSweeps(base.delivery, log);
    }
    // Rows relayed before Redis went down are stranded in it: taken too (a job that runs later finds them sent).
    await drainOutbox(base.delivery, 100, { relayedBefore: new Date(downSince), concurrency: settings.concurrency });
  }

  let running: Promise<unknown> | null = null;
  let again = false;
  let closed = false;
  let lastError = '';
  const tick = (): void => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      if (queues.connection.status !== 'ready') return direct();
      // A Redis that keeps its socket open but answers nothing (stopped, swapping) looks ready: the
      // relay timing out is the sign. Meanwhile the process sends by itself, and a bounded ping tells when it answers again.
      if (stalledSince !== null) {
        await withTimeout(queues.connection.ping(), ADD_TIMEOUT_MS, 'Redis ping').then(() => { stalledSince = null; }, () => direct());
        if (stalledSince !== null) return;
      }
      downSince = null;
      directAnnounced = false;
      // Bounded: a lookup in flight when Redis died would otherwise hold the loop and keep the fallback from starting.
      await withTimeout(ensureScheduler(), ADD_TIMEOUT_MS, 'sweep scheduler check');
      while ((await ctx.relay()) > 0 && !closed);
      lastError = '';
    })()
      .catch((err: Error) => {
        if (err.message !== lastError) log.warn({ err: err.message }, 'outbox relay failed; retrying');
        lastError = err.message;
        if (/timed out/.test(err.message)) stalledSince ??= Date.now();
      })
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          tick();
        }
      });
  };

  /**
   * The audit sealer (src/services/audit.ts): requests only insert their events; this links them
   * into the hash chain moments after they commit. Postgres only, so it runs whatever Redis does;
   * of several worker processes one seals at a time and the others find nothing left.
   */
  let sealing: Promise<void> | null = null;
  let sealAgain = false;
  let lastSealError = '';
  const seal = (): void => {
    if (closed) return;
    if (sealing) {
      sealAgain = true;
      return;
    }
    sealing = sealAudit(base.delivery.db)
      .then(() => void (lastSealError = ''))
      .catch((err: Error) => {
        if (err.message !== lastSealError) log.warn({ err: err.message }, 'audit sealing failed; retrying');
        lastSealError = err.message;
      })
      .finally(() => {
        sealing = null;
        if (sealAgain) {
          sealAgain = false;
          seal();
        }
      });
  };
  const kick = (): void => {
    tick();
    seal();
  };

  const timer = setInterval(kick, relayEveryMs);
  queues.connection.on('ready', tick);
  kick();

  return {
    kick,
    relay: ctx.relay,
    async close() {
      closed = true;
      clearInterval(timer);
      queues.connection.off('ready', tick);
      await running;
      await sealing;
      // Waits for active jobs to finish (graceful): a job cut short would be retried anyway.
      await Promise.allSettled(workers.map((w) => w.close()));
      for (const c of connections) c.disconnect();
    },
  };
}
