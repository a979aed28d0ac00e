/**
 * `npm run bench` (second part): the outbox relay against the queue it feeds. Baselines in the same
 * run: a raw Redis pipeline of the same number of writes, and BullMQ's own addBulk. Needs Redis
 * (REDIS_URL, default 127.0.0.1:6379); uses DATABASE_URL when set, otherwise an in-memory PGlite.
 */
import { Redis } from 'ioredis';
import { outbox } from '../db/schema';
import { silentLog } from '../src/lib/log';
import { createRuntime } from '../src/runtime';
import { addJobs } from '../workers/jobs';
import { createQueues, queueKeyPrefix } from '../workers/queues';
import { relayOutbox } from '../workers/relay';

const ROWS = 1000;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
probe.on('error', () => {});
try {
  await probe.connect();
} catch {
  console.log(`relay bench skipped: no Redis at ${redisUrl}`);
  process.exit(0);
}

const rt = await createRuntime({ env: { ...process.env, PGLITE_DIR: 'memory://', APP_SECRET: 'bench-secret-0123456789abcdef012345', LOG_LEVEL: 'silent' }, log: silentLog });
const prefix = queueKeyPrefix(`bench-${process.pid}`, rt.installationId);
const queues = createQueues({ redisUrl, prefix, installationId: rt.installationId }, silentLog);
await new Promise((ready) => (queues.connection.status === 'ready' ? ready(null) : queues.connection.once('ready', ready)));

async function timed(label: string, fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  const ms = performance.now() - start;
  console.log(`${label.padEnd(52)} ${ms.toFixed(1).padStart(9)} ms  (${((ms * 1000) / ROWS).toFixed(1)} µs/row)`);
  return ms;
}

console.log(`database: ${rt.database.kind}, ${ROWS} rows\n`);
const raw = await timed('baseline: raw Redis pipeline, one HSET per row', () => {
  const p = probe.pipeline();
  for (let i = 0; i < ROWS; i++) p.hset(`${prefix}:raw:${i}`, 'outboxId', String(i));
  return p.exec();
});
const bulk = await timed('baseline: BullMQ addBulk (ids given)', () => addJobs(queues, 'outbox.dispatch', Array.from({ length: ROWS }, (_, i) => ({ data: { outboxId: i + 1, jobKey: crypto.randomUUID() }, jobId: `bulk-${i}` }))));
await rt.database.db.insert(outbox).values(Array.from({ length: ROWS }, (_, i) => ({ topic: 'bench', payload: { i } })));
const relay = await timed('relay: SKIP LOCKED select → addBulk → mark relayed', async () => {
  while ((await relayOutbox(rt.database.db, queues, 200)) > 0);
});
console.log(`\nratios: addBulk / raw pipeline = ${(bulk / raw).toFixed(2)}×; relay / addBulk = ${(relay / bulk).toFixed(2)}×`);

await Promise.all(Object.values(queues.byName).map((q) => q.obliterate({ force: true })));
const keys = await probe.keys(`${prefix}:raw:*`);
if (keys.length) await probe.del(...keys);
await queues.close();
probe.disconnect();
await rt.close();
