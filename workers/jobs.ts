import { UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import { driverMessage, sqlState } from '../src/lib/errors';
import type { Log } from '../src/lib/log';
import { dispatchOutboxRow, type Delivery } from '../src/services/notifications';
import { SWEEPS } from '../src/services/sweeps';
import type { QueueName, Queues } from './queues';

/** What every processor gets: how to send, and how to relay (the sweep re-relays lost rows). */
export interface JobContext {
  delivery: Delivery;
  log: Log;
  /** Relays unrelayed rows now; re-relays rows relayed longer ago than `rerelayAfterMs` and still unprocessed. */
  relay(): Promise<number>;
  rerelay(): Promise<number>;
}

interface JobDefinition<S extends z.ZodType> {
  queue: QueueName;
  payload: S;
  process(ctx: JobContext, data: z.output<S>, job: Job): Promise<unknown>;
}
const define = <S extends z.ZodType>(d: JobDefinition<S>) => d;

/** Sweeps run under this scheduler id; upserting it is idempotent. */
export const SWEEP_SCHEDULER_ID = 'sweep';
/** What names an outbox row's job: its id, its random job key and its resend count. */
export interface OutboxJobRef {
  id: number;
  jobKey: string;
  resends: number;
}
/**
 * One job per outbox row (and per operator resend of it), so re-adding an existing row is a no-op.
 * The row's random job key makes the id unique to this row of this database: row 7 of a replaced or
 * restored database is never mistaken for a finished job of another database's row 7.
 */
export const outboxJobId = (row: OutboxJobRef) => `outbox-${row.id}-${row.jobKey}${row.resends ? `-r${row.resends}` : ''}`;

/**
 * Every job: name → queue, zod payload, processor. Payloads carry ids only (never a token: links
 * are minted at send time). `as const` so `addJobs(queues, name, …)` is type-checked per name.
 */
export const JOBS = {
  /** Sends the messages of one outbox row; retried with backoff, the last attempt records failures. */
  'outbox.dispatch': define({
    queue: 'notifications',
    payload: z.object({ outboxId: z.number().int().positive(), jobKey: z.uuid() }),
    async process(ctx, data, job) {
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      // A row missing here, or with another job key, throws: the job is retried and ends failed, on Bull Board.
      const result = await dispatchOutboxRow(ctx.delivery, data.outboxId, { final, jobKey: data.jobKey });
      // Sends that failed for good are recorded as `failed` deliveries; failing the job as well
      // puts them on Bull Board, where "retry" sends exactly those again.
      if (result.failed.length) throw new UnrecoverableError(`${result.failed.length} send(s) failed for good: ${result.failed.map((f) => `${f.dedupeKey}: ${f.error}`).join('; ')}`);
      return result;
    },
  }),
  /** Re-derives everything due from Postgres (reminders, escalations, digests, other features' sweeps) and lost outbox jobs. */
  sweep: define({
    queue: 'maintenance',
    payload: z.object({}).loose(),
    async process(ctx) {
      const counts = await runSweeps(ctx.delivery, ctx.log);
      return { ...counts, relayed: await ctx.relay(), rerelayed: await ctx.rerelay() };
    },
  }),
} as const;

/** Runs every registered sweep once; also used directly while Redis is unreachable. */
export async function runSweeps(delivery: Delivery, log: Log): Promise<Record<string, number | string>> {
  const { db, deps } = delivery;
  const now = deps.now();
  const counts: Record<string, number | string> = {};
  for (const sweep of SWEEPS) {
    try {
      counts[sweep.name] = await sweep.run(db, deps, now);
    } catch (err) {
      // One broken sweep must not starve the others.
      counts[sweep.name] = `error: ${(err as Error).message}`;
      log.error({ err, sweep: sweep.name }, 'sweep failed');
    }
  }
  return counts;
}

export type JobName = keyof typeof JOBS;
export type JobData<N extends JobName> = z.input<(typeof JOBS)[N]['payload']>;

/** Adds jobs of one kind, validating each payload first. */
export async function addJobs<N extends JobName>(queues: Queues, name: N, jobs: { data: JobData<N>; jobId?: string }[]): Promise<void> {
  const def = JOBS[name];
  const queue = queues.byName[def.queue];
  await queue.addBulk(jobs.map((j) => ({ name, data: def.payload.parse(j.data), opts: j.jobId ? { jobId: j.jobId } : {} })));
}

/** The processor of one queue: looks the job up in the registry and validates its payload. */
export function processorFor(queue: QueueName, ctx: JobContext) {
  return async (job: Job) => {
    const def = (JOBS as Record<string, JobDefinition<z.ZodType>>)[job.name];
    if (!def || def.queue !== queue) throw new Error(`unknown job ${job.name} on queue ${queue}`);
    const parsed = def.payload.safeParse(job.data);
    if (!parsed.success) throw new Error(`invalid payload for ${job.name}: ${parsed.error.message}`);
    return def.process(ctx, parsed.data, job).catch((err: unknown) => {
      throw withDriverReason(err);
    });
  };
}

/**
 * A database error as Bull Board and the log should show it: with the driver's reason ("database
 * … does not exist", "relation … does not exist"), where drizzle's own message names only the
 * statement and its parameters. The job still fails, and is retried, as before.
 */
function withDriverReason(err: unknown): unknown {
  const state = sqlState(err);
  if (!(err instanceof Error) || err instanceof UnrecoverableError || !state) return err;
  const reason = driverMessage(err);
  return reason === err.message ? err : new Error(`${reason} (${state})`, { cause: err });
}
