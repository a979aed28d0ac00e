import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../src/services/audit';
import { createTestEnv, submitDraft, type TestEnv } from './harness';
import type { Demo } from './registry-fixtures';

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
});
