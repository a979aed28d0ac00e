import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, people, units } from '../db/schema';
import { PermanentSendError, type Notification } from '../src/notify/channel';
import { addressAllowed, outboundUrlProblem, parseAllowAddresses, platformReason, shortReason, STRICT_OUTBOUND, type OutboundPolicy } from '../src/notify/outbound';
import { filteredPost } from '../src/notify/outbound-node';
import { webhookChannel, wecomChannel } from '../src/notify/robots';
import { dispatchOutboxRow } from '../src/services/notifications';
import { createTestEnv, LOOPBACK_RECEIVERS, type TestEnv } from './harness';
import { startReceiver } from './support/receiver';

/**
 * Where the service's outbound calls may go (issue 9, "misrouted links and server-side
 * requests"): sign-off links only to the person's own mail; robot and webhook URLs https-only and
 * never to loopback, private, link-local or reserved addresses, judged after DNS resolution; and
 * the delivery list keeps a short, clean reason, never what the target answered.
 *
 * The would-be victims are real listeners of this test on 127.0.0.1, 127.0.0.2 and ::1: a refusal
 * is shown by the listener receiving nothing, not only by an error message.
 */

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
const HTTP_ONLY: OutboundPolicy = { allowHttp: true, allowAddresses: [] };
const TEST_SETTING: OutboundPolicy = { allowHttp: true, allowAddresses: ['127.0.0.1'] };

const note = (link?: string): Notification => ({
  kind: 'review_assigned', to: { personId: 'p1', name: '王系主任', email: 'wang@example.edu.cn' }, subject: '【待审核】测试', text: `请审核：${link ?? ''}`, html: '',
  dedupeKey: `k-${Math.random()}`, ...(link ? { link } : {}),
});

describe('URL rules at save time (pure)', () => {
  it('https only; http only with the setting; no literal loopback, private, link-local, reserved or metadata address', () => {
    expect(outboundUrlProblem('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', STRICT_OUTBOUND)).toBeNull();
    expect(outboundUrlProblem('http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', STRICT_OUTBOUND)?.en).toMatch(/https/);
    expect(outboundUrlProblem('http://robot.intranet.example.edu.cn/send', { allowHttp: true, allowAddresses: [] })).toBeNull();
    expect(outboundUrlProblem('ftp://example.com/', { allowHttp: true, allowAddresses: [] })).not.toBeNull();
    for (const url of [
      'https://127.0.0.1:6379/', 'https://[::1]:5432/', 'https://169.254.169.254/latest/meta-data/', 'https://[fe80::1]/', 'https://10.1.2.3/',
      'https://172.16.0.1/', 'https://192.168.1.1/', 'https://[fd00::1]/', 'https://100.100.100.200/', 'https://0.0.0.0/', 'https://[::]/',
      'https://[::ffff:127.0.0.1]/', 'https://[::127.0.0.1]/', 'https://[::a9fe:a9fe]/', 'https://localhost/', 'https://api.localhost/', 'https://2130706433/', 'https://0x7f.1/',
    ]) expect(outboundUrlProblem(url, STRICT_OUTBOUND), url).toMatchObject({ en: expect.stringMatching(/loopback, private/) });
    expect(outboundUrlProblem('https://8.8.8.8/hook', STRICT_OUTBOUND)).toBeNull();
    // The escape hatch allows exactly what it lists.
    expect(outboundUrlProblem('http://127.0.0.1:9/', TEST_SETTING)).toBeNull();
    expect(outboundUrlProblem('http://127.0.0.2:9/', TEST_SETTING)).not.toBeNull();
    expect(addressAllowed('10.20.30.40', { allowHttp: false, allowAddresses: ['10.20.0.0/16'] })).toBe(true);
    expect(addressAllowed('10.21.0.1', { allowHttp: false, allowAddresses: ['10.20.0.0/16'] })).toBe(false);
    expect(() => parseAllowAddresses('127.0.0.1, 10.0.0.0/8 fd00::/8')).not.toThrow();
    expect(() => parseAllowAddresses('intranet.example')).toThrow(/intranet\.example/);
  });

  it('a short reason keeps no control characters and no more than its cap', () => {
    expect(shortReason('HTTP 500\r\n\u0000\u001b[31mSET x\u202e', 200)).toBe('HTTP 500 [31mSET x');
    expect([...shortReason('长'.repeat(500), 50)]).toHaveLength(50);
    expect(platformReason({ errcode: 45009, errmsg: `api freq out of limit\n${'x'.repeat(500)}`, secret: 'NOT-THIS' })).toMatch(/^errcode 45009: api freq out of limit x+…$/);
    expect(platformReason({ errcode: 45009, errmsg: 'x'.repeat(500) }).length).toBeLessThan(110);
    expect(platformReason({ page: '<html>internal admin</html>' })).toBe('');
    expect(platformReason('-ERR unknown command')).toBe('');
  });
});

describe('the filtered sender, at send time', () => {
  const listeners: Receiver[] = [];
  let local: Receiver;
  let second: Receiver;
  let v6: Receiver | null = null;
  beforeAll(async () => {
    local = await startReceiver();
    second = await startReceiver(undefined, { host: '127.0.0.2' });
    try { v6 = await startReceiver(undefined, { host: '::1' }); } catch { v6 = null; }
    listeners.push(local, second, ...(v6 ? [v6] : []));
  });
  afterAll(() => Promise.all(listeners.map((l) => l.close())));

  const refused = (p: Promise<unknown>) => expect(p).rejects.toSatisfy((e: unknown) => e instanceof PermanentSendError && /^refused: /.test((e as Error).message));

  it('refuses loopback, ::1, the metadata address and a name resolving to loopback, before anything is sent', async () => {
    const post = filteredPost(HTTP_ONLY, { timeoutMs: 3_000 });
    await refused(post(`${local.url}/hook`, '{}', {}));
    await refused(post(`http://127.0.0.2:${second.port}/hook`, '{}', {}));
    await refused(post(`http://[::1]:${v6?.port ?? 5432}/`, '{}', {}));
    await refused(post('http://169.254.169.254/latest/meta-data/', '{}', {}));
    await refused(post('http://[::ffff:7f00:1]:6379/', '{}', {}));
    await refused(post(`http://[::127.0.0.1]:${local.port}/hook`, '{}', {})); // IPv4-compatible: ipaddr.js calls it unicast
    await refused(post(`http://localhost:${local.port}/hook`, '{}', {}));
    // This machine's own name resolves to a loopback address on Debian-like hosts: a name the
    // URL rules cannot recognise, so only the resolved address can refuse it.
    const own = await lookup(hostname()).catch(() => null);
    if (own && !addressAllowed(own.address, STRICT_OUTBOUND)) await refused(post(`http://${hostname()}:${local.port}/hook`, '{}', {}));
    for (const l of listeners) expect(l.received).toHaveLength(0);
  });

  it('refuses plain http unless the setting allows it, even for a URL stored earlier', async () => {
    await expect(filteredPost(STRICT_OUTBOUND)(`${local.url}/hook`, '{}', {})).rejects.toThrow(/^refused: must be an https/);
    expect(local.received).toHaveLength(0);
  });

  it('reaches the test’s own listener only with the test setting, and only the address it names', async () => {
    const post = filteredPost(TEST_SETTING);
    expect(await post(`${local.url}/hook`, '{"a":1}', { 'content-type': 'application/json' })).toMatchObject({ status: 200 });
    expect(local.received.at(-1)!.body).toEqual({ a: 1 });
    await refused(post(`http://127.0.0.2:${second.port}/hook`, '{}', {}));
    expect(second.received).toHaveLength(0);
  });

  it('does not follow a redirect from an allowed host to a private one', async () => {
    const redirecting = await startReceiver(() => ({ status: 307, headers: { location: `http://127.0.0.2:${second.port}/internal` } }));
    try {
      const channel = webhookChannel(filteredPost(TEST_SETTING));
      const sent = channel.send({ ...note(), robots: { webhook: { url: `${redirecting.url}/hook` } } });
      await expect(sent).rejects.toSatisfy((e: unknown) => e instanceof PermanentSendError && /HTTP 307.*redirects are not followed/.test((e as Error).message));
      expect(redirecting.received).toHaveLength(1);
      expect(second.received).toHaveLength(0);
    } finally {
      await redirecting.close();
    }
  });

  it('keeps only the status and a robot’s code and message of an answer, cleaned and capped', async () => {
    const secret = 'REDIS-CONFIG requirepass=hunter2';
    const hostile = await startReceiver((r) => (r.path === '/webhook'
      ? { status: 500, body: `-ERR ${secret}\r\n${'A'.repeat(5000)}` }
      : { status: 200, body: { errcode: 45009, errmsg: `freq\u0000 out\r\nof limit ${'B'.repeat(300)}`, data: secret } }));
    try {
      const post = filteredPost(TEST_SETTING);
      const webhook = webhookChannel(post).send({ ...note(), robots: { webhook: { url: `${hostile.url}/webhook` } } });
      await expect(webhook).rejects.toThrow(/^HTTP 500$/);
      const wecom = await wecomChannel(post).send({ ...note(), robots: { wecom: { url: `${hostile.url}/wecom` } } }).catch((e: Error) => e);
      expect((wecom as Error).message).toMatch(/^WeCom replied errcode 45009: freq out of limit B+…$/);
      expect((wecom as Error).message).not.toContain(secret);
      expect((wecom as Error).message.length).toBeLessThan(130);
    } finally {
      await hostile.close();
    }
  });
});

describe('through the service', () => {
  let strict: TestEnv;
  let open: TestEnv;
  let strictDemo: Awaited<ReturnType<TestEnv['seed']>>;
  let openDemo: Awaited<ReturnType<TestEnv['seed']>>;
  let victim: Receiver;
  let hook: Receiver;
  let robot: Receiver;

  beforeAll(async () => {
    victim = await startReceiver();
    hook = await startReceiver((r) => (r.path === '/broken' ? { status: 502, body: `<html>upstream 10.0.0.7 said: internal-token=abc\u001b[0m</html>` } : {}));
    robot = await startReceiver(() => ({ body: { errcode: 93000, errmsg: 'invalid webhook url\r\n\u0007', internal: 'NOT-SHOWN' } }));
    strict = await createTestEnv('postgres');
    open = await createTestEnv('postgres', { ...LOOPBACK_RECEIVERS });
    strictDemo = await strict.seed();
    openDemo = await open.seed();
  });
  afterAll(async () => {
    await Promise.all([strict?.close(), open?.close()]);
    await Promise.all([victim, hook, robot].map((r) => r?.close()));
  });

  async function submit(t: TestEnv, demo: typeof strictDemo, title: string) {
    const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title, body: '正文', unitId: demo.unitId, accountIds: [demo.accountId] } });
    expect(created.status, created.text).toBe(201);
    expect((await t.request('POST', `/api/v1/drafts/${created.body.id}/submit`, { token: demo.tokens.drafter })).status).toBe(200);
    const [row] = await t.runtime.database.db.select({ id: outbox.id }).from(outbox)
      .where(and(eq(outbox.topic, 'review.assigned'), isNull(outbox.processedAt))).orderBy(desc(outbox.id)).limit(1);
    return row!.id;
  }

  it('PUT /units/{id}/robots refuses http and private destinations with a 400 naming each field, and changes nothing', async () => {
    const path = `/api/v1/units/${strictDemo.unitId}/robots`;
    const bad = await strict.request('PUT', path, {
      token: strictDemo.tokens.admin,
      body: { wecom: { url: 'http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' }, webhook: { url: 'https://169.254.169.254/latest/meta-data/' }, feishu: { url: 'https://[::1]:5432/' } },
    });
    expect(bad.status, bad.text).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['feishu.url', 'webhook.url', 'wecom.url']);
    expect(bad.body.error.message).toContain('wecom.url');
    for (const url of [`${victim.url}/x`, 'https://127.0.0.1:6379/', 'https://localhost/hook']) {
      const refused = await strict.request('PUT', path, { token: strictDemo.tokens.admin, body: { webhook: { url } } });
      expect(refused.status, url).toBe(400);
      expect(refused.body.error.details[0].path).toBe('webhook.url');
    }
    const [unit] = await strict.runtime.database.db.select().from(units).where(eq(units.id, strictDemo.unitId));
    expect(unit!.robots).toEqual({});
    const ok = await strict.request('PUT', path, { token: strictDemo.tokens.admin, body: { dingtalk: { url: 'https://oapi.dingtalk.com/robot/send?access_token=t' } } });
    expect(ok.status, ok.text).toBe(200);
    // With the settings an operator may set, an intranet robot over http is accepted.
    const intranet = await open.request('PUT', `/api/v1/units/${openDemo.unitId}/robots`, { token: openDemo.tokens.admin, body: { wecom: { url: `${victim.url}/cgi-bin/webhook/send?key=k` } } });
    expect(intranet.status, intranet.text).toBe(200);
    await open.request('PUT', `/api/v1/units/${openDemo.unitId}/robots`, { token: openDemo.tokens.admin, body: {} });
  });

  it('a robot URL stored before the rules, pointing at loopback, is refused at send: failed, nothing reaches it, the mail still goes', async () => {
    const db = strict.runtime.database.db;
    const approver = strictDemo.people.section_head!;
    await db.update(units).set({ robots: { wecom: { url: `${victim.url}/cgi-bin/webhook/send?key=k` }, webhook: { url: `https://localhost:${victim.port}/hook` } } }).where(eq(units.id, strictDemo.unitId));
    await db.update(people).set({ channels: ['wecom', 'webhook'] }).where(eq(people.id, approver));
    const id = await submit(strict, strictDemo, 'SSRF 测试');
    const result = await dispatchOutboxRow(strict.runtime.delivery, id, { final: false });
    expect(result.failed.map((f) => [f.dedupeKey.split(':').at(-1), f.permanent])).toEqual([['wecom', true], ['webhook', true]]);
    expect(victim.received).toHaveLength(0);
    expect(strict.sent.filter((m) => m.to.personId === approver && m.link && m.subject.includes('SSRF 测试'))).toHaveLength(1);
    const listed = await strict.request('GET', '/api/v1/deliveries?status=failed', { token: strictDemo.tokens.admin });
    const errors = listed.body.items.filter((d: { outboxId: number }) => d.outboxId === id).map((d: { channel: string; lastError: string }) => [d.channel, d.lastError]);
    expect(Object.fromEntries(errors)).toEqual({
      wecom: expect.stringMatching(/^refused: must be an https:\/\/ URL/),
      webhook: expect.stringMatching(/^refused: localhost is or resolves to a loopback/),
    });
    await db.update(units).set({ robots: {} }).where(eq(units.id, strictDemo.unitId));
    await db.update(people).set({ channels: ['email'] }).where(eq(people.id, approver));
  });

  it('the unit webhook gets the words without the link; the person’s mail gets the link', async () => {
    const db = open.runtime.database.db;
    const approver = openDemo.people.section_head!;
    await db.update(units).set({ robots: { webhook: { url: `${hook.url}/oa` } } }).where(eq(units.id, openDemo.unitId));
    await db.update(people).set({ channels: ['webhook'] }).where(eq(people.id, approver));
    const before = hook.received.length;
    await submit(open, openDemo, '链接去向测试');
    const sent = await open.deliver();
    const [payload] = hook.received.slice(before);
    expect(payload!.body).toMatchObject({ kind: 'review_assigned', subject: expect.stringContaining('链接去向测试'), link: null, links: [] });
    expect(payload!.raw).not.toMatch(/\/s\//);
    expect(payload!.body.text).toContain('请查收邮件中的审核链接');
    const mail = sent.find((m) => m.to.personId === approver && m.subject.includes('链接去向测试'));
    expect(mail?.link).toMatch(/^http:\/\/imprimatur\.test\/s\/[\w-]{43}$/);
    expect(mail!.text).toContain(mail!.link!);
    expect(payload!.raw).not.toContain(mail!.link!.split('/s/')[1]!);
    expect((await open.request('GET', `/s/${mail!.link!.split('/s/')[1]}`)).status).toBe(200);
  });

  it('GET /deliveries shows the status and a robot’s code, never what an arbitrary server answered', async () => {
    const db = open.runtime.database.db;
    const approver = openDemo.people.section_head!;
    await db.update(units).set({ robots: { webhook: { url: `${hook.url}/broken` }, wecom: { url: `${robot.url}/cgi-bin/webhook/send?key=k` } } }).where(eq(units.id, openDemo.unitId));
    await db.update(people).set({ channels: ['webhook', 'wecom'] }).where(eq(people.id, approver));
    const id = await submit(open, openDemo, '错误信息测试');
    await dispatchOutboxRow(open.runtime.delivery, id, { final: true });
    const listed = await open.request('GET', '/api/v1/deliveries?status=failed', { token: openDemo.tokens.admin });
    const errors = Object.fromEntries(listed.body.items.filter((d: { outboxId: number }) => d.outboxId === id).map((d: { channel: string; lastError: string }) => [d.channel, d.lastError]));
    expect(errors).toEqual({ webhook: 'HTTP 502', wecom: "WeCom replied errcode 93000: invalid webhook url (check the unit's robot settings)" });
    expect(listed.text).not.toMatch(/internal-token|10\.0\.0\.7|NOT-SHOWN|\\u0007|\\u001b/);
  });
});
