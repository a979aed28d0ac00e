import { createHmac } from 'node:crypto';
import { and, desc, eq, isNull, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveries, linkTokens, outbox, people, reviews, units } from '../db/schema';
import type { UnitRobots } from '../src/notify/robots';
import { dispatchOutboxRow, plansFor } from '../src/services/notifications';
import { runDigest } from '../src/services/reminders';
import { ALL_TICKED, createTestEnv, LOOPBACK_RECEIVERS, type TestEnv } from './harness';
import { startReceiver, type Received } from './support/receiver';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';

/**
 * The notification channels against real receivers: mail through a real SMTP server, robot and
 * webhook payloads through real HTTP servers, checked against each platform's documented format
 * with signatures recomputed here from the documentation (node:crypto), not by the code under test.
 */

type Reply = { status?: number; body?: unknown };
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

const PUBLIC_URL = 'http://imprimatur.test';
const SIGNOFF_LINK = /http:\/\/imprimatur\.test\/s\/([A-Za-z0-9_-]{43})/g;
const DINGTALK_SECRET = 'SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd';
const FEISHU_SECRET = 'feishu-secret-8f1c2d';
const WEBHOOK_SECRET = 'webhook-secret-42';
const PHONE = '13800001111';
const WECOM_ID = 'WangXiZhuRen';
const DINGTALK_ID = 'ding_manager_007';

const hmacBase64 = (key: string, message: string) => createHmac('sha256', key).update(message, 'utf8').digest('base64');
const linksIn = (text: string) => [...text.matchAll(SIGNOFF_LINK)].map((m) => m[0]);

let t: TestEnv;
let sink: SmtpSink;
let demo: Awaited<ReturnType<TestEnv['seed']>>;
/** What each robot receiver answers next; a test sets it, `ok` by default. */
const answers: Record<string, (r: Received) => Reply> = {};
const receivers: Record<'wecom' | 'dingtalk' | 'feishu' | 'webhook', Receiver> = {} as never;

beforeAll(async () => {
  sink = await startSmtpSink();
  for (const name of ['wecom', 'dingtalk', 'feishu', 'webhook'] as const) receivers[name] = await startReceiver((r) => (answers[name] ?? (() => ({})))(r));
  t = await createTestEnv('postgres', { ...LOOPBACK_RECEIVERS, SMTP_URL: sink.url });
  demo = await t.seed();
});
afterAll(async () => {
  await t?.close();
  await Promise.all([sink?.close(), ...Object.values(receivers).map((r) => r.close())]);
});

const db = () => t.runtime.database.db;
const approver = () => demo.people.section_head!;

async function submitDraft(title: string) {
  const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title, body: '讲座时间：周五下午。', unitId: demo.unitId, accountIds: [demo.accountId] } });
  expect(created.status, created.text).toBe(201);
  const submitted = await t.request('POST', `/api/v1/drafts/${created.body.id}/submit`, { token: demo.tokens.drafter });
  expect(submitted.status, submitted.text).toBe(200);
  return created.body.id as string;
}

/** The unprocessed `review.assigned` outbox row the last submit wrote. */
async function assignedRow(): Promise<number> {
  const [row] = await db().select({ id: outbox.id }).from(outbox).where(and(eq(outbox.topic, 'review.assigned'), isNull(outbox.processedAt))).orderBy(desc(outbox.id)).limit(1);
  expect(row).toBeDefined();
  return row!.id;
}

async function setRobots(robots: UnitRobots) {
  await db().update(units).set({ robots }).where(eq(units.id, demo.unitId));
}
async function setPreferences(channels: string[]) {
  await db().update(people).set({ channels, phone: PHONE, wecomUserId: WECOM_ID, dingtalkUserId: DINGTALK_ID }).where(eq(people.id, approver()));
}
const deliveryOf = async (dedupeKey: string) => (await db().select().from(deliveries).where(eq(deliveries.dedupeKey, dedupeKey)))[0];
const counts = () => Object.fromEntries(Object.entries(receivers).map(([k, r]) => [k, r.received.length]));

describe('email over SMTP', () => {
  it('delivers the first approver a zh-CN mail, text and HTML, whose link opens the page and approves once', async () => {
    const before = sink.messages.length;
    await submitDraft('关于举办学术讲座的通知');
    await t.deliver();
    await sink.waitFor(before + 1, 5_000);
    const mails = sink.messages.slice(before);
    const [approverRow] = await db().select().from(people).where(eq(people.id, approver()));
    const mine = mails.filter((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === approverRow!.email);
    expect(mine).toHaveLength(1);
    const mail = mine[0]!;

    // Subject: MIME-encoded on the wire (ASCII only), Chinese once decoded.
    expect(mail.subject).toMatch(/^【待审核】《关于举办学术讲座的通知》— /);
    const rawSubject = mail.headerLines.find((h) => h.key === 'subject')!.line;
    expect(rawSubject).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/i);
    expect(/^[\x20-\x7e\r\n\t]*$/.test(rawSubject)).toBe(true);

    // Recipient and sender.
    expect(Array.isArray(mail.to) ? null : mail.to!.value).toEqual([{ address: approverRow!.email, name: approverRow!.name }]);
    expect(mail.from!.value[0]!.address).toBe('no-reply@imprimatur.local');

    // Two real parts: text/plain and text/html in a multipart/alternative.
    expect((mail.headers.get('content-type') as { value: string }).value).toBe('multipart/alternative');
    expect(typeof mail.text).toBe('string');
    expect(typeof mail.html).toBe('string');
    expect(mail.text).toContain(`${approverRow!.name}，您好：`);
    expect(mail.html).toContain('关于举办学术讲座的通知');

    // One link, the same in both parts.
    const textLinks = linksIn(mail.text!);
    expect(textLinks).toHaveLength(1);
    const link = textLinks[0]!;
    expect(link.startsWith(`${PUBLIC_URL}/s/`)).toBe(true);
    expect(mail.html).toContain(`href="${link}"`);

    // The dedupe key header is the delivery's claim key.
    const dedupeKey = mail.headers.get('x-imprimatur-dedupe-key');
    expect(dedupeKey).toMatch(new RegExp(`^outbox:\\d+:${approver()}:email$`));
    expect(await deliveryOf(String(dedupeKey))).toMatchObject({ status: 'sent', channel: 'email', personId: approver() });
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');

    // The link works: the page renders, a decision goes through once.
    const token = link.split('/s/')[1]!;
    const page = await t.request('GET', `/s/${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('关于举办学术讲座的通知');
    const approved = await t.request('POST', `/api/v1/signoff/${token}`, { body: { decision: 'approve', checklist: ALL_TICKED, comment: '同意' } });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toMatchObject({ status: 'in_review', currentLevel: 'deputy_leader' });
    const again = await t.request('POST', `/api/v1/signoff/${token}`, { body: { decision: 'approve', checklist: ALL_TICKED, comment: '同意' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('link_used');
  });

  it('a refused mailbox (550) is a permanent failure; a busy one (450) is retried and then sent once', async () => {
    await submitDraft('邮箱拒收测试');
    const id = await assignedRow();
    const key = `outbox:${id}:${approver()}:email`;
    sink.rejectNextRecipient(450);
    await expect(dispatchOutboxRow(t.runtime.delivery, id, { final: false })).rejects.toThrow(/450/);
    expect(await deliveryOf(key)).toMatchObject({ status: 'retrying' });
    const before = sink.messages.length;
    expect(await dispatchOutboxRow(t.runtime.delivery, id, { final: false })).toMatchObject({ sent: 1 });
    expect(sink.messages.length).toBe(before + 1);
    expect(await deliveryOf(key)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });

    await submitDraft('邮箱不存在测试');
    const id2 = await assignedRow();
    sink.rejectNextRecipient(550);
    const result = await dispatchOutboxRow(t.runtime.delivery, id2, { final: false });
    expect(result.failed).toEqual([expect.objectContaining({ permanent: true })]);
    expect(await deliveryOf(`outbox:${id2}:${approver()}:email`)).toMatchObject({ status: 'failed', lastError: expect.stringContaining('550') });
    const [row] = await db().select().from(outbox).where(eq(outbox.id, id2));
    expect(row!.processedAt).not.toBeNull();
  });
});

describe('robots and the webhook', () => {
  beforeAll(async () => {
    await setRobots({
      wecom: { url: `${receivers.wecom.url}/cgi-bin/webhook/send?key=wecom-key` },
      dingtalk: { url: `${receivers.dingtalk.url}/robot/send?access_token=ding-token`, secret: DINGTALK_SECRET },
      feishu: { url: `${receivers.feishu.url}/open-apis/bot/v2/hook/feishu-hook`, secret: FEISHU_SECRET },
      webhook: { url: `${receivers.webhook.url}/hooks/imprimatur`, secret: WEBHOOK_SECRET },
    });
    await setPreferences(['wecom', 'dingtalk', 'feishu', 'webhook']);
  });
  afterAll(() => setPreferences(['email']));

  it('posts each platform its documented format, signed; the link goes only to the person’s mail', async () => {
    await t.deliver();
    const from = counts();
    const mailsBefore = sink.messages.length;
    await submitDraft('机器人通知测试');
    await t.deliver();
    const fresh = (name: keyof typeof receivers) => receivers[name].received.slice(from[name]);
    for (const name of ['wecom', 'dingtalk', 'feishu', 'webhook'] as const) expect(fresh(name), name).toHaveLength(1);
    // None of the preferred routes reaches the approver alone (the webhook is the unit's), so the
    // link goes by mail, added although not preferred.
    await sink.waitFor(mailsBefore + 1, 5_000);
    const mail = sink.messages.slice(mailsBefore).find((m) => m.subject?.includes('机器人通知测试'))!;
    expect(mail).toBeDefined();
    const mailLinks = linksIn(mail.text!);
    expect(mailLinks).toHaveLength(1);
    const token = mailLinks[0]!.split('/s/')[1]!;

    // WeCom 群机器人: msgtype text, content ≤ 2048 bytes, mentions by user id and mobile.
    const wecom = fresh('wecom')[0]!;
    expect(wecom.path).toBe('/cgi-bin/webhook/send');
    expect(wecom.query.get('key')).toBe('wecom-key');
    expect(wecom.headers['content-type']).toMatch(/^application\/json/);
    expect(wecom.body).toEqual({ msgtype: 'text', text: { content: expect.any(String), mentioned_list: [WECOM_ID], mentioned_mobile_list: [PHONE] } });
    expect(wecom.body.text.content).toContain('机器人通知测试');
    expect(wecom.body.text.content).toContain('王系主任');
    expect(Buffer.byteLength(wecom.body.text.content, 'utf8')).toBeLessThanOrEqual(2048);

    // DingTalk 自定义机器人: markdown, @ in both `at` and the text, 加签 in the query.
    const ding = fresh('dingtalk')[0]!;
    expect(ding.path).toBe('/robot/send');
    expect(ding.query.get('access_token')).toBe('ding-token');
    const timestamp = ding.query.get('timestamp')!;
    expect(timestamp).toMatch(/^\d{13}$/);
    expect(Math.abs(Number(timestamp) - Date.now())).toBeLessThan(3600_000);
    const expectedSign = hmacBase64(DINGTALK_SECRET, `${timestamp}\n${DINGTALK_SECRET}`);
    expect(ding.query.get('sign')).toBe(expectedSign);
    // On the wire the base64 is URL-encoded (a raw '+' would arrive as a space).
    expect(ding.url).toContain(`sign=${encodeURIComponent(expectedSign)}`);
    expect(ding.body).toEqual({
      msgtype: 'markdown',
      markdown: { title: expect.stringContaining('机器人通知测试'), text: expect.any(String) },
      at: { atMobiles: [PHONE], atUserIds: [DINGTALK_ID], isAtAll: false },
    });
    expect(ding.body.markdown.text).toContain(`@${PHONE}`);
    expect(ding.body.markdown.text).toContain(`@${DINGTALK_ID}`);

    // Feishu 自定义机器人: msg_type text, timestamp (seconds) and sign in the body.
    const feishu = fresh('feishu')[0]!;
    expect(feishu.path).toBe('/open-apis/bot/v2/hook/feishu-hook');
    expect(feishu.body).toEqual({ timestamp: expect.stringMatching(/^\d{10}$/), sign: expect.any(String), msg_type: 'text', content: { text: expect.stringContaining('机器人通知测试') } });
    expect(Math.abs(Number(feishu.body.timestamp) * 1000 - Date.now())).toBeLessThan(3600_000);
    expect(feishu.body.sign).toBe(createHmac('sha256', `${feishu.body.timestamp}\n${FEISHU_SECRET}`).update('').digest('base64'));

    // The unit's webhook: idempotency key, HMAC of the exact body, the words without the link.
    const hook = fresh('webhook')[0]!;
    expect(hook.headers['x-imprimatur-signature']).toBe(`sha256=${createHmac('sha256', WEBHOOK_SECRET).update(hook.raw, 'utf8').digest('hex')}`);
    expect(hook.headers['idempotency-key']).toBe(hook.body.dedupeKey);
    expect(hook.body.dedupeKey).toMatch(new RegExp(`^outbox:\\d+:${approver()}:webhook$`));
    expect(hook.body).toMatchObject({ kind: 'review_assigned', to: { personId: approver(), name: '王系主任' }, link: null, links: [] });
    expect(hook.body.text).toContain('机器人通知测试');
    expect(hook.body.text).toContain('请查收邮件中的审核链接');
    expect((await t.request('GET', `/s/${token}`)).status).toBe(200);

    // Neither a group chat nor the unit's webhook sees a sign-off link or its token.
    for (const r of [wecom, ding, feishu, hook]) {
      expect(r.raw).not.toMatch(/\/s\//);
      expect(r.raw).not.toContain(token);
      expect(r.url).not.toContain(token);
    }
  });

  it('strips every link of a digest from group chats and the webhook, while the mail has them all', async () => {
    await t.deliver();
    await submitDraft('汇总测试一');
    await submitDraft('汇总测试二');
    await t.deliver();
    const from = counts();
    const mailsBefore = sink.messages.length;
    const realNow = t.clock.now;
    t.clock.now = new Date('2026-11-24T01:00:00Z'); // 09:00 CST, a Tuesday (working day)
    try {
      expect(await runDigest(db(), t.runtime.deps, t.clock.now)).toBe(1);
      await t.deliver();
    } finally {
      t.clock.now = realNow;
    }
    const fresh = (name: keyof typeof receivers) => receivers[name].received.slice(from[name]);
    await sink.waitFor(mailsBefore + 1, 5_000);
    const digestMail = sink.messages.slice(mailsBefore).find((m) => m.subject?.startsWith('【每日待审汇总】'));
    expect(digestMail).toBeDefined();
    const links = linksIn(digestMail!.text!);
    expect(links.length).toBeGreaterThanOrEqual(2);
    expect(new Set(links).size).toBe(links.length);
    const hook = fresh('webhook');
    expect(hook).toHaveLength(1);
    expect(hook[0]!.body).toMatchObject({ kind: 'digest', link: null, links: [] });
    for (const name of ['wecom', 'dingtalk', 'feishu', 'webhook'] as const) {
      const [r] = fresh(name);
      expect(r, name).toBeDefined();
      expect(r!.raw, name).toContain('每日待审汇总');
      expect(r!.raw, name).toContain('汇总测试二');
      expect(r!.raw, name).not.toMatch(/\/s\//);
      for (const link of links) expect(r!.raw, name).not.toContain(link.split('/s/')[1]!);
    }
  });
});

describe('failures and retries', () => {
  beforeAll(async () => {
    await t.deliver();
    await setRobots({
      wecom: { url: `${receivers.wecom.url}/cgi-bin/webhook/send?key=k` },
      dingtalk: { url: `${receivers.dingtalk.url}/robot/send?access_token=a` },
    });
  });
  afterAll(async () => {
    for (const k of Object.keys(answers)) delete answers[k];
    await setPreferences(['email']);
  });

  it('a 5xx is retryable, then sent exactly once; a repeated dispatch sends nothing', async () => {
    await setPreferences(['wecom', 'email']);
    answers.wecom = () => ({ status: 500, body: { errcode: -1, errmsg: 'system busy' } });
    await submitDraft('重试测试');
    const id = await assignedRow();
    const key = `outbox:${id}:${approver()}:wecom`;
    const from = receivers.wecom.received.length;
    const mails = sink.messages.length;

    await expect(dispatchOutboxRow(t.runtime.delivery, id, { final: false })).rejects.toThrow(/HTTP 500/);
    expect(await deliveryOf(key)).toMatchObject({ status: 'retrying', lastError: expect.stringContaining('HTTP 500') });
    expect(await deliveryOf(`outbox:${id}:${approver()}:email`)).toMatchObject({ status: 'sent' });
    expect((await db().select().from(outbox).where(eq(outbox.id, id)))[0]!.processedAt).toBeNull();
    expect(receivers.wecom.received.length).toBe(from + 1);

    answers.wecom = () => ({});
    expect(await dispatchOutboxRow(t.runtime.delivery, id, { final: false })).toMatchObject({ sent: 1, skipped: 1, failed: [] });
    expect(await deliveryOf(key)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    expect(receivers.wecom.received.length).toBe(from + 2);
    expect((await db().select().from(outbox).where(eq(outbox.id, id)))[0]!.processedAt).not.toBeNull();

    // Already sent: a duplicated or retried job sends nothing on any channel.
    expect(await dispatchOutboxRow(t.runtime.delivery, id, { final: false })).toMatchObject({ sent: 0, skipped: 2 });
    expect(await dispatchOutboxRow(t.runtime.delivery, id, { final: true })).toMatchObject({ sent: 0, skipped: 2 });
    expect(receivers.wecom.received.length).toBe(from + 2);
    expect(sink.messages.length).toBe(mails + 1);
  });

  it('a 4xx is a permanent failure, recorded without throwing', async () => {
    await setPreferences(['wecom', 'email']);
    answers.wecom = () => ({ status: 400, body: { errcode: 40008, errmsg: 'invalid message type' } });
    await submitDraft('永久失败测试');
    const id = await assignedRow();
    const result = await dispatchOutboxRow(t.runtime.delivery, id, { final: false });
    expect(result.sent).toBe(1); // the email
    expect(result.failed).toEqual([expect.objectContaining({ dedupeKey: `outbox:${id}:${approver()}:wecom`, permanent: true })]);
    expect(await deliveryOf(`outbox:${id}:${approver()}:wecom`)).toMatchObject({ status: 'failed', lastError: expect.stringContaining('HTTP 400') });
    expect((await db().select().from(outbox).where(eq(outbox.id, id)))[0]!.processedAt).not.toBeNull();
  });

  it('on the last attempt a 5xx is recorded failed and the row is processed', async () => {
    await setPreferences(['wecom', 'email']);
    answers.wecom = () => ({ status: 503 });
    await submitDraft('最后一次尝试测试');
    const id = await assignedRow();
    const result = await dispatchOutboxRow(t.runtime.delivery, id, { final: true });
    expect(result.failed).toEqual([expect.objectContaining({ permanent: false, error: expect.stringContaining('HTTP 503') })]);
    expect(await deliveryOf(`outbox:${id}:${approver()}:wecom`)).toMatchObject({ status: 'failed', lastError: expect.stringContaining('HTTP 503') });
    expect((await db().select().from(outbox).where(eq(outbox.id, id)))[0]!.processedAt).not.toBeNull();
    const listed = await db().select().from(deliveries).where(and(eq(deliveries.status, 'failed'), like(deliveries.dedupeKey, `outbox:${id}:%`)));
    expect(listed.map((d) => d.channel)).toEqual(['wecom']);
  });

  it('WeCom and DingTalk answering HTTP 200 with an error code is a failure: retried, or failed at once when it is the robot’s configuration', async () => {
    await setPreferences(['wecom', 'dingtalk', 'email']);
    // A rate limit is worth retrying; a rejected signature is a configuration error, failed at once.
    answers.wecom = () => ({ body: { errcode: 45009, errmsg: 'api freq out of limit' } });
    answers.dingtalk = () => ({ body: { errcode: 310000, errmsg: 'sign not match' } });
    await submitDraft('错误码测试');
    const id = await assignedRow();
    await expect(dispatchOutboxRow(t.runtime.delivery, id, { final: false })).rejects.toThrow(/45009/);
    expect(await deliveryOf(`outbox:${id}:${approver()}:wecom`)).toMatchObject({ status: 'retrying', lastError: expect.stringContaining('45009') });
    expect(await deliveryOf(`outbox:${id}:${approver()}:dingtalk`)).toMatchObject({ status: 'failed', lastError: expect.stringContaining('310000') });
    // A 200 without any result code (a proxy's page) is not a delivery either.
    answers.wecom = () => ({ body: 'ok' });
    answers.dingtalk = () => ({});
    await expect(dispatchOutboxRow(t.runtime.delivery, id, { final: false })).rejects.toThrow(/WeCom replied without a result code/);
    expect(await deliveryOf(`outbox:${id}:${approver()}:dingtalk`)).toMatchObject({ status: 'sent' });
    expect(await deliveryOf(`outbox:${id}:${approver()}:wecom`)).toMatchObject({ status: 'retrying' });
    answers.wecom = () => ({});
    expect(await dispatchOutboxRow(t.runtime.delivery, id, { final: false })).toMatchObject({ sent: 1 });
  });
});

describe('a review mail planned, then the review moves on before it is sent', () => {
  // A review mail checks and mints its link in one statement at send time, not from a re-read in a transaction.
  it('mints no link once the review is handed on or decided; while it is still the assignee\'s, the link is the review\'s current one', async () => {
    await submitDraft('计划后转交');
    const id = await assignedRow();
    const [row] = await db().select().from(outbox).where(eq(outbox.id, id));
    const [plan] = await plansFor(t.runtime.delivery.db, t.runtime.deps, row!);
    const reviewId = plan!.reviewId!;
    const links = async () => db().select().from(linkTokens).where(eq(linkTokens.reviewId, reviewId));

    await db().update(reviews).set({ assigneeId: demo.people.drafter! }).where(eq(reviews.id, reviewId));
    expect(await plan!.compose(t.runtime.delivery.db)).toBeNull();
    expect(await links()).toHaveLength(0);

    await db().update(reviews).set({ assigneeId: approver() }).where(eq(reviews.id, reviewId));
    const text = await plan!.compose(t.runtime.delivery.db);
    expect(text?.link).toMatch(/^http:\/\/imprimatur\.test\/s\//);
    const [review] = await db().select().from(reviews).where(eq(reviews.id, reviewId));
    expect(await links()).toEqual([expect.objectContaining({ personId: approver(), versionId: review!.versionId, usedAt: null })]);

    await db().update(reviews).set({ status: 'approved' }).where(eq(reviews.id, reviewId));
    expect(await plan!.compose(t.runtime.delivery.db)).toBeNull();
    expect(await links()).toHaveLength(1);
    // The row itself now plans nothing: processed, nothing sent.
    expect(await dispatchOutboxRow(t.runtime.delivery, id, { final: false })).toMatchObject({ sent: 0 });
  });
  it('a claim whose sender died mid-send is closed when its row turns out to need nothing any more; a fresh claim is left to its sender', async () => {
    const pair = [];
    for (const title of ['发送中断', '发送进行中']) {
      await submitDraft(title);
      const id = await assignedRow();
      const [row] = await db().select().from(outbox).where(eq(outbox.id, id));
      const [plan] = await plansFor(t.runtime.delivery.db, t.runtime.deps, row!);
      pair.push({ id, plan: plan!, dedupeKey: `${plan!.key}:${plan!.person.id}:email` });
    }
    const [dead, live] = pair as [(typeof pair)[number], (typeof pair)[number]];
    // One sender died after claiming (its lease long over); another is sending right now.
    const claimAt = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
    for (const [p, at] of [[dead, claimAt(30)], [live, claimAt(0)]] as const) {
      await db().insert(deliveries).values({ dedupeKey: p.dedupeKey, channel: 'email', kind: p.plan.kind, personId: p.plan.person.id, reviewId: p.plan.reviewId, outboxId: p.id, status: 'sending', claimedAt: at });
      // The review was decided on the link meanwhile: the row plans nothing now.
      await db().update(reviews).set({ status: 'approved' }).where(eq(reviews.id, p.plan.reviewId!));
      expect(await dispatchOutboxRow(t.runtime.delivery, p.id, { final: false })).toMatchObject({ sent: 0 });
      expect((await db().select().from(outbox).where(eq(outbox.id, p.id)))[0]!.processedAt).not.toBeNull();
    }
    expect(await deliveryOf(dead.dedupeKey)).toMatchObject({ status: 'sent', lastError: expect.stringContaining('stopped mid-send') });
    expect(await deliveryOf(live.dedupeKey)).toMatchObject({ status: 'sending', lastError: null });
  });
});
