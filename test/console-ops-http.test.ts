import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { deliveries, units } from '../db/schema';
import { appendAudit } from '../src/services/audit';
import { auditEventsQuery } from '../src/services/audit-log';
import { createTestEnv, submitDraft, type TestEnv } from './harness';
import type { Demo } from './registry-fixtures';
import { explain } from './support/explain';

/**
 * The console's operations over HTTP: the audit log API and page (filters, keyset pages, chain
 * positions and hashes, no secrets), the chain check, and who may see them (a staff member gets a
 * 403 page or answer, never data).
 */
describe('console operations over HTTP', () => {
  let t: TestEnv;
  let demo: Demo;
  let draftId: string;
  const sessions: Record<string, { cookie: string; csrf: string }> = {};
  const emailOf = async (id: string) => (await t.request('GET', `/api/v1/people/${id}`, { token: demo.tokens.admin })).body.email as string;
  const get = (who: string, path: string) => t.request('GET', path, { cookie: sessions[who]!.cookie });
  const post = (who: string, path: string, form: Record<string, string> = {}) => t.request('POST', path, { cookie: sessions[who]!.cookie, form: { _csrf: sessions[who]!.csrf, ...form } });

  beforeAll(async () => {
    t = await createTestEnv('postgres');
    demo = await t.seed();
    draftId = await submitDraft(t, demo, '审计日志测试稿');
    for (const key of ['drafter', 'publicity', 'admin']) sessions[key] = await t.signIn(await emailOf(demo.people[key]!));
    // An event carrying what must never be shown, as a careless future service might record it.
    await t.runtime.database.db.transaction((tx) => appendAudit(tx as never, {
      actorId: demo.people.admin!, action: 'unit.robots_set', subjectType: 'unit', subjectId: demo.unitId, at: t.clock.now,
      data: { robots: { dingtalk: { url: 'https://oapi.dingtalk.com/robot/send?access_token=LEAKED-ACCESS', secret: 'SECLEAKEDSECRET' } }, link: 'http://imprimatur.test/s/LEAKEDLINKTOKEN0123456789abcdef' },
    }));
  });
  afterAll(async () => t?.close());

  describe('GET /api/v1/audit/events', () => {
    it('is for admins and the publicity department only', async () => {
      expect((await t.request('GET', '/api/v1/audit/events', { token: demo.tokens.drafter })).status).toBe(403);
      expect((await t.request('GET', '/api/v1/audit/events')).status).toBe(401);
      expect((await t.request('GET', '/api/v1/audit/events', { token: demo.tokens.publicity })).status).toBe(200);
    });

    it('lists a draft’s events newest first, each sealed with its chain position and hash', async () => {
      const res = await t.request('GET', `/api/v1/audit/events?draftId=${draftId}`, { token: demo.tokens.admin });
      expect(res.status, res.text).toBe(200);
      const items = res.body.items as { seq: number; chainNo: number; hash: string; prevHash: string; action: string; actorName: string; draftId: string }[];
      expect(items.map((e) => e.action)).toEqual(['draft.submitted', 'draft.created']);
      expect(items.every((e) => e.draftId === draftId && /^[0-9a-f]{64}$/.test(e.hash) && /^[0-9a-f]{64}$/.test(e.prevHash) && e.chainNo > 0)).toBe(true);
      expect(items[0]!.chainNo).toBeGreaterThan(items[1]!.chainNo);
      expect(items[0]!.actorName).toBe('李撰稿');
      expect(res.body.next).toBeNull();
    });

    it('filters by person, action family and time; pages by a keyset cursor without gaps or repeats', async () => {
      const byDrafter = (await t.request('GET', `/api/v1/audit/events?actorId=${demo.people.drafter}&limit=200`, { token: demo.tokens.admin })).body.items as { actorId: string }[];
      expect(byDrafter.length).toBeGreaterThan(0);
      expect(byDrafter.every((e) => e.actorId === demo.people.drafter)).toBe(true);
      const family = (await t.request('GET', '/api/v1/audit/events?action=draft&limit=200', { token: demo.tokens.admin })).body.items as { action: string }[];
      expect(family.length).toBeGreaterThanOrEqual(2);
      expect(family.every((e) => e.action.startsWith('draft.'))).toBe(true);
      // A wildcard typed in is a literal: `draft_` matches no `draft.…` action.
      expect((await t.request('GET', '/api/v1/audit/events?action=draf_', { token: demo.tokens.admin })).body.items).toEqual([]);
      const future = new Date(t.clock.now.getTime() + 86400_000).toISOString();
      expect((await t.request('GET', `/api/v1/audit/events?from=${encodeURIComponent(future)}`, { token: demo.tokens.admin })).body.items).toEqual([]);
      expect((await t.request('GET', `/api/v1/audit/events?to=${encodeURIComponent(future)}&limit=1`, { token: demo.tokens.admin })).body.items).toHaveLength(1);

      const all = (await t.request('GET', '/api/v1/audit/events?limit=200', { token: demo.tokens.admin })).body.items.map((e: { seq: number }) => e.seq) as number[];
      const paged: number[] = [];
      let before: number | null = null;
      do {
        const page: { body: { items: { seq: number }[]; next: number | null } } = await t.request('GET', `/api/v1/audit/events?limit=7${before ? `&before=${before}` : ''}`, { token: demo.tokens.admin });
        paged.push(...page.body.items.map((e) => e.seq));
        before = page.body.next;
      } while (before);
      expect(paged).toEqual(all);
    });

    it('never shows a secret or a token from a payload', async () => {
      const res = await t.request('GET', '/api/v1/audit/events?action=unit.robots_set', { token: demo.tokens.admin });
      expect(res.status).toBe(200);
      expect(res.text).not.toMatch(/LEAKED|SECLEAKEDSECRET/);
      expect(res.body.items[0].data.robots.dingtalk.secret).toMatch(/redacted/);
      expect(res.body.items[0].data.robots.dingtalk.url).toMatch(/^https:\/\/oapi\.dingtalk\.com\/robot\/send\?access_token=/);
    });

    it('refuses bad filters by field, 400 and never a 5xx', async () => {
      for (const [q, field] of [['draftId=nope', 'draftId'], ['action=DROP%20TABLE', 'action'], ['from=yesterday', 'from'], ['before=0', 'before'], ['limit=999', 'limit']]) {
        const res = await t.request('GET', `/api/v1/audit/events?${q}`, { token: demo.tokens.admin });
        expect(res.status, q).toBe(400);
        expect(JSON.stringify(res.body.error.details), q).toContain(field);
      }
    });
  });

  describe('the audit page', () => {
    it('answers a staff member with a 403 page, a signed-out visitor with sign-in', async () => {
      const staff = await get('drafter', '/audit');
      expect(staff.status).toBe(403);
      expect(staff.headers.get('content-type')).toContain('text/html');
      expect(staff.text).not.toContain('draft.submitted');
      expect((await post('drafter', '/audit/verify')).status).toBe(403);
      const out = await t.request('GET', '/audit');
      expect(out.status).toBe(303);
      expect(out.headers.get('location')).toBe('/login?next=%2Faudit');
    });

    it('shows events with chain position and hash, filtered; bad filters in the error summary', async () => {
      const res = await get('publicity', `/audit?draftId=${draftId}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain('draft.submitted');
      expect(res.text).toMatch(/class="mono hash"[^>]*>[0-9a-f]{64}</);
      expect(res.text).not.toContain('unit.robots_set');
      // What an event is about, in the reader's words rather than the table's ("unit").
      const appointments = await get('publicity', '/audit?action=position');
      expect(appointments.text).toContain('<span>单位</span>');
      const bad = await get('publicity', '/audit?draftId=nope&from=2026-13-45');
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('error-summary');
      expect(bad.text).toContain('href="#f-draftId"');
      expect(bad.text).toContain('href="#f-from"');
      const secrets = await get('admin', '/audit?action=unit.robots_set');
      expect(secrets.text).not.toMatch(/LEAKED|SECLEAKEDSECRET/);
    });

    it('runs the chain check from a button (CSRF-protected) and says the result', async () => {
      const res = await post('admin', '/audit/verify');
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/审计链完整：共 \d+ 个事件/);
      const forged = await t.request('POST', '/audit/verify', { cookie: sessions.admin!.cookie, form: {} });
      expect(forged.status).toBe(403);
      const en = await post('publicity', '/audit/verify?lang=en');
      expect(en.text).toMatch(/The audit chain is intact: \d+ events/);
    });
  });

  describe('a unit’s robots page', () => {
    const robotsOf = async () => (await t.runtime.database.db.select({ robots: units.robots }).from(units).where(eq(units.id, demo.unitId)))[0]!.robots as Record<string, { url: string; secret?: string }>;

    it('is for admins and the publicity department: a staff member gets a 403 page, a signed-out visitor sign-in', async () => {
      const staff = await get('drafter', `/units/${demo.unitId}/robots`);
      expect(staff.status).toBe(403);
      expect(staff.headers.get('content-type')).toContain('text/html');
      expect((await post('drafter', `/units/${demo.unitId}/robots/wecom`, { 'wecom-url': 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x' })).status).toBe(403);
      expect((await post('drafter', `/units/${demo.unitId}/robots/wecom/test`)).status).toBe(403);
      expect((await t.request('GET', `/units/${demo.unitId}/robots`)).status).toBe(303);
      expect((await get('admin', '/units/00000000-0000-4000-8000-000000000000/robots')).status).toBe(404);
      expect((await get('admin', `/units/${demo.unitId}/robots/nope`)).status).toBe(404);
      expect((await post('admin', `/units/${demo.unitId}/robots/telegram`, { 'telegram-url': 'https://x.example' })).status).toBe(404);
      expect(await robotsOf()).toEqual({});
    });

    it('refuses what the API refuses, by field: not https, a private address, no URL; nothing saved', async () => {
      for (const [url, says] of <[string, string][]>[['http://oapi.dingtalk.com/robot/send?access_token=a', 'https'], ['https://127.0.0.1/robot/send', '地址'], ['', '钉钉群机器人地址']]) {
        const res = await post('admin', `/units/${demo.unitId}/robots/dingtalk`, { 'dingtalk-url': url });
        expect(res.status, url).toBe(400);
        expect(res.text, url).toContain('href="#f-dingtalk-url"');
        expect(res.text, url).toContain(says);
        expect(res.text).not.toContain('[object Object]');
      }
      const api = await t.request('PUT', `/api/v1/units/${demo.unitId}/robots`, { token: demo.tokens.admin, body: { dingtalk: { url: 'https://127.0.0.1/robot/send' } } });
      expect(api.status).toBe(400);
      expect(await robotsOf()).toEqual({});
    });

    it('sets one robot without touching the others, keeps a secret left empty, never shows a key; CSRF refused', async () => {
      await t.request('PUT', `/api/v1/units/${demo.unitId}/robots`, { token: demo.tokens.admin, body: { feishu: { url: 'https://open.feishu.cn/open-apis/bot/v2/hook/FEISHUKEY', secret: 'FEISHUSECRET' } } });
      const set = await post('admin', `/units/${demo.unitId}/robots/dingtalk`, { 'dingtalk-url': 'https://oapi.dingtalk.com/robot/send?access_token=DINGKEY', 'dingtalk-secret': 'SECDING' });
      expect(set.status).toBe(200);
      expect(set.text).toContain('钉钉群机器人已保存');
      expect(await robotsOf()).toEqual({
        feishu: { url: 'https://open.feishu.cn/open-apis/bot/v2/hook/FEISHUKEY', secret: 'FEISHUSECRET' },
        dingtalk: { url: 'https://oapi.dingtalk.com/robot/send?access_token=DINGKEY', secret: 'SECDING' },
      });
      await post('admin', `/units/${demo.unitId}/robots/dingtalk`, { 'dingtalk-url': 'https://oapi.dingtalk.com/robot/send?access_token=DINGKEY2' });
      expect((await robotsOf()).dingtalk).toEqual({ url: 'https://oapi.dingtalk.com/robot/send?access_token=DINGKEY2', secret: 'SECDING' });
      await post('admin', `/units/${demo.unitId}/robots/dingtalk`, { 'dingtalk-url': 'https://oapi.dingtalk.com/robot/send?access_token=DINGKEY2', 'dingtalk-removeSecret': 'yes' });
      expect((await robotsOf()).dingtalk).toEqual({ url: 'https://oapi.dingtalk.com/robot/send?access_token=DINGKEY2' });
      const page = await get('admin', `/units/${demo.unitId}/robots`);
      expect(page.text).not.toMatch(/DINGKEY|FEISHUKEY|FEISHUSECRET|SECDING/);
      expect((await get('admin', `/units/${demo.unitId}`)).text).toContain(`/units/${demo.unitId}/robots`);
      const forged = await t.request('POST', `/units/${demo.unitId}/robots/dingtalk/remove`, { cookie: sessions.admin!.cookie, form: {} });
      expect(forged.status).toBe(403);
      expect((await robotsOf()).dingtalk).toBeDefined();
      const removed = await post('admin', `/units/${demo.unitId}/robots/dingtalk/remove`);
      expect(removed.text).toContain('钉钉群机器人已移除');
      expect(Object.keys(await robotsOf())).toEqual(['feishu']);
      // The audit says which robots were set, never their keys.
      const events = (await t.request('GET', '/api/v1/audit/events?action=unit.robots_set&limit=5', { token: demo.tokens.admin })).text;
      expect(events).not.toMatch(/DINGKEY|FEISHUSECRET|SECDING/);
    });

    it('the publicity department reads which robots are set, with no form; its posts are refused', async () => {
      const before = await robotsOf();
      const read = await get('publicity', `/units/${demo.unitId}/robots`);
      expect(read.status).toBe(200);
      expect(read.text).toContain('群机器人由管理员设置');
      expect(read.text).toMatch(/id="robot-feishu"><h2>[^<]*<span class="tag ok">已配置/);
      expect(read.text).not.toMatch(/<form[^>]*action="\/units\/[^"]*\/robots/);
      expect((await get('publicity', `/units/${demo.unitId}`)).text).toContain('查看群机器人');
      for (const path of ['wecom', 'feishu/test', 'feishu/remove']) {
        const res = await post('publicity', `/units/${demo.unitId}/robots/${path}`, { 'wecom-url': 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x' });
        expect(res.status, path).toBe(403);
        expect(res.headers.get('content-type')).toContain('text/html');
      }
      expect(await robotsOf()).toEqual(before);
    });

    it('a test message is queued only to a robot that is set', async () => {
      const none = await post('admin', `/units/${demo.unitId}/robots/wecom/test`);
      expect(none.status).toBe(409);
      expect(none.text).toContain('该机器人尚未配置');
      const queued = await post('admin', `/units/${demo.unitId}/robots/feishu/test`);
      expect(queued.status).toBe(200);
      expect(queued.text).toContain('测试消息已排队发往飞书群机器人');
    });
  });

  describe('the deliveries page', () => {
    let failedId: string;
    beforeAll(async () => {
      // The feishu test message cannot reach open.feishu.cn from here: it ends failed for good.
      await t.deliver();
      const [row] = await t.runtime.database.db.update(deliveries).set({ status: 'failed', lastError: 'HTTP 403 (code 19021: sign match fail)' }).where(eq(deliveries.kind, 'robot_test')).returning();
      failedId = row!.id;
    });

    it('is for admins and the publicity department; a staff member gets a 403 page', async () => {
      const staff = await get('drafter', '/deliveries');
      expect(staff.status).toBe(403);
      expect(staff.text).not.toContain('19021');
      expect((await post('drafter', `/deliveries/${failedId}/resend`)).status).toBe(403);
      expect((await t.request('GET', '/deliveries')).status).toBe(303);
    });

    it('lists the failed sends by default, filters by status and channel, with the last error and the draft', async () => {
      const failed = await get('publicity', '/deliveries');
      expect(failed.status).toBe(200);
      expect(failed.text).toContain('群机器人测试消息');
      expect(failed.text).toContain('19021');
      // Publicity reads; the 重新发送 button is the admins'.
      expect(failed.text).not.toContain(`/deliveries/${failedId}/resend`);
      expect((await get('admin', '/deliveries')).text).toContain(`/deliveries/${failedId}/resend`);
      expect((await get('publicity', '/deliveries?status=failed&channel=email')).text).not.toContain('群机器人测试消息');
      const sent = await get('publicity', '/deliveries?status=sent&channel=email');
      expect(sent.text).toContain(`/drafts/${draftId}`);
      expect(sent.text).toContain('审计日志测试稿');
      // Filters that do not parse are ignored, never a 500.
      expect((await get('publicity', '/deliveries?status=bogus&channel=fax&offset=-3')).status).toBe(200);
      const api = await t.request('GET', '/api/v1/deliveries?status=failed&channel=feishu', { token: demo.tokens.publicity });
      expect(api.body.items).toEqual([expect.objectContaining({ id: failedId, kind: 'robot_test', personName: '周管理员', topic: 'unit.robot_test', lastError: expect.stringContaining('19021') })]);
      const byDraft = await t.request('GET', '/api/v1/deliveries?status=sent&channel=email', { token: demo.tokens.publicity });
      expect(byDraft.body.items.some((d: { draftId: string; draftTitle: string }) => d.draftId === draftId && d.draftTitle === '审计日志测试稿')).toBe(true);
      expect((await t.request('GET', '/api/v1/deliveries?channel=fax', { token: demo.tokens.publicity })).status).toBe(400);
    });

    it('重新发送 queues a failed send again and says so; a second click is refused in the error summary; CSRF refused', async () => {
      const forged = await t.request('POST', `/deliveries/${failedId}/resend`, { cookie: sessions.admin!.cookie, form: {} });
      expect(forged.status).toBe(403);
      const publicity = await post('publicity', `/deliveries/${failedId}/resend?status=failed`);
      expect(publicity.status).toBe(403);
      expect(publicity.text).not.toContain('已重新排队发送');
      const res = await post('admin', `/deliveries/${failedId}/resend?status=failed`);
      expect(res.status).toBe(200);
      expect(res.text).toContain('已重新排队发送：发给 周管理员 的群机器人测试消息（飞书群机器人）');
      const again = await post('admin', `/deliveries/${failedId}/resend?status=failed`);
      expect(again.status).toBe(409);
      expect(again.text).toContain('error-summary');
      expect(again.text).toContain('只能重发失败的通知');
      expect((await post('admin', '/deliveries/00000000-0000-4000-8000-000000000000/resend')).status).toBe(404);
      expect((await post('admin', '/deliveries/nope/resend')).status).toBe(404);
      const audit = (await t.request('GET', '/api/v1/audit/events?action=delivery.resent', { token: demo.tokens.admin })).body.items;
      expect(audit[0].subjectId).toBe(failedId);
    });
  });

  // Last: it stores events that nothing seals or lists afterwards.
  it('the log filtered by a person reads that person\'s events by index, not every event newest first', async () => {
    const db = t.runtime.database.db;
    await db.execute(sql`insert into audit_events (at, actor_id, action, subject_type, subject_id, data)
      select now(), ${demo.people.drafter}::uuid, 'draft.updated', 'draft', g::text, '{}'::jsonb from generate_series(1, 20000) g`);
    await db.execute(sql`analyze audit_events`);
    const text = await explain(db, auditEventsQuery(db, { actorId: demo.people.secretary!, limit: 50 }));
    expect(text).toContain('audit_events_actor_idx');
    expect(text).not.toMatch(/Seq Scan on audit_events|audit_events_pkey/);
  });
});
