import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, outbox, reviews } from '../db/schema';
import { pruneOutbox } from '../src/services/outbox';
import { runDigest, runReminders } from '../src/services/reminders';
import { createTestEnv, LOOPBACK_RECEIVERS, type TestEnv } from './harness';
import { startReceiver } from './support/receiver';

/**
 * Chasing late approvers from Postgres with a fake clock: reminder times on the working-day
 * calendar (a statutory holiday and a make-up workday), the escalation order, the urge limit and
 * the morning digest. The queue only carries what these sweeps write (see workers.test.ts).
 */
describe('reminders, escalation, urge and digest', () => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  beforeAll(async () => {
    t = await createTestEnv('postgres', { ...LOOPBACK_RECEIVERS });
    demo = await t.seed();
    await t.deliver();
  });
  afterAll(() => t?.close());

  const cst = (local: string) => new Date(`${local}+08:00`);
  async function submitted(title: string, urgency: 'normal' | 'urgent' = 'normal') {
    const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title, body: '正文。', unitId: demo.unitId, accountIds: [demo.accountId], urgency } });
    expect(created.status, created.text).toBe(201);
    const res = await t.request('POST', `/api/v1/drafts/${created.body.id}/submit`, { token: demo.tokens.drafter });
    expect(res.status, res.text).toBe(200);
    await t.deliver();
    const [review] = await t.runtime.database.db.select().from(reviews).where(and(eq(reviews.draftId, created.body.id), eq(reviews.status, 'pending')));
    return { draftId: created.body.id as string, review: review! };
  }
  const withdraw = (draftId: string) => t.request('POST', `/api/v1/drafts/${draftId}/withdraw`, { token: demo.tokens.drafter });
  /** Runs the reminder sweep at `at` and returns what it sent. */
  async function sweepAt(at: Date) {
    t.clock.now = at;
    await runReminders(t.runtime.database.db, t.runtime.deps, at);
    return t.deliver();
  }

  it('counts working hours across the National Day holiday and reminds on the make-up Saturday; then escalates in order, never deciding', async () => {
    // Wednesday 30 Sep 2026, 16:30 CST; 1–7 Oct is the holiday, Sat 10 Oct a make-up workday.
    t.clock.now = cst('2026-09-30T16:30:00');
    const { draftId, review } = await submitted('国庆前提交的稿件');
    // SLA 8 working hours (08:30–17:30): 1 h on 30 Sep, 7 h on Thu 8 Oct.
    expect(review.dueAt).toEqual(cst('2026-10-08T15:30:00'));
    const steps: [string, Date, (sent: Awaited<ReturnType<typeof sweepAt>>) => void][] = [
      ['reminder 1 (4 working hours)', cst('2026-10-08T11:30:00'), (sent) => {
        expect(sent.map((m) => [m.kind, m.to.personId])).toEqual([['review_reminder', demo.people.section_head]]);
        expect(sent[0]!.link).toMatch(/\/s\/[\w-]+$/);
        expect(sent[0]!.subject).toContain('国庆前提交的稿件');
      }],
      ['reminder 2', cst('2026-10-08T15:30:00'), (sent) => expect(sent.map((m) => m.kind)).toEqual(['review_reminder'])],
      ['reminder 3 (the next morning)', cst('2026-10-09T10:30:00'), (sent) => expect(sent.map((m) => m.kind)).toEqual(['review_reminder'])],
      ['escalation 1: the level above and the unit’s publicity officer', cst('2026-10-09T14:30:00'), (sent) => {
        const to = new Map(sent.map((m) => [m.to.personId, m]));
        expect([...to.keys()].sort()).toEqual([demo.people.section_head, demo.people.deputy_leader, demo.people.publicity_officer].sort());
        expect(to.get(demo.people.section_head!)!.link).toBeTruthy(); // the assignee is told, with a link
        expect(to.get(demo.people.deputy_leader!)!.link).toBeUndefined(); // others may not decide for them
        expect(to.get(demo.people.deputy_leader!)!.text).toContain('不会代为审批');
      }],
      ['escalation 2: the publicity department, on the make-up Saturday', cst('2026-10-10T09:30:00'), (sent) => {
        const to = sent.map((m) => m.to.personId);
        expect(to).toEqual(expect.arrayContaining([demo.people.section_head, demo.people.publicity, demo.people.admin]));
        expect(to).not.toContain(demo.people.deputy_leader);
      }],
    ];
    for (const [what, at, check] of steps) {
      expect(await sweepAt(new Date(at.getTime() - 60_000)), `nothing a minute before ${what}`).toEqual([]);
      check(await sweepAt(at));
      expect(await sweepAt(at), `${what} is sent once`).toEqual([]);
    }
    // Nothing after the last step, and the draft still waits for its approver.
    expect(await sweepAt(cst('2026-10-20T10:00:00'))).toEqual([]);
    const view = await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter });
    expect(view.body).toMatchObject({ status: 'in_review', currentLevel: 'section_head' });
    const trail = await t.runtime.database.db.select({ action: auditEvents.action, data: auditEvents.data }).from(auditEvents).where(eq(auditEvents.subjectId, review.id)).orderBy(asc(auditEvents.seq));
    expect(trail.map((e) => e.action)).toEqual(['review.reminded', 'review.reminded', 'review.reminded', 'review.escalated', 'review.escalated']);
    expect(trail.slice(3).map((e) => (e.data as { to: string }).to)).toEqual(['level_above_and_publicity_officer', 'publicity_department']);
    await withdraw(draftId);
  });

  it('reminds an urgent (当日回复) draft hourly through the evening, then waits out the night', async () => {
    // Tuesday 24 Nov 2026, 20:00 CST; urgent SLA 2 h, first reminder at half of it, then hourly.
    t.clock.now = cst('2026-11-24T20:00:00');
    const { draftId, review } = await submitted('当日回复的紧急稿件', 'urgent');
    expect(review.dueAt).toEqual(cst('2026-11-24T22:00:00'));
    for (const at of ['2026-11-24T21:00:00', '2026-11-24T22:00:00', '2026-11-24T23:00:00']) {
      expect((await sweepAt(cst(at))).map((m) => m.kind), at).toEqual(['review_reminder']);
    }
    // Past midnight the day is over: the escalation waits for the end of quiet hours.
    expect(await sweepAt(cst('2026-11-25T00:30:00'))).toEqual([]);
    expect(await sweepAt(cst('2026-11-25T07:29:00'))).toEqual([]);
    expect((await sweepAt(cst('2026-11-25T07:30:00'))).some((m) => m.kind === 'review_escalated')).toBe(true);
    await withdraw(draftId);
  });

  it('a reminder of an earlier assignment is void once the review is handed on; the successor gets a fresh schedule', async () => {
    t.clock.now = cst('2026-11-24T09:00:00');
    const { draftId, review } = await submitted('交接中的稿件');
    expect((await sweepAt(review.nextReminderAt!)).map((m) => [m.kind, m.to.personId])).toEqual([['review_reminder', demo.people.section_head]]);
    t.clock.now = cst('2026-11-24T14:00:00');
    // To the publicity officer (the section head may take his level later); not to the leader in charge,
    // whose own level would then leave the demo unit (no dean) with nobody for the secretary's.
    const transfer = await t.request('POST', `/api/v1/reviews/${review.id}/transfer`, { token: demo.tokens.section_head, body: { toPersonId: demo.people.publicity_officer, reason: '出差，请代审' } });
    expect(transfer.status, transfer.text).toBe(200);
    const [moved] = await t.runtime.database.db.select().from(reviews).where(eq(reviews.id, review.id));
    expect(moved).toMatchObject({ assigneeId: demo.people.publicity_officer, remindersSent: 0, escalationsSent: 0 });
    // Four working hours from 14:00: 3.5 h until 17:30, the rest the next morning from 08:30.
    expect(moved!.nextReminderAt).toEqual(cst('2026-11-25T09:00:00'));
    expect((await t.deliver()).map((m) => [m.kind, m.to.personId])).toEqual([['review_assigned', demo.people.publicity_officer]]);
    // A reminder row written for the first assignment (say, by a sweep racing the transfer) sends nothing.
    await t.runtime.database.db.insert(outbox).values({ topic: 'review.reminder', payload: { reviewId: review.id, assignedAt: review.assignedAt.getTime(), n: 2 } });
    expect(await t.deliver()).toEqual([]);
    expect((await sweepAt(moved!.nextReminderAt!)).map((m) => [m.kind, m.to.personId])).toEqual([['review_reminder', demo.people.publicity_officer]]);
    await withdraw(draftId);
  });

  it('a leaver\'s transferred review goes back to the holder of its level; a deactivated person cannot be handed one', async () => {
    t.clock.now = cst('2026-11-24T09:00:00');
    const { draftId, review } = await submitted('转交后离职');
    const leaver = await t.request('POST', '/api/v1/people', { token: demo.tokens.admin, body: { name: '代审离职者', email: `proxy${Date.now()}@test.imprimatur.local`, roles: ['staff'], unitId: demo.unitId } });
    const transfer = await t.request('POST', `/api/v1/reviews/${review.id}/transfer`, { token: demo.tokens.section_head, body: { toPersonId: leaver.body.id, reason: '出差，请代审' } });
    expect(transfer.status, transfer.text).toBe(200);
    expect((await t.deliver()).map((m) => [m.kind, m.to.personId])).toEqual([['welcome', leaver.body.id], ['review_assigned', leaver.body.id]]);
    const done = await t.request('POST', `/api/v1/people/${leaver.body.id}/deactivate`, { token: demo.tokens.admin });
    expect(done.status, done.text).toBe(200);
    expect(done.body.reviewsReturned).toBe(1);
    const [back] = await t.runtime.database.db.select().from(reviews).where(eq(reviews.id, review.id));
    expect(back).toMatchObject({ assigneeId: demo.people.section_head, status: 'pending' });
    // The holder receives a fresh link; the leaver's link is dead.
    expect((await t.deliver()).map((m) => [m.kind, m.to.personId])).toEqual([['review_assigned', demo.people.section_head]]);
    const trail = await t.runtime.database.db.select({ action: auditEvents.action, data: auditEvents.data }).from(auditEvents).where(eq(auditEvents.subjectId, review.id)).orderBy(asc(auditEvents.seq));
    expect(trail.at(-1)).toMatchObject({ action: 'review.returned_to_position', data: { from: leaver.body.id, to: demo.people.section_head, reason: 'assignee_deactivated' } });
    const again = await t.request('POST', `/api/v1/reviews/${review.id}/transfer`, { token: demo.tokens.section_head, body: { toPersonId: leaver.body.id, reason: '再转' } });
    expect(again.status).toBe(409);
    expect(again.body.error.details.field).toBe('toPersonId');
    await withdraw(draftId);
  });

  it('催办: the drafter urges with a comment, once an hour per review; others may not', async () => {
    t.clock.now = cst('2026-11-24T10:00:00');
    const { draftId } = await submitted('需要催办的稿件');
    const urge = (token: string | undefined, comment = '请尽快审核，明早发布') => t.request('POST', `/api/v1/drafts/${draftId}/urge`, { token, body: { comment } });
    expect((await urge(demo.tokens.drafter)).status).toBe(200);
    const [message] = await t.deliver();
    expect(message).toMatchObject({ kind: 'review_urged', to: { personId: demo.people.section_head } });
    expect(message!.text).toContain('请尽快审核，明早发布');
    expect(message!.link).toBeTruthy();

    t.clock.advance(0.5);
    const limited = await urge(demo.tokens.drafter);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(limited.body.error.details.retryAfter).toBe(cst('2026-11-24T11:00:00').toISOString());
    expect(limited.headers.get('retry-after')).toBe('1800');
    expect((await urge(demo.tokens.publicity)).status).toBe(429); // the limit is per review, whoever urges
    expect((await urge(demo.tokens.deputy_leader)).status).toBe(403); // not the drafter, not publicity
    expect(await t.deliver()).toEqual([]);

    t.clock.advance(0.5);
    expect((await urge(demo.tokens.publicity, '宣传部催办')).status).toBe(200);
    expect((await t.deliver()).map((m) => m.kind)).toEqual(['review_urged']);
    await withdraw(draftId);
  });

  it('sends one morning digest on working days to an approver with several pending drafts, each with its own link', async () => {
    t.clock.now = cst('2026-11-24T07:00:00');
    const a = await submitted('汇总稿件甲');
    const b = await submitted('汇总稿件乙');
    const digest = async (at: string) => {
      t.clock.now = cst(at);
      await runDigest(t.runtime.database.db, t.runtime.deps, t.clock.now);
      return (await t.deliver()).filter((m) => m.kind === 'digest');
    };
    expect(await digest('2026-11-24T07:59:00')).toEqual([]); // before 08:00
    const [morning, ...more] = await digest('2026-11-24T08:05:00');
    expect(more).toEqual([]);
    expect(morning!.to.personId).toBe(demo.people.section_head);
    expect(morning!.text).toContain('汇总稿件甲');
    expect(morning!.text).toContain('汇总稿件乙');
    const links = [...morning!.text.matchAll(/\/s\/([\w-]+)/g)].map((m) => m[1]!);
    expect(new Set(links).size).toBe(2);
    for (const token of links) expect((await t.request('GET', `/s/${token}`)).status).toBe(200);
    expect(await digest('2026-11-24T09:00:00')).toEqual([]); // once a morning
    expect(await digest('2026-11-28T09:00:00')).toEqual([]); // Saturday, not a make-up day
    expect((await digest('2026-11-30T08:30:00')).length).toBe(1); // Monday
    await withdraw(a.draftId);
    await withdraw(b.draftId);
  });

  it('people choose their channels and units set their robots through the API; keys never come back', async () => {
    const receiver = await startReceiver();
    try {
      const robotsPath = `/api/v1/units/${demo.unitId}/robots`;
      const robots = { wecom: { url: `${receiver.url}/cgi-bin/webhook/send?key=SECRET-KEY` } };
      expect((await t.request('PUT', robotsPath, { token: demo.tokens.drafter, body: robots })).status).toBe(403);
      // Organisation settings are the admins'; the publicity department reads them.
      expect((await t.request('PUT', robotsPath, { token: demo.tokens.publicity, body: robots })).status).toBe(403);
      const bad = await t.request('PUT', robotsPath, { token: demo.tokens.admin, body: { wecom: { url: 'not a url' } } });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body.error.details)).toContain('wecom.url');
      const set = await t.request('PUT', robotsPath, { token: demo.tokens.admin, body: robots });
      expect(set.status, set.text).toBe(200);
      expect(set.body.robots.wecom).toEqual({ configured: true, signed: false });
      expect(set.text).not.toContain('SECRET-KEY');
      const unit = await t.request('GET', `/api/v1/units/${demo.unitId}`, { token: demo.tokens.admin });
      expect(unit.body.robots.wecom.configured).toBe(true);
      expect(unit.text).not.toContain('SECRET-KEY');

      const prefsPath = `/api/v1/people/${demo.people.section_head}/notifications`;
      expect((await t.request('PUT', prefsPath, { token: demo.tokens.drafter, body: { channels: ['wecom'] } })).status).toBe(403);
      const sms = await t.request('PUT', prefsPath, { token: demo.tokens.section_head, body: { channels: ['sms'] } });
      expect(sms.status).toBe(400);
      expect(JSON.stringify(sms.body.error.details)).toContain('channels');
      const mine = await t.request('PUT', prefsPath, { token: demo.tokens.section_head, body: { channels: ['wecom'], wecomUserId: 'wangzr' } });
      expect(mine.status, mine.text).toBe(200);
      expect(mine.body).toMatchObject({ channels: ['wecom'], wecomUserId: 'wangzr' });

      t.clock.now = cst('2026-11-24T10:00:00');
      const { draftId } = await submitted('机器人通知测试');
      // The group robot names the approver without the link; the link goes privately by email.
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]!.body.text.mentioned_list).toEqual(['wangzr']);
      expect(receiver.received[0]!.raw).not.toMatch(/\/s\//);
      expect(t.sent.filter((m) => m.subject.includes('机器人通知测试')).map((m) => m.to.personId)).toEqual([demo.people.section_head]);
      await withdraw(draftId);
    } finally {
      await t.request('PUT', `/api/v1/people/${demo.people.section_head}/notifications`, { token: demo.tokens.admin, body: { channels: [] } });
      await t.request('PUT', `/api/v1/units/${demo.unitId}/robots`, { token: demo.tokens.admin, body: {} });
      await receiver.close();
    }
  });

  it('an admin loads a year from the State Council notice; reminders count on it at once', async () => {
    const shipped = await t.request('GET', '/api/v1/calendar/2027', { token: demo.tokens.drafter });
    expect(shipped.status).toBe(200);
    expect(shipped.body).toMatchObject({ year: 2027, source: 'shipped', provisional: true });
    expect(shipped.body.workdays).toContainEqual({ date: '2027-02-20', name: '春节调休' });

    // Before: Friday 26 Feb 2027 16:30 → the first reminder (4 working hours) on Monday 1 Mar.
    t.clock.now = cst('2027-02-26T16:30:00');
    const before = await submitted('日历更新前');
    expect(before.review.nextReminderAt).toEqual(cst('2027-03-01T11:30:00'));

    const festivals = [
      { name: '元旦', first: '2027-01-01' },
      { name: '春节', first: '2027-02-05', last: '2027-02-12', makeUpDays: ['2027-01-31', '2027-02-20'] },
      { name: '校庆', first: '2027-03-01' },
    ];
    const path = '/api/v1/calendar/2027';
    expect((await t.request('PUT', path, { token: demo.tokens.publicity, body: { festivals } })).status).toBe(403);
    const wednesday = await t.request('PUT', path, { token: demo.tokens.admin, body: { festivals: [{ name: '春节', first: '2027-02-05', makeUpDays: ['2027-02-24'] }] } });
    expect(wednesday.status).toBe(400);
    expect(wednesday.body.error.details.map((d: { path: string }) => d.path)).toEqual(['festivals.0.makeUpDays.0']);
    const otherYear = await t.request('PUT', path, { token: demo.tokens.admin, body: { festivals: [{ name: '元旦', first: '2028-01-01' }] } });
    expect(otherYear.status).toBe(400);
    expect(otherYear.body.error.details[0].path).toBe('festivals.0.first');
    expect((await t.request('GET', path, { token: demo.tokens.admin })).body.source).toBe('shipped'); // refused loads changed nothing

    const loaded = await t.request('PUT', path, { token: demo.tokens.admin, body: { notice: '国办发明电〔2026〕示例', festivals } });
    expect(loaded.status, loaded.text).toBe(200);
    expect(loaded.body).toMatchObject({ source: 'loaded', provisional: false, loadedBy: demo.people.admin });
    expect(loaded.body.holidays).toContainEqual({ date: '2027-03-01', name: '校庆' });

    const after = await submitted('日历更新后');
    expect(after.review.nextReminderAt).toEqual(cst('2027-03-02T11:30:00'));
    await withdraw(before.draftId);
    await withdraw(after.draftId);
  });

  it('prunes processed outbox rows after thirty days and never an unsent one', async () => {
    const { db } = t.runtime.database;
    const now = cst('2027-06-01T10:00:00');
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
    const rows = await db.insert(outbox).values([
      { topic: 'prune.test', payload: { n: 1 }, createdAt: daysAgo(41), processedAt: daysAgo(40) },
      { topic: 'prune.test', payload: { n: 2 }, createdAt: daysAgo(11), processedAt: daysAgo(10) },
      { topic: 'prune.test', payload: { n: 3 }, createdAt: daysAgo(41), processedAt: null },
    ]).returning({ id: outbox.id });
    expect(await pruneOutbox(db, now)).toBeGreaterThanOrEqual(1);
    const left = await db.select({ payload: outbox.payload }).from(outbox).where(eq(outbox.topic, 'prune.test'));
    expect(left.map((r) => r.payload.n).sort()).toEqual([2, 3]);
    expect(rows).toHaveLength(3);
    await db.update(outbox).set({ processedAt: now }).where(eq(outbox.topic, 'prune.test'));
  });

  it('an operator resends a failed notification once its cause is fixed; only failed sends can be resent', async () => {
    let accept = false;
    const receiver = await startReceiver(() => (accept ? {} : { status: 400, body: { error: 'unknown hook' } }));
    try {
      await t.request('PUT', `/api/v1/units/${demo.unitId}/robots`, { token: demo.tokens.admin, body: { webhook: { url: `${receiver.url}/oa` } } });
      await t.request('PUT', `/api/v1/people/${demo.people.section_head}/notifications`, { token: demo.tokens.admin, body: { channels: ['webhook'] } });
      t.clock.now = cst('2026-11-25T10:00:00');
      const { draftId } = await submitted('重发测试');
      expect(receiver.received).toHaveLength(1);
      const failed = await t.request('GET', '/api/v1/deliveries?status=failed', { token: demo.tokens.publicity });
      const delivery = failed.body.items.find((d: { channel: string; personId: string }) => d.channel === 'webhook' && d.personId === demo.people.section_head);
      expect(delivery).toMatchObject({ status: 'failed', lastError: expect.stringContaining('HTTP 400') });

      const path = `/api/v1/deliveries/${delivery.id}/resend`;
      expect((await t.request('POST', path, { token: demo.tokens.drafter })).status).toBe(403);
      expect((await t.request('POST', path, { token: demo.tokens.publicity })).status).toBe(403); // publicity reads the list, admins resend
      expect((await t.request('POST', '/api/v1/deliveries/00000000-0000-4000-8000-000000000000/resend', { token: demo.tokens.admin })).status).toBe(404);
      expect((await t.request('POST', '/api/v1/deliveries/nope/resend', { token: demo.tokens.admin })).status).toBe(400);

      accept = true; // the unit fixed its endpoint
      const resent = await t.request('POST', path, { token: demo.tokens.admin });
      expect(resent.status, resent.text).toBe(200);
      expect(resent.body.status).toBe('retrying');
      await t.deliver();
      expect(receiver.received).toHaveLength(2);
      expect(receiver.received[1]!.body).toMatchObject({ subject: expect.stringContaining('重发测试'), link: null });
      expect(receiver.received[1]!.raw).not.toMatch(/\/s\//);
      const after = await t.request('GET', `/api/v1/deliveries?reviewId=${delivery.reviewId}`, { token: demo.tokens.publicity });
      expect(after.body.items.find((d: { id: string }) => d.id === delivery.id)).toMatchObject({ status: 'sent', attempts: 2 });
      const again = await t.request('POST', path, { token: demo.tokens.admin });
      expect(again.status).toBe(409);
      expect(again.body.error.message).toContain('只能重发失败的通知');
      await t.deliver();
      expect(receiver.received).toHaveLength(2);
      await withdraw(draftId);
    } finally {
      await t.request('PUT', `/api/v1/people/${demo.people.section_head}/notifications`, { token: demo.tokens.admin, body: { channels: [] } });
      await t.request('PUT', `/api/v1/units/${demo.unitId}/robots`, { token: demo.tokens.admin, body: {} });
      await receiver.close();
    }
  });
});
