import { and, eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveries, installation, outbox } from '../db/schema';
import { mountQueueBoard } from '../workers/board';
import { startQueueHost, type QueueHost } from '../workers/host';
import { addJobs, outboxJobId } from '../workers/jobs';
import { ADMIN_URL } from './database-url';
import { createTestEnv, submitDraft, type TestEnv } from './harness';
import { capturingLog, type Line } from './support/capturing-log';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { waitFor } from './support/wait';

/**
 * The queues belong to one database: their Redis key prefix carries its installation id, and every
 * job names its outbox row by id and the row's random job key. Two deployments on one Redis, or a
 * database replaced while Redis keeps the old one's finished jobs, must still deliver every link.
 */

const FAST = { SEND_ATTEMPTS: '3', SEND_BACKOFF_SECONDS: '0.05', SWEEP_EVERY_SECONDS: '1', JOB_LOCK_SECONDS: '2' };
const TUNING = { relayEveryMs: 100, rerelayAfterMs: 500 };

/** A service as a deployment runs it: its own database, the API, and workers on the given Redis. */
async function startService(redis: TestRedis, env: Record<string, string> = {}) {
  const t = await createTestEnv('postgres', { REDIS_URL: redis.url, QUEUE_PREFIX: 'imprimatur', ...FAST, ...env });
  const { log, lines } = capturingLog();
  const host = startQueueHost({ ...t.runtime, log }, { workers: true, tuning: TUNING });
  mountQueueBoard(t.runtime.app, host.queues, t.runtime.deps); // before the first request: Hono builds its router then
  const demo = await t.seed();
  return {
    t, host, demo, lines,
    async stop() {
      await host.close();
      await t.close();
    },
  };
}
type Service = Awaited<ReturnType<typeof startService>>;

const linksFor = (s: Service, title: string) => s.t.sent.filter((m) => m.to.personId === s.demo.people.section_head && m.kind === 'review_assigned' && m.link && m.subject.includes(title));

/** Submits each title and waits until the first approver of this service got its link. */
async function submitAndExpectLinks(s: Service, titles: string[]) {
  for (const title of titles) await submitDraft(s.t, s.demo, title);
  for (const title of titles) await waitFor(`the link for ${title}`, () => linksFor(s, title).length > 0, 20_000);
}

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('two deployments (two databases) on one Redis, same QUEUE_PREFIX', () => {
  let a: Service;
  let b: Service;
  beforeAll(async () => {
    a = await startService(redis);
    b = await startService(redis);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('each delivers every link of its own, and neither takes the other’s jobs', async () => {
    expect(a.t.runtime.installationId).not.toBe(b.t.runtime.installationId);
    expect(a.host.queues.settings.prefix).toBe(`imprimatur:${a.t.runtime.installationId}`);
    const titles = (who: string) => Array.from({ length: 4 }, (_, i) => `${who} 稿件 ${i}`);
    await Promise.all([submitAndExpectLinks(a, titles('甲校')), submitAndExpectLinks(b, titles('乙校'))]);
    // Every outbox row of both databases was processed by its own workers; no job failed anywhere.
    for (const s of [a, b]) {
      await waitFor('every outbox row processed', async () => {
        const [row] = (await s.t.runtime.database.db.execute(sql`select count(*)::int as n from outbox where processed_at is null`)) as unknown as { n: number }[];
        return row!.n === 0;
      });
      expect(await s.host.queues.byName.notifications.getFailedCount()).toBe(0);
      expect(s.t.sent.some((m) => m.subject.includes(s === a ? '乙校' : '甲校'))).toBe(false);
    }
  });

  it('/readyz and Bull Board show the installation id', async () => {
    const ready = await a.t.request('GET', '/readyz');
    expect(ready.status, ready.text).toBe(200);
    expect(ready.body.installation).toEqual({ id: a.t.runtime.installationId });
    expect(ready.body.queue).toMatchObject({ ok: true, prefix: `imprimatur:${a.t.runtime.installationId}`, installationId: a.t.runtime.installationId });
    const page = await b.t.request('GET', '/admin/queues', { token: b.demo.tokens.admin });
    expect(page.status).toBe(200);
    expect(page.text).toContain(b.t.runtime.installationId.slice(0, 8));
    const api = await b.t.request('GET', '/admin/queues/api/queues', { token: b.demo.tokens.admin });
    expect(api.body.queues.map((q: { description: string }) => q.description)).toEqual([`安装 / installation ${b.t.runtime.installationId}`, `安装 / installation ${b.t.runtime.installationId}`]);
  });

  it('a job naming a row this database does not hold fails visibly, after its retries, never a silent success', async () => {
    const [own] = await a.t.runtime.database.db.select({ id: outbox.id }).from(outbox).limit(1);
    await addJobs(a.host.queues, 'outbox.dispatch', [
      { data: { outboxId: 987_654, jobKey: crypto.randomUUID() }, jobId: 'ghost-missing-row' },
      // A row id this database has, with another database's job key: not this row's job either.
      { data: { outboxId: own!.id, jobKey: crypto.randomUUID() }, jobId: 'ghost-other-key' },
    ]);
    for (const jobId of ['ghost-missing-row', 'ghost-other-key']) {
      const job = await waitFor('the job', () => a.host.queues.byName.notifications.getJob(jobId));
      await waitFor(`${jobId} to fail for good`, async () => (await job.getState()) === 'failed');
      const failed = (await a.host.queues.byName.notifications.getJob(jobId))!;
      expect(failed.attemptsMade).toBe(3); // SEND_ATTEMPTS: retried, not given up at once
      expect(failed.failedReason).toMatch(/is not in this database/);
      const logged = a.lines.filter((l) => l.fields.jobId === jobId);
      expect(logged.filter((l) => l.level === 'warn' && /will retry/.test(l.msg))).toHaveLength(2);
      expect(logged.filter((l) => l.level === 'error' && /failed for good/.test(l.msg))).toHaveLength(1);
    }
  });
});

describe('a replaced database while Redis keeps the old one’s finished jobs', () => {
  it('the new database starts on fresh keys and delivers every link', async () => {
    const first = await startService(redis);
    const firstId = first.t.runtime.installationId;
    await submitAndExpectLinks(first, ['旧库稿件 1', '旧库稿件 2']);
    const oldPrefix = first.host.queues.settings.prefix;
    expect(await first.host.queues.byName.notifications.getCompletedCount()).toBeGreaterThan(0);
    await first.stop(); // the database is dropped; Redis keeps the completed jobs

    const second = await startService(redis);
    try {
      expect(second.t.runtime.installationId).not.toBe(firstId);
      expect(second.host.queues.settings.prefix).not.toBe(oldPrefix);
      await submitAndExpectLinks(second, ['新库稿件 1', '新库稿件 2', '新库稿件 3']);
    } finally {
      await second.stop();
    }
  });

  it('a database restored under the same installation id: a row processed after the backup is queued under a fresh job id and sent again', async () => {
    const s = await startService(redis);
    const { db } = s.t.runtime.database;
    try {
      await submitAndExpectLinks(s, ['恢复前稿件']);
      const [row] = await db.select().from(outbox).where(sql`${outbox.topic} = 'review.assigned'`).orderBy(sql`${outbox.id} desc`).limit(1);
      const oldJob = await s.host.queues.byName.notifications.getJob(outboxJobId(row!));
      await waitFor('its job to complete', async () => (await oldJob!.getState()) === 'completed');

      // The backup was taken before this row was processed: in the restored database it is
      // unprocessed and nothing was sent, while Redis still holds its completed job.
      await db.delete(deliveries).where(eq(deliveries.outboxId, row!.id));
      await db.update(outbox).set({ processedAt: null, relayedAt: new Date(Date.now() - 3600_000) }).where(eq(outbox.id, row!.id));
      const before = linksFor(s, '恢复前稿件').length;
      await waitFor('the link again', () => linksFor(s, '恢复前稿件').length > before, 20_000);
      const after = await waitFor('the row processed', async () => (await db.select().from(outbox).where(and(eq(outbox.id, row!.id), sql`${outbox.processedAt} is not null`)))[0]);
      expect(after!.jobKey).not.toBe(row!.jobKey); // queued again under a fresh job id
      expect(s.lines.some((l) => l.level === 'warn' && /already finished/.test(l.msg))).toBe(true);
      expect(await db.select().from(deliveries).where(and(eq(deliveries.outboxId, row!.id), eq(deliveries.status, 'sent')))).not.toHaveLength(0);
    } finally {
      await s.stop();
    }
  });
});

describe('a database dropped under running workers', () => {
  it('its queued job fails with the reason (the database does not exist) on Bull Board and in the log, is retried, and never succeeds', async () => {
    const s = await startService(redis);
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    try {
      const [row] = await s.t.runtime.database.db.select({ id: outbox.id, jobKey: outbox.jobKey }).from(outbox).limit(1);
      const [{ db: dbName }] = (await s.t.runtime.database.db.execute(sql`select current_database() as db`)) as unknown as [{ db: string }];
      await admin.unsafe(`drop database ${dbName} with (force)`);
      await addJobs(s.host.queues, 'outbox.dispatch', [{ data: { outboxId: row!.id, jobKey: row!.jobKey }, jobId: 'orphaned' }]);
      const job = await waitFor('the job', () => s.host.queues.byName.notifications.getJob('orphaned'));
      await waitFor('the job to fail for good', async () => (await job.getState()) === 'failed');
      const failed = (await s.host.queues.byName.notifications.getJob('orphaned'))!;
      expect(failed.attemptsMade).toBe(3); // SEND_ATTEMPTS: retried, not given up at once
      const reason = `database "${dbName}" does not exist`;
      expect(failed.failedReason).toContain(reason);
      const logged = s.lines.filter((l) => l.fields.jobId === 'orphaned');
      expect(logged.filter((l) => l.level === 'warn' && /will retry/.test(l.msg)).map((l) => l.fields.err)).toEqual([expect.stringContaining(reason), expect.stringContaining(reason)]);
      expect(logged.filter((l) => l.level === 'error' && /failed for good/.test(l.msg)).map((l) => l.fields.err)).toEqual([expect.stringContaining(reason)]);
    } finally {
      await admin.end();
      await s.stop();
    }
  });
});

describe('/readyz when the outbox stalls', () => {
  let t: TestEnv;
  let host: QueueHost;
  let lines: Line[];
  beforeAll(async () => {
    t = await createTestEnv('postgres', { REDIS_URL: redis.url, OUTBOX_STALE_SECONDS: '1' });
    const captured = capturingLog();
    lines = captured.lines;
    // No workers: nothing relays or sends, as when jobs are lost or taken by someone else.
    host = startQueueHost({ ...t.runtime, log: captured.log }, { workers: false });
  });
  afterAll(async () => {
    await host?.close();
    await t?.close();
  });

  const staleWarnings = () => lines.filter((l) => l.level === 'warn' && l.fields.problem === 'outbox_stale');

  it('turns 503 with the reason after OUTBOX_STALE_SECONDS, logs it once per episode, and recovers', async () => {
    expect((await t.request('GET', '/readyz')).status).toBe(200);
    await t.seed(); // writes outbox rows that nobody sends
    const stale = await waitFor('readyz to turn 503', async () => {
      const r = await t.request('GET', '/readyz');
      return r.status === 503 ? r : null;
    });
    expect(stale.body.ok).toBe(false);
    expect(stale.body.reason).toMatch(/outbox row \d+ has waited \d+ s unprocessed \(OUTBOX_STALE_SECONDS=1\)/);
    expect(stale.body.reason).toContain('发件箱');
    expect(stale.body.outbox.unprocessed).toBeGreaterThan(0);
    expect(stale.body.database).toEqual({ ok: true });
    for (let i = 0; i < 5; i++) expect((await t.request('GET', '/readyz')).status).toBe(503);
    expect(staleWarnings()).toHaveLength(1); // one episode, one warning, however often it is probed

    await t.runtime.drain();
    const ready = await t.request('GET', '/readyz');
    expect(ready.status, ready.text).toBe(200);
    expect(ready.body.reason).toBeUndefined();
    expect(lines.filter((l) => l.level === 'info' && l.fields.problem === 'outbox_stale')).toHaveLength(1);

    // A second episode is a second warning.
    await t.runtime.database.db.insert(outbox).values({ topic: 'review.urged', payload: { reviewId: crypto.randomUUID(), byId: crypto.randomUUID() } });
    await waitFor('readyz to turn 503 again', async () => (await t.request('GET', '/readyz')).status === 503);
    await waitFor('the second warning', () => staleWarnings().length === 2);
    await t.runtime.drain();
  });

  it('turns 503 when the database was replaced under the running process', async () => {
    const { db } = t.runtime.database;
    await db.update(installation).set({ id: sql`gen_random_uuid()` });
    try {
      const r = await t.request('GET', '/readyz');
      expect(r.status).toBe(503);
      expect(r.body.reason).toContain('restart');
      expect(r.body.installation.id).not.toBe(t.runtime.installationId);
    } finally {
      await db.update(installation).set({ id: t.runtime.installationId });
    }
    expect((await t.request('GET', '/readyz')).status).toBe(200);
  });
});
