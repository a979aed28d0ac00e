import { QueueEvents } from 'bullmq';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dutyObligations, dutyTemplates, outbox } from '../db/schema';
import { startQueueHost, type QueueHost } from '../workers/host';
import { createTestEnv, type TestEnv } from './harness';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { waitFor } from './support/wait';

/**
 * The sweep makes a period's duties at 00:00 北京时间, inside quiet hours (22:00–07:30). The duties
 * are made then; their "new duty" notice waits for the next working morning (国庆 here: 8 October,
 * 08:30), and so does a reminder the sweep only finds due in the night. With real BullMQ workers on
 * a Redis of the test's own, restarted and flushed while a notice is held: it arrives once.
 */
let redis: TestRedis;
let t: TestEnv;
let host: QueueHost | null = null;
let events: QueueEvents;
let demo: Awaited<ReturnType<TestEnv['seed']>>;
const cst = (local: string) => new Date(`${local}+08:00`);
const TITLE = '静默时段测试：季度舆情报告';

const startWorkers = () => (host = startQueueHost(t.runtime, { workers: true, tuning: { relayEveryMs: 100, rerelayAfterMs: 500 } }));
async function stopWorkers() {
  await host?.close();
  host = null;
}

/** Resolves once `n` sweeps that started after this call have run to completion (each reads the clock the test set). */
function sweeps(n: number): Promise<void> {
  return new Promise((resolve) => {
    const started = new Set<string>();
    let finished = 0;
    const active = ({ jobId }: { jobId: string }) => void started.add(jobId);
    const completed = ({ jobId }: { jobId: string }) => {
      if (!started.has(jobId) || ++finished < n) return;
      events.off('active', active);
      events.off('completed', completed);
      resolve();
    };
    events.on('active', active);
    events.on('completed', completed);
  });
}

const sentAbout = (kind: string) => t.sent.filter((m) => m.kind === kind && m.subject.includes(TITLE));

async function obligation(period = '2026-Q4') {
  const [row] = await t.runtime.database.db.select({ o: dutyObligations }).from(dutyObligations)
    .innerJoin(dutyTemplates, eq(dutyTemplates.id, dutyObligations.templateId))
    .where(and(eq(dutyTemplates.title, TITLE), eq(dutyObligations.unitId, demo.unitId), eq(dutyObligations.period, period)));
  return row?.o ?? null;
}

beforeAll(async () => {
  redis = await startTestRedis();
  t = await createTestEnv('postgres', { REDIS_URL: redis.url, QUEUE_PREFIX: 'dq', SWEEP_EVERY_SECONDS: '1', REDIS_FALLBACK_SECONDS: '1' });
  t.clock.now = cst('2026-09-30T15:00:00');
  demo = await t.seed();
  await t.deliver();
  // Only the test's own duty: the shipped ones would be made (and announced) in the same sweeps.
  await t.runtime.database.db.update(dutyTemplates).set({ active: false });
  const created = await t.request('POST', '/api/v1/duties/templates', {
    token: demo.tokens.publicity,
    body: { title: TITLE, content: '每季度报告网络意识形态领域重要情况。', responsible: 'publicity_officer', recurrence: 'quarterly', dueRule: { from: 'period_end', days: 15, unit: 'calendar_days', roll: 'next_working_day' }, evidence: ['report'] },
  });
  expect(created.status, created.text).toBe(201);
  events = new QueueEvents('maintenance', { connection: { url: redis.url }, prefix: `dq:${t.runtime.installationId}` });
  await events.waitUntilReady();
});
afterAll(async () => {
  await stopWorkers();
  await events?.close();
  await t?.close();
  await redis?.stop();
});

describe('duty messages and quiet hours', () => {
  it('a duty made at 00:00 on 1 October is there at once; its notice is held, not sent', async () => {
    // Q3's obligation is made and announced in the afternoon, as before.
    t.clock.now = cst('2026-09-30T15:00:00');
    startWorkers();
    await waitFor('the Q3 notice', () => sentAbout('duty_assigned').length === 1);

    t.clock.now = cst('2026-10-01T00:00:05');
    const q4 = await waitFor('the Q4 obligation', () => obligation());
    expect(q4.createdAt).toEqual(cst('2026-10-01T00:00:05'));
    await sweeps(2);
    expect(sentAbout('duty_assigned')).toHaveLength(1);
    // 1–7 October are 国庆: the next working morning is 8 October.
    expect(q4.noticeAt).toEqual(cst('2026-10-08T08:30:00'));
    const rows = await t.runtime.database.db.select({ id: outbox.id }).from(outbox)
      .where(and(eq(outbox.topic, 'duty.assigned'), sql`${outbox.payload}->>'obligationId' = ${q4.id}`));
    expect(rows).toEqual([]);
  });

  it('held across a worker restart and a flushed Redis; past quiet hours on a holiday it still waits', async () => {
    await stopWorkers();
    await redis.flushAll();
    t.clock.now = cst('2026-10-01T07:31:00');
    startWorkers();
    await sweeps(2);
    t.clock.now = cst('2026-10-08T08:29:59');
    await sweeps(2);
    expect(sentAbout('duty_assigned')).toHaveLength(1);
  });

  it('goes out at 08:30 on the first working day, exactly once', async () => {
    t.clock.now = cst('2026-10-08T08:30:00');
    await waitFor('the held Q4 notice', () => sentAbout('duty_assigned').length === 2);
    const [q3, q4] = sentAbout('duty_assigned');
    expect(q4!.to.personId).toBe(demo.people.publicity_officer);
    expect(q4!.text).not.toBe(q3!.text);
    expect(q4!.text).toContain('2027');
    // Another restart and more sweeps: nothing more.
    await stopWorkers();
    startWorkers();
    await sweeps(3);
    expect(sentAbout('duty_assigned')).toHaveLength(2);
    expect((await obligation())!.noticeAt).toBeNull();
  });

  it('a reminder the sweep finds due at night waits for the next working morning too', async () => {
    // Reminder 1 of Q4 (due 15 January 2027) falls on Friday 8 January, 08:30; the workers were down then.
    await stopWorkers();
    t.clock.now = cst('2027-01-09T01:00:00');
    startWorkers();
    await sweeps(2);
    expect(sentAbout('duty_reminder')).toEqual([]);
    expect((await obligation())!.nextReminderAt).toEqual(cst('2027-01-11T08:30:00'));
    t.clock.now = cst('2027-01-11T08:30:00');
    await waitFor('the reminder', () => sentAbout('duty_reminder').length === 1);
    await sweeps(2);
    expect(sentAbout('duty_reminder')).toHaveLength(1);
    expect(await obligation()).toMatchObject({ remindersSent: 1, nextReminderAt: cst('2027-01-14T08:30:00') });
  });
});
