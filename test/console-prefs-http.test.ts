import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNotNull } from 'drizzle-orm';
import { deliveries } from '../db/schema';
import { createTestEnv, submitDraft, type TestEnv } from './harness';
import type { Demo } from './registry-fixtures';

/**
 * Organisation settings over HTTP, as issue 12 has them (admins write; publicity staff read):
 * another person's notification preferences through the API and on /people/{id}/notifications,
 * and who may write a unit's robots or resend a failed notification. Staff get 403 throughout.
 */
describe('notification preferences and organisation writes: admins write, publicity reads', () => {
  let t: TestEnv;
  let demo: Demo;
  let target: string;
  const sessions: Record<string, { cookie: string; csrf: string }> = {};
  const emailOf = async (id: string) => (await t.request('GET', `/api/v1/people/${id}`, { token: demo.tokens.admin })).body.email as string;
  const get = (who: string, path: string) => t.request('GET', path, { cookie: sessions[who]!.cookie });
  /** Posts a form as a browser does, repeated names included (the channel selects all send `channels`). */
  const post = (who: string, path: string, fields: [string, string][], csrf = sessions[who]!.csrf) =>
    t.request('POST', path, { cookie: sessions[who]!.cookie, raw: new URLSearchParams([['_csrf', csrf], ...fields]).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } });
  const stored = async () => {
    const p = (await t.request('GET', `/api/v1/people/${target}`, { token: demo.tokens.admin })).body;
    return { channels: p.channels, phone: p.phone, wecomUserId: p.wecomUserId, dingtalkUserId: p.dingtalkUserId };
  };

  beforeAll(async () => {
    t = await createTestEnv('postgres');
    demo = await t.seed();
    target = demo.people.section_head!;
    for (const key of ['drafter', 'publicity', 'admin', 'section_head']) sessions[key] = await t.signIn(await emailOf(demo.people[key]!));
  });
  afterAll(async () => t?.close());

  describe('the API: PUT /people/{id}/notifications and GET /people/{id}', () => {
    const path = () => `/api/v1/people/${target}/notifications`;
    const prefs = { channels: ['wecom', 'email'], phone: '138 0013 8000', wecomUserId: 'wang.xzr', dingtalkUserId: null };

    it('an admin changes another person’s preferences, audited as the person’s own change is; publicity reads them; staff neither', async () => {
      const before = await stored();
      expect((await t.request('PUT', path(), { token: demo.tokens.publicity, body: prefs })).status).toBe(403);
      expect((await t.request('PUT', path(), { token: demo.tokens.drafter, body: prefs })).status).toBe(403);
      expect((await t.request('PUT', path())).status).toBe(401);
      expect((await t.request('GET', `/api/v1/people/${target}`, { token: demo.tokens.drafter })).status).toBe(403);
      expect(await stored()).toEqual(before);

      const set = await t.request('PUT', path(), { token: demo.tokens.admin, body: prefs });
      expect(set.status, set.text).toBe(200);
      expect(set.body).toMatchObject(prefs);
      const read = await t.request('GET', `/api/v1/people/${target}`, { token: demo.tokens.publicity });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject(prefs);
      expect((await t.request('GET', '/api/v1/me', { token: demo.tokens.section_head })).body).toMatchObject(prefs);

      // The person's own change and the admin's are the same event; only the actor differs.
      await t.request('PUT', path(), { token: demo.tokens.section_head, body: { ...prefs, channels: ['email'] } });
      const events = (await t.request('GET', `/api/v1/audit/events?action=person.notifications_set&limit=2`, { token: demo.tokens.admin })).body.items;
      expect(events.map((e: { actorId: string; subjectId: string; data: unknown }) => [e.actorId, e.subjectId, e.data])).toEqual([
        [target, target, { channels: ['email'] }],
        [demo.people.admin, target, { channels: ['wecom', 'email'] }],
      ]);
    });

    it('refuses bad preferences with 400 naming the field, changing nothing; an unknown person is 404', async () => {
      const before = await stored();
      for (const [body, field] of <[unknown, string][]>[
        [{ channels: ['sms'] }, 'channels'],
        [{ channels: ['email', 'email'] }, 'channels'],
        [{ channels: [], phone: 'call me' }, 'phone'],
        [{ channels: [], phone: '12345' }, 'phone'], // not a mobile number a robot could @-mention
        [{ channels: [], wecomUserId: 'x'.repeat(65) }, 'wecomUserId'],
        [{ phone: '13800138000' }, 'channels'],
      ]) {
        const res = await t.request('PUT', path(), { token: demo.tokens.admin, body });
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error.details.map((d: { path: string }) => d.path).join(' '), JSON.stringify(body)).toContain(field);
      }
      expect(await stored()).toEqual(before);
      expect((await t.request('PUT', '/api/v1/people/00000000-0000-4000-8000-000000000000/notifications', { token: demo.tokens.admin, body: { channels: [] } })).status).toBe(404);
    });
  });

  describe('the page /people/{id}/notifications', () => {
    const page = () => `/people/${target}/notifications`;

    it('is linked from the people page; a staff member gets a 403 page, a signed-out visitor sign-in', async () => {
      expect((await get('publicity', '/people')).text).toContain(`href="/people/${target}/notifications"`);
      const staff = await get('drafter', page());
      expect(staff.status).toBe(403);
      expect(staff.headers.get('content-type')).toContain('text/html');
      expect(staff.text).not.toContain('wang.xzr');
      expect((await post('drafter', page(), [['channels', 'webhook']])).status).toBe(403);
      const out = await t.request('GET', page());
      expect(out.status).toBe(303);
      expect(out.headers.get('location')).toMatch(/^\/login\?next=/);
      expect((await get('admin', '/people/00000000-0000-4000-8000-000000000000/notifications')).status).toBe(404);
      expect((await get('admin', '/people/nope/notifications')).status).toBe(404);
    });

    it('an admin sees the form prefilled with what the person set, and saves a change the person’s /settings then shows', async () => {
      await t.request('PUT', `/api/v1/people/${target}/notifications`, { token: demo.tokens.section_head, body: { channels: ['email'], wecomUserId: 'wang.xzr' } });
      const form = await get('admin', page());
      expect(form.status).toBe(200);
      expect(form.text).toContain('王系主任 · 通知方式');
      expect(form.text).toContain(`action="/people/${target}/notifications"`);
      expect(form.text).toMatch(/id="f-channels-0" name="channels">[\s\S]*?<option value="email" selected/);
      expect(form.text).toContain('value="wang.xzr"');

      const saved = await post('admin', page(), [['channels', 'dingtalk'], ['channels', 'email'], ['channels', ''], ['channels', ''], ['channels', ''], ['phone', ' 13900139000 '], ['wecomUserId', ''], ['dingtalkUserId', 'wangxzr']]);
      expect(saved.status).toBe(200);
      expect(saved.text).toContain('王系主任 的通知方式已保存');
      expect(await stored()).toEqual({ channels: ['dingtalk', 'email'], phone: '13900139000', wecomUserId: null, dingtalkUserId: 'wangxzr' });
      const settings = await get('section_head', '/settings');
      expect(settings.text).toMatch(/id="f-channels-0" name="channels">[\s\S]*?<option value="dingtalk" selected/);
      expect(settings.text).toMatch(/id="f-channels-1" name="channels">[\s\S]*?<option value="email" selected/);
      expect(settings.text).toContain('value="wangxzr"');
    });

    it('refuses a bad form in the error summary naming the field, keeps what was typed, saves nothing; CSRF refused', async () => {
      const before = await stored();
      const bad = await post('admin', page(), [['channels', 'wecom'], ['channels', 'wecom'], ['phone', 'call me']]);
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('error-summary');
      expect(bad.text).toContain('href="#f-channels"');
      expect(bad.text).toContain('href="#f-phone"');
      expect(bad.text).toContain('手机号：须为手机号码');
      expect(bad.text).toContain('value="call me"');
      const en = await post('admin', `${page()}?lang=en`, [['channels', 'sms']]);
      expect(en.status).toBe(400);
      expect(en.text).toContain('channels');
      expect(en.text).not.toContain('[object Object]');
      const forged = await post('admin', page(), [['channels', 'webhook']], 'forged');
      expect(forged.status).toBe(403);
      expect(await stored()).toEqual(before);
    });

    it('the publicity department reads the preferences without a form; its post is refused', async () => {
      const before = await stored();
      const read = await get('publicity', page());
      expect(read.status).toBe(200);
      expect(read.text).toContain('王系主任 · 通知方式');
      expect(read.text).toMatch(/<ol class="channels"><li>钉钉<\/li><li>电子邮件<\/li><\/ol>/);
      expect(read.text).toContain('wangxzr');
      expect(read.text).not.toContain(`action="/people/${target}/notifications"`);
      expect(read.text).not.toContain('name="channels"');
      const refused = await post('publicity', page(), [['channels', 'webhook']]);
      expect(refused.status).toBe(403);
      expect(await stored()).toEqual(before);
    });
  });

  describe('who writes a unit’s robots and resends a failed notification', () => {
    it('admin 200, publicity 403 on writes and 200 on reads, staff 403 on both', async () => {
      await submitDraft(t, demo, '角色表测试稿');
      await t.deliver();
      const { db } = t.runtime.database;
      const [sent] = await db.select({ id: deliveries.id }).from(deliveries).where(and(eq(deliveries.personId, target), isNotNull(deliveries.outboxId))).limit(1);
      await db.update(deliveries).set({ status: 'failed', lastError: 'HTTP 550' }).where(eq(deliveries.id, sent!.id));
      const robots = { webhook: { url: 'https://oa.example.edu.cn/hooks/imprimatur' } };
      const table = [['drafter', 403, 403], ['publicity', 200, 403], ['admin', 200, 200]] as const;
      for (const [who, read, write] of table) {
        const token = demo.tokens[who]!;
        expect((await t.request('GET', '/api/v1/units', { token })).status, `${who} reads units`).toBe(read);
        expect((await t.request('GET', '/api/v1/deliveries?status=failed', { token })).status, `${who} reads deliveries`).toBe(read);
        expect((await t.request('PUT', `/api/v1/units/${demo.unitId}/robots`, { token, body: robots })).status, `${who} sets robots`).toBe(write);
        expect((await t.request('POST', `/api/v1/deliveries/${sent!.id}/resend`, { token })).status, `${who} resends`).toBe(write);
      }
      const unit = (await t.request('GET', `/api/v1/units/${demo.unitId}`, { token: demo.tokens.admin })).body;
      expect(unit.robots.webhook.configured).toBe(true);
      const resent = (await t.request('GET', '/api/v1/audit/events?action=delivery.resent', { token: demo.tokens.admin })).body.items;
      expect(resent.map((e: { actorId: string }) => e.actorId)).toEqual([demo.people.admin]);
    });
  });
});
