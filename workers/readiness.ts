import type { Readiness } from '../src/lib/http';
import type { Log } from '../src/lib/log';
import { readInstallation } from '../src/services/installation';
import type { Delivery } from '../src/services/notifications';
import { outboxLag } from '../src/services/outbox';
import { QUEUE_NAMES, type Queues } from './queues';
import { withTimeout } from './relay';

const COUNTS_TIMEOUT_MS = 1_000;

/** Queue counts, and the key prefix (with the installation id) this process uses. */
async function queueState(queues: Queues): Promise<Record<string, unknown>> {
  const { prefix, installationId } = queues.settings;
  if (queues.connection.status !== 'ready') {
    return { ok: false, redis: queues.connection.status, prefix, installationId, note: 'the API keeps serving; the outbox waits in Postgres' };
  }
  try {
    const counts = Object.fromEntries(
      // Bounded: a Redis that stopped answering must not hold /readyz (and whoever probes it).
      await withTimeout(Promise.all(QUEUE_NAMES.map(async (n) => [n, await queues.byName[n].getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed')] as const)), COUNTS_TIMEOUT_MS, 'queue counts'),
    );
    return { ok: true, redis: 'ready', prefix, installationId, counts };
  } catch (err) {
    return { ok: false, redis: queues.connection.status, prefix, installationId, error: (err as Error).message };
  }
}

type ProblemKind = 'outbox_stale' | 'installation_changed';
interface Problem {
  kind: ProblemKind;
  reason: string;
  detail: Record<string, unknown>;
}

export interface ReadinessWatch {
  /** Checks what makes this process not ready and logs each problem once when it starts and once when it ends. */
  check(): Promise<Readiness>;
  /** `check` plus the queue state: what /readyz adds to its answer. */
  readiness(): Promise<Readiness>;
}

/**
 * What turns /readyz not-ready (503) besides the database: an outbox row unprocessed for longer
 * than `outboxStaleMs` (links are not going out, whatever Redis says), or a database replaced
 * under the running process (its queues carry the old installation id). Queue trouble alone is
 * reported, not fatal: while Redis is down the process sends the outbox itself.
 */
export function readinessWatch(delivery: Pick<Delivery, 'db'>, queues: Queues, log: Log, settings: { outboxStaleMs: number }): ReadinessWatch {
  let active = new Map<ProblemKind, Problem>();
  let inflight: Promise<Readiness> | null = null;

  async function checkNow(): Promise<Readiness> {
    const { db } = delivery;
    const problems: Problem[] = [];
    const staleAfterSeconds = settings.outboxStaleMs / 1000;
    let outbox: Record<string, unknown>;
    try {
      const lag = await outboxLag(db);
      outbox = { ...lag, staleAfterSeconds };
      if (lag.unprocessed && lag.oldestPendingSeconds > staleAfterSeconds) {
        problems.push({
          kind: 'outbox_stale', detail: lag,
          reason: `发件箱第 ${lag.oldestPendingId} 条已等待 ${lag.oldestPendingSeconds} 秒未处理（上限 ${staleAfterSeconds} 秒），通知可能未发出 / outbox row ${lag.oldestPendingId} has waited ${lag.oldestPendingSeconds} s unprocessed (OUTBOX_STALE_SECONDS=${staleAfterSeconds}): notifications may not be going out`,
        });
      }
    } catch (err) {
      outbox = { error: (err as Error).message };
    }
    try {
      const { id } = await readInstallation(db);
      if (id !== queues.settings.installationId) {
        problems.push({
          kind: 'installation_changed', detail: { database: id, process: queues.settings.installationId },
          reason: `数据库已被替换（安装标识 ${id}），本进程仍在使用 ${queues.settings.installationId} 的队列：请重启 / the database was replaced under this process (installation ${id}; its queues are ${queues.settings.installationId}'s): restart it`,
        });
      }
    } catch {
      // An unreachable database is the health route's own check.
    }
    const now = new Map(problems.map((p) => [p.kind, p]));
    for (const p of problems) if (!active.has(p.kind)) log.warn({ problem: p.kind, ...p.detail }, p.reason);
    for (const kind of active.keys()) if (!now.has(kind)) log.info({ problem: kind }, `resolved: ${kind.replace('_', ' ')}`);
    active = now;
    return { outbox, ...(problems.length ? { notReady: problems.map((p) => p.reason) } : {}) };
  }

  // Probes and the host's timer may overlap: one check at a time, so each episode is logged once.
  const check = () => (inflight ??= checkNow().finally(() => (inflight = null)));
  return {
    check,
    async readiness() {
      const [state, queue] = await Promise.all([check(), queueState(queues)]);
      return { queue, ...state };
    },
  };
}
