import { spawn, type ChildProcess } from 'node:child_process';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTokens, deliveries, dutyObligations, dutyTemplates, outbox, people, reviews, units } from '../db/schema';
import { hashToken } from '../src/lib/crypto';
import { openDatabase } from '../db/node';
import { silentLog } from '../src/lib/log';
import type { Notification } from '../src/notify/channel';
import { mountQueueBoard } from '../workers/board';
import { startQueueHost, type QueueHost } from '../workers/host';
import { outboxJobId } from '../workers/jobs';
import { createQueues, warnUnlessNoEviction } from '../workers/queues';
import { relayOutbox, rerelayUnprocessed } from '../workers/relay';
import { createTestEnv, submitDraft, LOOPBACK_RECEIVERS, type TestEnv } from './harness';
import { entryArgs } from './support/entries';
import { startReceiver } from './support/receiver';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { startSmtpSink } from './support/smtp-sink';
import { waitFor } from './support/wait';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Demo = Awaited<ReturnType<TestEnv['seed']>>;

/** The queue job id of an outbox row, as the relay names it (row id, job key, resends). */
async function jobIdOf(t: TestEnv, outboxId: number, resends?: number): Promise<string> {
  const [row] = await t.runtime.database.db.select({ id: outbox.id, jobKey: outbox.jobKey, resends: outbox.resends }).from(outbox).where(eq(outbox.id, outboxId));
  return outboxJobId({ ...row!, resends: resends ?? row!.resends });
}

async function outboxIdOf(t: TestEnv, topic: string, reviewOfDraft: string): Promise<number> {
  const rows = await t.runtime.database.db.execute<{ id: number }>(sql`
    select o.id from outbox o join reviews r on r.id::text = o.payload->>'reviewId'
    where o.topic = ${topic} and r.draft_id = ${reviewOfDraft} order by o.id desc limit 1`);
  return Number((rows as unknown as { id: number }[])[0]!.id);
}

describe('BullMQ workers on a real Redis', () => {
  let redis: TestRedis;
  let t: TestEnv;
  let demo: Demo;
  let host: QueueHost;

  beforeAll(async () => {
    redis = await startTestRedis();
    t = await createTestEnv('postgres', {
      ...LOOPBACK_RECEIVERS, REDIS_URL: redis.url, QUEUE_PREFIX: 'wt', SEND_ATTEMPTS: '3', SEND_BACKOFF_SECONDS: '0.05',
      SWEEP_EVERY_SECONDS: '1', JOB_LOCK_SECONDS: '2', REDIS_FALLBACK_SECONDS: '1',
    });
    host = startQueueHost(t.runtime, { workers: true, tuning: { relayEveryMs: 100, rerelayAfterMs: 500 } });
    // Mounted before the first request: Hono builds its router then.
    mountQueueBoard(t.runtime.app, host.queues, t.runtime.deps);
    demo = await t.seed();
  });
  afterAll(async () => {
    await host?.close();
    await t?.close();
    await redis?.stop();
  });

  const sentTo = (personId: string, kind: Notification['kind']) => t.sent.filter((m) => m.to.personId === personId && m.kind === kind);

  it('relays a committed submit into BullMQ under a deterministic job id; the job carries ids, never a token', async () => {
    const draftId = await submitDraft(t, demo, '队列转发测试');
    const [message] = await waitFor('the first approver’s link', () => {
      const found = sentTo(demo.people.section_head!, 'review_assigned').filter((m) => m.subject.includes('队列转发测试'));
      return found.length ? found : null;
    });
    const outboxId = await outboxIdOf(t, 'review.assigned', draftId);
    const jobId = await jobIdOf(t, outboxId);
    const job = await host.queues.byName.notifications.getJob(jobId);
    expect(job?.data).toEqual({ outboxId, jobKey: jobId.split('-').slice(2).join('-') });
    expect(await waitFor('job completion', async () => (await job!.getState()) === 'completed')).toBe(true);
    const token = message!.link!.split('/s/')[1]!;
    expect(JSON.stringify(job!.data)).not.toContain(token);
    const [row] = await t.runtime.database.db.select().from(outbox).where(eq(outbox.id, outboxId));
    expect(row!.processedAt).not.toBeNull();
    // The link works.
    expect((await t.request('GET', `/s/${token}`)).status).toBe(200);
  });

  it('FLUSHALL mid-run: every due reminder still arrives, exactly once', async () => {
    const { db } = t.runtime.database;
    // Sends take a moment, so the flush lands while jobs are queued and in flight.
    const email = t.runtime.channels.email;
    t.runtime.channels.email = { name: email.name, send: async (m) => { await pause(40); await email.send(m); } };
    try {
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) ids.push(await submitDraft(t, demo, `催办测试 ${i}`));
      const pending = await db.select({ id: reviews.id, next: reviews.nextReminderAt }).from(reviews).where(and(eq(reviews.status, 'pending'), sql`${reviews.draftId} in ${ids}`));
      expect(pending).toHaveLength(8);
      // Just past the first reminder of all eight (submitted at the same instant), before the second.
      t.clock.now = new Date(Math.max(...pending.map((p) => p.next!.getTime())) + 60_000);
      const reviewIds = new Set(pending.map((p) => p.id));
      const reminders = () => t.sent.filter((m) => m.kind === 'review_reminder' && reviewIds.has(m.dedupeKey.split('review:')[1]!.split('@')[0]!));
      await waitFor('the first reminders to go out', () => reminders().length >= 2);
      await redis.flushAll();
      await waitFor('all eight reminders', () => reminders().length >= 8, 20_000);
      // Another sweep and re-relay cycle finds nothing more to send.
      await pause(1500);
      const got = reminders();
      expect(got).toHaveLength(8);
      expect(new Set(got.map((m) => m.dedupeKey)).size).toBe(8);
      expect(new Set(got.map((m) => m.dedupeKey.split('@')[0])).size).toBe(8);
      // The scheduler the flush deleted is back.
      expect(await waitFor('the sweep scheduler', () => host.queues.byName.maintenance.getJobScheduler('sweep'))).toBeTruthy();
      const [counted] = (await db.execute(sql`select count(*)::int as n from reviews where id in ${[...reviewIds]} and reminders_sent = 1`)) as unknown as { n: number }[];
      expect(counted!.n).toBe(8);
    } finally {
      t.runtime.channels.email = email;
    }
  });

  it('a send that fails every attempt lands in failed (BullMQ and GET /deliveries); retrying it sends once', async () => {
    const { db } = t.runtime.database;
    let healthy = false;
    const receiver = await startReceiver(() => (healthy ? {} : { status: 500, body: { error: 'down' } }));
    const approver = demo.people.section_head!;
    await db.update(units).set({ robots: { webhook: { url: `${receiver.url}/hook` } } }).where(eq(units.id, demo.unitId));
    await db.update(people).set({ channels: ['webhook'] }).where(eq(people.id, approver));
    try {
      const draftId = await submitDraft(t, demo, '失败重试测试');
      const outboxId = await outboxIdOf(t, 'review.assigned', draftId);
      const job = await waitFor('the job', async () => host.queues.byName.notifications.getJob(await jobIdOf(t, outboxId)));
      await waitFor('the job to fail for good', async () => (await job.getState()) === 'failed');
      expect(receiver.received).toHaveLength(3); // SEND_ATTEMPTS
      const [failed] = await db.select().from(deliveries).where(and(eq(deliveries.outboxId, outboxId), eq(deliveries.channel, 'webhook')));
      expect(failed).toMatchObject({ status: 'failed', attempts: 3 });
      expect(failed!.lastError).toContain('HTTP 500');

      const listed = await t.request('GET', '/api/v1/deliveries?status=failed', { token: demo.tokens.admin });
      expect(listed.status, listed.text).toBe(200);
      expect(listed.body.items.map((d: { id: string }) => d.id)).toContain(failed!.id);
      expect((await t.request('GET', '/api/v1/deliveries?status=failed', { token: demo.tokens.drafter })).status).toBe(403);
      const bad = await t.request('GET', '/api/v1/deliveries?status=lost', { token: demo.tokens.admin });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body.error.details)).toContain('status');

      // What Bull Board's "retry" does.
      healthy = true;
      await job.retry('failed');
      await waitFor('the retried job', async () => (await job.getState()) === 'completed');
      const [sent] = await db.select().from(deliveries).where(eq(deliveries.id, failed!.id));
      expect(sent!.status).toBe('sent');
      expect(receiver.received).toHaveLength(4);
      await pause(300);
      expect(receiver.received).toHaveLength(4);

      // The API's resend (POST /deliveries/{id}/resend) goes through the queue as a new job.
      healthy = false;
      const second = await outboxIdOf(t, 'review.assigned', await submitDraft(t, demo, '接口重发测试'));
      const firstJob = await waitFor('the second job', async () => host.queues.byName.notifications.getJob(await jobIdOf(t, second, 0)));
      await waitFor('it to fail for good', async () => (await firstJob.getState()) === 'failed');
      const [gaveUp] = await db.select().from(deliveries).where(and(eq(deliveries.outboxId, second), eq(deliveries.channel, 'webhook')));
      healthy = true;
      const resent = await t.request('POST', `/api/v1/deliveries/${gaveUp!.id}/resend`, { token: demo.tokens.admin });
      expect(resent.status, resent.text).toBe(200);
      const again = await waitFor('the resend job', async () => host.queues.byName.notifications.getJob(await jobIdOf(t, second, 1)));
      await waitFor('the resend to complete', async () => (await again.getState()) === 'completed');
      expect((await db.select().from(deliveries).where(eq(deliveries.id, gaveUp!.id)))[0]!.status).toBe('sent');
      expect(receiver.received.filter((r) => r.body?.subject?.includes('接口重发测试'))).toHaveLength(4); // 3 failed attempts + 1
    } finally {
      await db.update(people).set({ channels: [] }).where(eq(people.id, approver));
      await db.update(units).set({ robots: {} }).where(eq(units.id, demo.unitId));
      await receiver.close();
    }
  });

  it('the queue dashboard is for admins only, by bearer token or the sign-in cookie', async () => {
    expect((await t.request('GET', '/admin/queues')).status).toBe(401);
    const browser = await t.request('GET', '/admin/queues', { headers: { accept: 'text/html' } });
    expect(browser.status).toBe(303);
    expect((await t.request('GET', '/admin/queues', { token: demo.tokens.drafter })).status).toBe(403);
    expect((await t.request('GET', '/admin/queues', { token: demo.tokens.publicity })).status).toBe(403);
    const board = await t.request('GET', '/admin/queues', { token: demo.tokens.admin });
    expect(board.status).toBe(200);
    expect(board.text).toContain('<div id="root">');

    const unreadable = await t.runtime.app.request('/admin/login', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=zz' }, body: 'garbage' });
    expect(unreadable.status).toBe(400);
    expect((await unreadable.json()).error.details[0]).toMatchObject({ path: '(body)', in: 'form' });
    const wrong = await t.runtime.app.request('/admin/login', { method: 'POST', body: new URLSearchParams({ token: demo.tokens.drafter! }) });
    expect(wrong.status).toBe(403);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const login = await t.runtime.app.request('/admin/login', { method: 'POST', body: new URLSearchParams({ token: demo.tokens.admin! }) });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/admin/);
    const session = cookie.split(';')[0]!;
    expect(session).not.toContain(demo.tokens.admin!); // a signed session, not the token
    const api = await t.request('GET', '/admin/queues/api/queues', { headers: { cookie: session } });
    expect(api.status).toBe(200);
    expect(api.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(['maintenance', 'notifications']);
    const { db } = t.runtime.database;
    // A tampered session (another token's id under it, or a made-up session) is refused.
    const [name, value] = session.split('=') as [string, string];
    const [sessionToken, tokenId] = decodeURIComponent(value).split('.') as [string, string];
    const drafterTokenId = (await db.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.personId, demo.people.drafter!)))[0]!.id;
    for (const forged of [`${sessionToken}.${drafterTokenId}`, `${sessionToken.slice(0, -4)}AAAA.${tokenId}`, sessionToken, tokenId]) {
      expect((await t.request('GET', '/admin/queues/api/queues', { headers: { cookie: `${name}=${encodeURIComponent(forged)}` } })).status).toBe(401);
    }
    // The role is checked on every request: a demoted admin's session stops working at once.
    await db.update(people).set({ roles: ['staff'] }).where(eq(people.id, demo.people.admin!));
    try {
      expect((await t.request('GET', '/admin/queues/api/queues', { headers: { cookie: session } })).status).toBe(403);
    } finally {
      await db.update(people).set({ roles: ['admin', 'publicity', 'staff'] }).where(eq(people.id, demo.people.admin!));
    }
    // The session stands on the token it was opened with: revoking that token, or deactivating its
    // holder, ends it at once (an 8-hour cookie must not outlive a departure).
    const boardSession = async (token: string) => {
      const res = await t.runtime.app.request('/admin/login', { method: 'POST', body: new URLSearchParams({ token }) });
      expect(res.status).toBe(303);
      return res.headers.get('set-cookie')!.split(';')[0]!;
    };
    const queuesWith = async (cookie: string) => (await t.request('GET', '/admin/queues/api/queues', { headers: { cookie } })).status;
    const spare = await t.tokenFor(demo.people.admin!);
    const onSpare = await boardSession(spare);
    expect(await queuesWith(onSpare)).toBe(200);
    await db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.tokenHash, await hashToken(t.runtime.deps.config.appSecret, spare)));
    expect(await queuesWith(onSpare)).toBe(401);
    expect(await queuesWith(session)).toBe(200); // the session on another token of the same admin stands
    // Signing out ends the session where it is kept: the same cookie, sent again, opens nothing.
    const onceMore = await boardSession(demo.tokens.admin!);
    expect(await queuesWith(onceMore)).toBe(200);
    const out = await t.runtime.app.request('/admin/logout', { method: 'POST', headers: { cookie: onceMore } });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/imp_admin=;/);
    expect(await queuesWith(onceMore)).toBe(401);
    expect(await queuesWith(session)).toBe(200); // another browser's session of the same admin stands
    // The board's session counts on the board alone: as a page session's cookie it opens nothing.
    const boardToken = decodeURIComponent(session.split('=')[1]!).split('.')[0]!;
    expect((await t.request('GET', '/api/v1/me', { headers: { cookie: `imp_session=${boardToken}` } })).status).toBe(401);
    // A cookie not of the board's shape signs out all the same.
    const odd = await t.runtime.app.request('/admin/logout', { method: 'POST', headers: { cookie: 'imp_admin=ims_x.not-a-uuid' } });
    expect(odd.status).toBe(303);
    // An admin signed in to the pages needs no second sign-in; anyone else signed in is refused.
    const emailOf = async (token: string) => (await t.request('GET', '/api/v1/me', { token })).body.email as string;
    const adminPages = await t.signIn(await emailOf(demo.tokens.admin!));
    expect(await queuesWith(adminPages.cookie)).toBe(200);
    const drafterPages = await t.signIn(await emailOf(demo.tokens.drafter!));
    expect(await queuesWith(drafterPages.cookie)).toBe(403);
    // In a browser: a 403 page, not JSON; and the board's sign-in form sends a signed-in admin straight on.
    const refusedPage = await t.request('GET', '/admin/queues', { cookie: drafterPages.cookie, headers: { accept: 'text/html' } });
    expect(refusedPage.status).toBe(403);
    expect(refusedPage.headers.get('content-type')).toContain('text/html');
    expect(refusedPage.text).toContain('无权访问');
    const signInForm = await t.request('GET', '/admin/login', { cookie: adminPages.cookie, headers: { accept: 'text/html' } });
    expect(signInForm.status).toBe(303);
    expect(signInForm.headers.get('location')).toBe('/admin/queues');
    const made = await t.request('POST', '/api/v1/people', { token: demo.tokens.admin, body: { name: '临时管理员', email: `leaving.admin.${Date.now()}@example.edu.cn`, roles: ['admin'] } });
    expect(made.status, made.text).toBe(201);
    const leaving = await boardSession(await t.tokenFor(made.body.id));
    expect(await queuesWith(leaving)).toBe(200);
    expect((await t.request('POST', `/api/v1/people/${made.body.id}/deactivate`, { token: demo.tokens.admin })).status).toBe(200);
    expect(await queuesWith(leaving)).toBe(401);
  });

  it('Redis down: the API keeps serving, links still go out, and the queue takes over again when Redis returns', async () => {
    // A link already handed to the queue, its job not yet run when Redis goes: the fallback sends it too.
    await host.queues.byName.notifications.pause();
    const queuedId = await submitDraft(t, demo, 'Redis 宕机前已入队');
    const queuedRow = await outboxIdOf(t, 'review.assigned', queuedId);
    await waitFor('the row relayed to the paused queue', async () => (await t.runtime.database.db.select().from(outbox).where(eq(outbox.id, queuedRow)))[0]!.relayedAt);
    await redis.stop();
    try {
      await waitFor('the producer to notice', () => host.queues.connection.status !== 'ready');
      const started = Date.now();
      const draftId = await submitDraft(t, demo, 'Redis 宕机测试');
      expect(Date.now() - started).toBeLessThan(5000); // the request never waited on Redis
      const ready = await t.request('GET', '/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.queue.ok).toBe(false);
      // The dashboard's API says Redis is out of reach (503), not a 500.
      const board = await t.request('GET', '/admin/queues/api/queues', { token: demo.tokens.admin });
      expect(board.status).toBe(503);
      expect(board.body.error.code).toBe('unavailable');
      expect(ready.body.outbox.unprocessed).toBeGreaterThanOrEqual(1);
      // After REDIS_FALLBACK_SECONDS the process sends the outbox itself.
      await waitFor('the link, sent without Redis', () => sentTo(demo.people.section_head!, 'review_assigned').some((m) => m.subject.includes('Redis 宕机测试')));
      await waitFor('the link whose job was stranded in Redis', () => sentTo(demo.people.section_head!, 'review_assigned').some((m) => m.subject.includes('Redis 宕机前已入队')));
      const outboxId = await outboxIdOf(t, 'review.assigned', draftId);
      // The row is marked processed just after its sends.
      await waitFor('the row processed', async () => (await t.runtime.database.db.select().from(outbox).where(eq(outbox.id, outboxId)))[0]!.processedAt);
    } finally {
      await redis.start();
    }
    await waitFor('Redis to be back', async () => (await t.request('GET', '/readyz')).body.queue.ok === true, 20_000);
    expect(sentTo(demo.people.section_head!, 'review_assigned').filter((m) => m.subject.includes('Redis 宕机前已入队'))).toHaveLength(1);
    // The queue takes over: a link goes through it again. (A direct drain begun while Redis was away
    // may still send the first row itself on a busy machine: up to a few are tried.)
    let viaQueue = false;
    for (let i = 1; i <= 5 && !viaQueue; i++) {
      const draftId = await submitDraft(t, demo, `Redis 恢复测试 ${i}`);
      await waitFor('the link sent', () => sentTo(demo.people.section_head!, 'review_assigned').some((m) => m.subject.includes(`Redis 恢复测试 ${i}`)));
      const outboxId = await outboxIdOf(t, 'review.assigned', draftId);
      viaQueue = Boolean(await host.queues.byName.notifications.getJob(await jobIdOf(t, outboxId)));
    }
    expect(viaQueue).toBe(true);
    const ready = await t.request('GET', '/readyz');
    expect(ready.body).toMatchObject({ ok: true, database: { ok: true }, queue: { ok: true, redis: 'ready' } });
    expect(ready.body.queue.counts.notifications).toHaveProperty('failed');
    expect(ready.body.outbox).toHaveProperty('oldestPendingSeconds');
  });
  it('Redis not answering (stopped, its sockets open): /readyz still answers, links go out without it, the queue takes over when it answers again', async () => {
    redis.freeze();
    try {
      const draftId = await submitDraft(t, demo, 'Redis 无响应测试');
      const ready = await Promise.race([t.request('GET', '/readyz'), new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000))]);
      expect(ready).not.toBe('hung');
      expect((ready as { body: { queue: { ok: boolean } } }).body.queue.ok).toBe(false);
      // The relay times out: the process takes Redis for stalled and sends the outbox itself.
      await waitFor('the link, sent while Redis answered nothing', () => sentTo(demo.people.section_head!, 'review_assigned').some((m) => m.subject.includes('Redis 无响应测试')), 60_000);
      const outboxId = await outboxIdOf(t, 'review.assigned', draftId);
      await waitFor('the row processed', async () => (await t.runtime.database.db.select().from(outbox).where(eq(outbox.id, outboxId)))[0]!.processedAt);
    } finally {
      redis.thaw();
    }
    await waitFor('Redis answering again', async () => (await t.request('GET', '/readyz')).body.queue.ok === true, 20_000);
    const draftId = await submitDraft(t, demo, 'Redis 恢复响应测试');
    await waitFor('the link, through the queue again', () => sentTo(demo.people.section_head!, 'review_assigned').some((m) => m.subject.includes('Redis 恢复响应测试')), 30_000);
    expect(await host.queues.byName.notifications.getJob(await jobIdOf(t, await outboxIdOf(t, 'review.assigned', draftId)))).toBeTruthy();
    expect(sentTo(demo.people.section_head!, 'review_assigned').filter((m) => m.subject.includes('Redis 无响应测试'))).toHaveLength(1);
  }, 120_000);

  it('warns when Redis may evict jobs (maxmemory-policy other than noeviction)', async () => {
    const warnings: unknown[] = [];
    const log = { ...silentLog, warn: (...args: unknown[]) => void warnings.push(args) } as typeof silentLog;
    expect(await warnUnlessNoEviction(host.queues.connection, log)).toBe('noeviction');
    expect(warnings).toEqual([]);
    await host.queues.connection.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      expect(await warnUnlessNoEviction(host.queues.connection, log)).toBe('allkeys-lru');
      expect(JSON.stringify(warnings)).toContain('noeviction');
    } finally {
      await host.queues.connection.config('SET', 'maxmemory-policy', 'noeviction');
    }
  });
});

describe('two outbox relays racing', () => {
  let t: TestEnv;
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
    t = await createTestEnv('postgres', { REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('move each committed row into BullMQ exactly once', async () => {
    const { db } = t.runtime.database;
    const rows = await db.insert(outbox).values(Array.from({ length: 300 }, (_, i) => ({ topic: 'review.urged', payload: { reviewId: crypto.randomUUID(), byId: crypto.randomUUID(), comment: `#${i}` } }))).returning({ id: outbox.id, jobKey: outbox.jobKey, resends: outbox.resends });
    // Two "processes": separate database pools and separate Redis connections.
    const other = await openDatabase({ url: t.runtime.config.databaseUrl, max: 4 });
    const settings = { redisUrl: redis.url, prefix: 'race', installationId: t.runtime.installationId };
    const q1 = createQueues(settings, silentLog);
    const q2 = createQueues(settings, silentLog);
    try {
      const drain = async (relay: () => Promise<number>) => {
        let n = 0;
        for (let got = -1; got !== 0; ) n += got = await relay();
        return n;
      };
      const [a, b] = await Promise.all([drain(() => relayOutbox(db, q1, 50)), drain(() => relayOutbox(other.db, q2, 50))]);
      expect(a + b).toBe(300);
      const queue = q1.byName.notifications;
      expect(await queue.getWaitingCount()).toBe(300);
      const ids = new Set((await queue.getWaiting(0, 400)).map((j) => j.id));
      expect(ids).toEqual(new Set(rows.map(outboxJobId)));
      expect(await db.select({ id: outbox.id }).from(outbox).where(isNull(outbox.relayedAt))).toHaveLength(0);
      // The sweep's re-relay of the same rows adds nothing: their jobs are waiting.
      expect(await rerelayUnprocessed(db, q2, 0)).toBe(0);
      expect(await queue.getWaitingCount()).toBe(300);
    } finally {
      await q1.close();
      await q2.close();
      await other.close();
    }
  });
});

describe('a worker process killed mid-send', () => {
  let t: TestEnv;
  let redis: TestRedis;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    redis = await startTestRedis();
    sink = await startSmtpSink();
    t = await createTestEnv('postgres', { REDIS_URL: redis.url });
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await t?.close();
    await sink?.close();
    await redis?.stop();
  });

  /** `npm run worker` as a real child process (its bundle run by node: one process, so SIGKILL kills it). */
  function startWorker(env: Record<string, string> = {}): ChildProcess {
    const { config } = t.runtime;
    const child = spawn(process.execPath, entryArgs('worker'), {
      env: {
        ...process.env, NODE_ENV: 'test', DATABASE_URL: config.databaseUrl, REDIS_URL: redis.url, SMTP_URL: sink.url, PUBLIC_URL: config.publicUrl,
        APP_SECRET: config.appSecret, QUEUE_PREFIX: 'kill', JOB_LOCK_SECONDS: '1', SEND_LEASE_SECONDS: '1', SEND_BACKOFF_SECONDS: '0.2', LOG_LEVEL: 'warn', ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.resume(); // read, so a full pipe never blocks the worker's log
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code, signal) => {
      if (code && code !== 0) console.error(`worker exited ${code} ${signal ?? ''}\n${stderr}`);
    });
    children.push(child);
    return child;
  }
  const exited = (c: ChildProcess) => new Promise<number | null>((resolve) => (c.exitCode !== null ? resolve(c.exitCode) : c.once('exit', (code) => resolve(code))));

  it('the job is taken up again after the lock expires and the mail is delivered once', async () => {
    const demo = await t.seed();
    // Only this test's draft should reach the sink: the seed's own messages are not its subject, nor
    // the obligations the worker's sweep would create for the duties in force on today's date, nor
    // the notices of those made in quiet hours, held for the morning.
    await t.runtime.database.db.update(outbox).set({ processedAt: new Date() });
    await t.runtime.database.db.update(dutyTemplates).set({ active: false });
    await t.runtime.database.db.update(dutyObligations).set({ noticeAt: null });
    const hold = sink.holdNext();
    const first = startWorker();
    const draftId = await submitDraft(t, demo, '进程被杀测试');
    await hold.held; // the worker is inside the SMTP send
    first.kill('SIGKILL');
    await exited(first);
    await pause(200); // let the sink see the connection drop
    hold.release();
    const { db } = t.runtime.database;
    const outboxId = await outboxIdOf(t, 'review.assigned', draftId);
    const [claimed] = await db.select().from(deliveries).where(eq(deliveries.outboxId, outboxId));
    expect(claimed!.status).toBe('sending'); // claimed by the dead worker, never confirmed
    expect(sink.messages).toHaveLength(0);

    const second = startWorker();
    const mails = await sink.waitFor(1, 30_000);
    expect(mails[0]!.subject).toContain('进程被杀测试');
    await waitFor('the delivery to be recorded', async () => (await db.select().from(deliveries).where(eq(deliveries.id, claimed!.id)))[0]!.status === 'sent');
    await pause(1500);
    expect(sink.messages).toHaveLength(1);
    const [row] = await db.select().from(outbox).where(eq(outbox.id, outboxId));
    expect(row!.processedAt).not.toBeNull();

    // SIGTERM is a graceful stop.
    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);
  }, 60_000);

  it('a stop that cannot finish (Redis unreachable) ends at a second signal, not never', async () => {
    const stuck = startWorker({ REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'info' });
    let out = '';
    stuck.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor('the worker to start', () => out.includes('workers started'), 60_000);
    stuck.kill('SIGTERM');
    await pause(1000);
    stuck.kill('SIGINT');
    const code = await Promise.race([exited(stuck), pause(15_000).then(() => 'still running')]);
    if (code === 'still running') stuck.kill('SIGKILL');
    expect(code).not.toBe('still running');
  }, 100_000);
});
