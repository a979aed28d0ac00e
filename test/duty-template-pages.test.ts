import { and, asc, eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, dutyObligations, dutyTemplates } from '../db/schema';
import { createPeriodObligations } from '../src/services/duties';
import { browserAs, hasChromium, noSideways, openBrowser } from './browser';
import { createTestEnv, type TestEnv } from './harness';
import type { Demo } from './registry-fixtures';
import { expectAsNeeded } from './support/as-needed';
import { itChecksPageAccess, sessionsOf } from './support/access';

/**
 * The publicity department's template forms (/duties/templates/new, /{id}/edit, retire): checked by
 * the API's own body schemas, refusals re-rendered beside the field with nothing changed, a created
 * template's obligations made by the period sweep, publicity and admin only; then in Chromium.
 */
type Who = 'none' | 'staffA' | 'leaderA' | 'officerA' | 'publicity' | 'admin';
const cst = (local: string) => new Date(`${local}+08:00`);

describe('duty template pages', () => {
  let t: TestEnv;
  let a: Demo;
  let b: Demo;
  let defaultId = '';
  const person = (who: Who) => ({ none: undefined, staffA: a.people.drafter, leaderA: a.people.deputy_leader, officerA: a.people.publicity_officer, publicity: a.people.publicity, admin: a.people.admin })[who];
  const { session, emailOf } = sessionsOf<Who>(() => t, person);

  beforeAll(async () => {
    t = await createTestEnv('postgres');
    t.clock.now = cst('2026-04-02T10:00:00');
    a = await t.seed();
    b = await t.seed();
    defaultId = (await templates()).find((x) => x.key === 'seed002.yuqing-yanpan')!.id;
  }, 60_000);
  afterAll(() => t?.close());

  async function templates(): Promise<{ id: string; key: string | null; title: string; recurrence: string; dates: string[]; dueRule: Record<string, unknown>; scope: unknown; evidence: string[]; reviewer: string; responsible: string; active: boolean; source: string | null }[]> {
    return (await t.request('GET', '/api/v1/duties/templates', { token: a.tokens.drafter })).body.items;
  }
  /** Posts the form as a browser does: repeated fields (evidence, scopeUnits, dates) as repeated pairs. */
  async function post(path: string, fields: [string, string][], who: Who = 'publicity') {
    const s = (await session(who))!;
    const body = new URLSearchParams([['_csrf', s.csrf], ...fields]).toString();
    return t.request('POST', path, { cookie: s.cookie, raw: body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }
  const quarterly = (title: string, extra: [string, string][] = []): [string, string][] => [
    ['title', title], ['content', '每季度报告本单位网络评论员队伍工作情况。'], ['source', '种子 003'], ['responsible', 'publicity_officer'], ['reviewer', 'publicity'],
    ['recurrence', 'quarterly'], ['dates', ''], ['dueFrom', 'period_end'], ['dueDays', '10'], ['dueUnit', 'working_days'], ['dueRoll', 'next_working_day'],
    ['evidence', 'report'], ['evidence', 'form'], ...extra,
  ];
  /** The error summary's text of a re-rendered form. */
  const summary = (html: string) => /<div class="error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  const countTemplates = async () => (await t.runtime.database.db.select({ id: dutyTemplates.id }).from(dutyTemplates)).length;

  describe('who may use them', () => {
    itChecksPageAccess<Who>(() => t, session, [
      ['the templates list', () => ['GET', '/duties/templates'], { none: 303, staffA: 200, leaderA: 200, officerA: 200, publicity: 200, admin: 200 }],
      ['the new template form', () => ['GET', '/duties/templates/new'], { none: 303, staffA: 403, leaderA: 403, officerA: 403, publicity: 200, admin: 200 }],
      ['a template’s edit form', () => ['GET', `/duties/templates/${defaultId}/edit`], { none: 303, staffA: 403, leaderA: 403, officerA: 403, publicity: 200, admin: 200 }],
      // An empty form: refused by role first, else re-rendered with what is missing (400) — nothing saved either way.
      ['saving a new template', () => ['POST', '/duties/templates/new', {}], { none: 303, staffA: 403, leaderA: 403, officerA: 403, publicity: 400, admin: 400 }],
      ['saving a change', () => ['POST', `/duties/templates/${defaultId}/edit`, { title: '' }], { none: 303, staffA: 403, leaderA: 403, officerA: 403, publicity: 400, admin: 400 }],
      ['retiring', () => ['POST', `/duties/templates/${defaultId}/active`, { active: 'maybe' }], { none: 303, staffA: 403, leaderA: 403, officerA: 403, publicity: 400, admin: 400 }],
      ['an unknown template', () => ['GET', '/duties/templates/00000000-0000-4000-8000-000000000000/edit'], { staffA: 403, publicity: 404 }],
    ]);

    it('the list links to the forms for the department only; staff read it without them', async () => {
      const asStaff = await t.request('GET', '/duties/templates', { cookie: (await session('staffA'))!.cookie });
      expect(asStaff.text).toContain('舆情研判');
      // Sources are named as documents, never by the project's own word for them (种子 seed).
      expect(asStaff.text).toContain('《网络意识形态工作责任制重点任务清单》');
      expect(asStaff.text).not.toContain('种子');
      expect(asStaff.text).not.toContain('/duties/templates/new');
      expect(asStaff.text).not.toContain('/edit"');
      const asPublicity = await t.request('GET', '/duties/templates', { cookie: (await session('publicity'))!.cookie });
      expect(asPublicity.text).toContain('href="/duties/templates/new"');
      expect(asPublicity.text).toContain(`href="/duties/templates/${defaultId}/edit"`);
    });

    it('a form without the session’s CSRF token is refused and saves nothing', async () => {
      const before = await countTemplates();
      const s = (await session('publicity'))!;
      const res = await t.request('POST', '/duties/templates/new', { cookie: s.cookie, raw: new URLSearchParams(quarterly('伪造的模板')).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(res.status).toBe(403);
      expect(await countTemplates()).toBe(before);
    });
  });

  describe('the forms over HTTP', () => {
    it('bad input is re-rendered naming the field, with what was typed kept, and nothing changes', async () => {
      const before = await countTemplates();
      const without = (name: string) => quarterly('错误输入').filter(([k]) => k !== name);
      const cases: [string, [string, string][], string][] = [
        ['no title', [['title', ''], ...without('title')], '职责名称'],
        ['days not a number', [...without('dueDays'), ['dueDays', '十五']], '天数'],
        ['days past a year', [...without('dueDays'), ['dueDays', '400']], '天数：不能大于 366'],
        ['no evidence', without('evidence'), '需提交的材料'],
        ['an unknown reviewer', [...without('reviewer'), ['reviewer', 'nobody']], '审核方'],
        ['dates recurrence without dates', [...without('recurrence'), ['recurrence', 'dates']], '规定日期'],
        ['a day that does not exist', [...without('recurrence').filter(([k]) => k !== 'dates'), ['recurrence', 'dates'], ['dates', '06-30'], ['dates', '02-30']], '规定日期'],
        ['an unknown unit', [...without('title'), ['title', '错误输入'], ['scopeUnits', '00000000-0000-4000-8000-000000000000']], '适用单位'],
        ['a NUL in the content', [...without('content'), ['content', 'a\u0000b']], '工作内容'],
      ];
      for (const [what, fields, field] of cases) {
        const res = await post('/duties/templates/new', fields);
        expect(`${what}: ${res.status}`).toBe(`${what}: 400`);
        expect(res.headers.get('content-type')).toContain('text/html');
        expect(summary(res.text), what).toContain(field);
      }
      // What was typed comes back: the bad day stays in its box to be corrected.
      const kept = await post('/duties/templates/new', cases[6]![1]);
      expect(kept.text).toContain('value="02-30"');
      expect(kept.text).toContain('value="错误输入"');
      expect(summary(kept.text)).toContain('href="#f-dates"');
      expect(await countTemplates()).toBe(before);
    });

    it('the dates list grows without scripts: 再加一个日期 re-renders the form with another box and saves nothing', async () => {
      const before = await countTemplates();
      const res = await post('/duties/templates/new', [...quarterly('按日期'), ['dates', '06-30'], ['moreDates', '1']]);
      expect(res.status).toBe(200);
      expect([...res.text.matchAll(/name="dates"/g)].length).toBe(3); // 06-30, the blank posted, one more
      expect(res.text).toContain('value="06-30"');
      expect(await countTemplates()).toBe(before);
    });

    let createdId = '';
    it('a valid form creates the template (audited as the publicity person’s act); the sweep gives the bound unit this quarter’s duty', async () => {
      const res = await post('/duties/templates/new', [...quarterly('网络评论员工作季度报告'), ['scopeUnits', a.unitId]]);
      expect(res.status, summary(res.text)).toBe(303);
      const made = (await templates()).find((x) => x.title === '网络评论员工作季度报告')!;
      createdId = made.id;
      expect(res.headers.get('location')).toBe(`/duties/templates?done=created#template-${made.id}`);
      expect(made).toMatchObject({
        recurrence: 'quarterly', dates: [], responsible: 'publicity_officer', reviewer: 'publicity', evidence: ['report', 'form'], source: '种子 003', active: true,
        dueRule: { from: 'period_end', days: 10, unit: 'working_days', roll: 'next_working_day' }, scope: { units: [a.unitId] },
      });
      const [audit] = await t.runtime.database.db.select({ actorId: auditEvents.actorId }).from(auditEvents).where(and(eq(auditEvents.subjectId, made.id), eq(auditEvents.action, 'duty_template.created')));
      expect(audit!.actorId).toBe(a.people.publicity);
      // The list says so and shows it.
      const list = await t.request('GET', '/duties/templates?done=created', { cookie: (await session('publicity'))!.cookie });
      expect(list.text).toContain('模板已新建');
      expect(list.text).toContain(`id="template-${made.id}"`);

      await createPeriodObligations(t.runtime.database.db, t.runtime.deps, t.clock.now);
      const duties = await t.runtime.database.db.select({ unitId: dutyObligations.unitId, period: dutyObligations.period, dueDay: dutyObligations.dueDay })
        .from(dutyObligations).where(eq(dutyObligations.templateId, made.id));
      // Q2 ends on Tuesday 30 June; 10 working days later (no holiday in between) is Tuesday 14 July.
      expect(duties).toEqual([{ unitId: a.unitId, period: '2026-Q2', dueDay: '2026-07-14' }]);
      // The next quarter brings the next one.
      await createPeriodObligations(t.runtime.database.db, t.runtime.deps, cst('2026-07-01T09:00:00'));
      const periods = await t.runtime.database.db.select({ period: dutyObligations.period }).from(dutyObligations).where(eq(dutyObligations.templateId, made.id)).orderBy(asc(dutyObligations.period));
      expect(periods.map((p) => p.period)).toEqual(['2026-Q2', '2026-Q3']);
    });

    it('the edit form starts from the template; a change is saved and audited with what moved; the duties already made keep their due day', async () => {
      const publicity = (await session('publicity'))!;
      const form = await t.request('GET', `/duties/templates/${createdId}/edit`, { cookie: publicity.cookie });
      expect(form.status).toBe(200);
      expect(form.text).toContain('value="网络评论员工作季度报告"');
      expect(form.text).toMatch(/value="working_days" selected/);
      expect(form.text).toContain('季度结束后 10 个工作日内');
      const changed = await post(`/duties/templates/${createdId}/edit`, [...quarterly('网络评论员工作半年报告').filter(([k]) => k !== 'recurrence' && k !== 'dueRoll'), ['recurrence', 'half_yearly'], ['scopeUnits', a.unitId]]);
      expect(changed.status, summary(changed.text)).toBe(303);
      expect(changed.headers.get('location')).toBe(`/duties/templates?done=updated#template-${createdId}`);
      expect((await templates()).find((x) => x.id === createdId)).toMatchObject({ title: '网络评论员工作半年报告', recurrence: 'half_yearly', dueRule: { roll: 'none' } });
      const [audit] = await t.runtime.database.db.select({ data: auditEvents.data }).from(auditEvents).where(and(eq(auditEvents.subjectId, createdId), eq(auditEvents.action, 'duty_template.updated')));
      expect(Object.keys((audit!.data as { changed: object }).changed).sort()).toEqual(['dueRule', 'recurrence', 'title']);
      const [q2] = await t.runtime.database.db.select({ dueDay: dutyObligations.dueDay }).from(dutyObligations).where(and(eq(dutyObligations.templateId, createdId), eq(dutyObligations.period, '2026-Q2')));
      expect(q2!.dueDay).toBe('2026-07-14');
      // A refused change leaves the template as it was.
      const refused = await post(`/duties/templates/${createdId}/edit`, [...quarterly('').filter(([k]) => k !== 'evidence')]);
      expect(refused.status).toBe(400);
      expect(summary(refused.text)).toContain('职责名称');
      expect(summary(refused.text)).toContain('需提交的材料');
      expect((await templates()).find((x) => x.id === createdId)!.title).toBe('网络评论员工作半年报告');
    });

    it('a dates template from the form; retiring stops new duties, reactivating brings them back', async () => {
      const res = await post('/duties/templates/new', [...quarterly('节假日前网络安全检查').filter(([k]) => k !== 'recurrence' && k !== 'dates'), ['recurrence', 'dates'], ['dates', '12-20'], ['dates', ''], ['dates', '04-30']]);
      expect(res.status, summary(res.text)).toBe(303);
      const made = (await templates()).find((x) => x.title === '节假日前网络安全检查')!;
      expect(made).toMatchObject({ recurrence: 'dates', dates: ['12-20', '04-30'], scope: { units: 'all' } });

      const retired = await post(`/duties/templates/${made.id}/active`, [['active', 'false']]);
      expect(retired.status).toBe(303);
      expect(retired.headers.get('location')).toBe(`/duties/templates?done=retired#template-${made.id}`);
      expect((await templates()).find((x) => x.id === made.id)!.active).toBe(false);
      const edit = await t.request('GET', `/duties/templates/${made.id}/edit`, { cookie: (await session('publicity'))!.cookie });
      expect(edit.text).toContain('重新启用模板');
      await createPeriodObligations(t.runtime.database.db, t.runtime.deps, t.clock.now);
      const made0 = await t.runtime.database.db.select({ id: dutyObligations.id }).from(dutyObligations).where(eq(dutyObligations.templateId, made.id));
      expect(made0).toEqual([]);

      expect((await post(`/duties/templates/${made.id}/active`, [['active', 'true']])).status).toBe(303);
      await createPeriodObligations(t.runtime.database.db, t.runtime.deps, t.clock.now);
      const periods = await t.runtime.database.db.select({ unitId: dutyObligations.unitId, period: dutyObligations.period }).from(dutyObligations).where(eq(dutyObligations.templateId, made.id));
      // 2 April falls in the period closing on 30 April, for every unit.
      expect(periods.map((p) => p.period)).toEqual(['2026-04-30', '2026-04-30']);
      expect(periods.map((p) => p.unitId).sort()).toEqual([a.unitId, b.unitId].sort());
    });

    it('适时上报 from the form is saved as dates with no dates, said so on the list and kept chosen on the edit form', async () => {
      const res = await post('/duties/templates/new', [...quarterly('重大舆情即时报告').filter(([k]) => k !== 'recurrence'), ['recurrence', 'as_needed'], ['dates', '06-30']]);
      expect(res.status, summary(res.text)).toBe(303);
      await createPeriodObligations(t.runtime.database.db, t.runtime.deps, t.clock.now);
      const made = (await templates()).find((x) => x.title === '重大舆情即时报告')!;
      await expectAsNeeded(t, made);
      const cookie = (await session('publicity'))!.cookie;
      const list = await t.request('GET', '/duties/templates', { cookie });
      expect(list.text).toContain(`<span data-recurrence="dates">适时上报（无固定日期）</span>`);
      expect((await t.request('GET', '/duties/templates?lang=en', { cookie })).text).toContain('as needed (no set dates)');
      const edit = await t.request('GET', `/duties/templates/${made.id}/edit`, { cookie });
      expect(edit.text).toMatch(/name="recurrence" value="as_needed" checked/);
      expect(edit.text).not.toMatch(/name="recurrence" value="dates" checked/);
    });

    it('a schedule changed mid-period applies from the next period: no second duty for the span under way', async () => {
      const db = t.runtime.database.db;
      const created = await t.request('POST', '/api/v1/duties/templates', { token: a.tokens.publicity, body: {
        title: '改期测试', content: '内容', responsible: 'secretary', recurrence: 'quarterly', evidence: ['report'], scope: { units: [a.unitId] },
        dueRule: { from: 'period_end', days: 15, unit: 'calendar_days', roll: 'next_working_day' },
      } });
      expect(created.status, created.text).toBe(201);
      const periods = async () => (await db.select({ period: dutyObligations.period }).from(dutyObligations).where(eq(dutyObligations.templateId, created.body.id)).orderBy(asc(dutyObligations.period))).map((p) => p.period);
      await createPeriodObligations(db, t.runtime.deps, cst('2026-04-02T11:00:00'));
      expect(await periods()).toEqual(['2026-Q2']);
      // Half-yearly from now on: H1 began in January, under the quarterly schedule, and Q2 covers its rest.
      expect((await post(`/duties/templates/${created.body.id}/edit`, [...quarterly('改期测试').filter(([k]) => k !== 'recurrence'), ['recurrence', 'half_yearly'], ['scopeUnits', a.unitId]])).status).toBe(303);
      await createPeriodObligations(db, t.runtime.deps, cst('2026-04-02T12:00:00'));
      expect(await periods()).toEqual(['2026-Q2']);
      await createPeriodObligations(db, t.runtime.deps, cst('2026-07-01T09:00:00'));
      expect(await periods()).toEqual(['2026-H2', '2026-Q2']);
      // A unit that had nothing under the old schedule gets the period under way.
      expect((await t.request('PATCH', `/api/v1/duties/templates/${created.body.id}`, { token: a.tokens.publicity, body: { scope: { units: [a.unitId, b.unitId] } } })).status).toBe(200);
      await createPeriodObligations(db, t.runtime.deps, cst('2026-07-02T09:00:00'));
      const rows = await db.select({ unitId: dutyObligations.unitId, period: dutyObligations.period }).from(dutyObligations).where(and(eq(dutyObligations.templateId, created.body.id), eq(dutyObligations.unitId, b.unitId)));
      expect(rows).toEqual([{ unitId: b.unitId, period: '2026-H2' }]);
    });

    it('in English', async () => {
      const res = await t.request('GET', '/duties/templates/new?lang=en', { cookie: (await session('admin'))!.cookie });
      expect(res.text).toContain('New duty template');
      expect(res.text).toContain('Add another date');
      const bad = await post('/duties/templates/new?lang=en', [...quarterly('x').filter(([k]) => k !== 'evidence')], 'admin');
      expect(summary(bad.text)).toContain('the evidence: choose at least 1');
    });
  });

  describe.skipIf(!hasChromium && !process.env.CI)('in Chromium', () => {
    let browser: Browser;
    let base: string;
    let close: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      ({ base, browser, close } = await openBrowser(t));
    }, 60_000);
    afterAll(async () => {
      await close?.();
    });
    const signedIn = async (who: Who, width = 1280): Promise<Page> => (await browserAs(t, browser, base, await emailOf(who), { width, height: 900 })).newPage();
    const rowOf = (page: Page, title: string) => page.locator('tr', { hasText: title });

    it('publicity creates a quarterly template with a due rule, edits it, and the list shows the right recurrence', async () => {
      const page = await signedIn('publicity');
      await page.goto(`${base}/duties/templates`);
      await page.getByRole('link', { name: '新建模板' }).click();
      await page.waitForURL(/\/duties\/templates\/new$/);
      expect(await page.locator('h1').innerText()).toBe('新建职责模板');
      await page.locator('textarea[name=content]').fill('每季度召开一次网上舆情研判会并形成纪要。');
      // The browser's own check stops an empty title; without it the server names the field, keeping what was typed.
      await page.locator('input[name=title]').evaluate((el: HTMLInputElement) => el.removeAttribute('required'));
      await page.getByRole('button', { name: '新建模板' }).click();
      expect(await page.locator('.error-summary').innerText()).toContain('职责名称');
      expect(await page.locator('textarea[name=content]').inputValue()).toBe('每季度召开一次网上舆情研判会并形成纪要。');
      await page.locator('input[name=title]').fill('网上舆情季度研判会');
      await page.getByLabel('责任岗位').selectOption('secretary');
      await page.getByRole('radio', { name: '每季度' }).check();
      await page.locator('input[name=dueDays]').fill('7');
      await page.getByLabel('计日方式').selectOption('working_days');
      await page.getByRole('checkbox', { name: /顺延至下一个工作日/ }).check();
      await page.getByRole('checkbox', { name: '会议纪要' }).check();
      await page.getByRole('checkbox', { name: '报告文件' }).uncheck();
      await page.screenshot({ path: 'test/artifacts/duty-template-new-1280.png', fullPage: true });
      await page.getByRole('button', { name: '新建模板' }).click();
      await page.waitForURL(/done=created/);
      expect(await page.locator('.notice').innerText()).toContain('模板已新建');
      const row = rowOf(page, '网上舆情季度研判会');
      expect(await row.locator('[data-recurrence]').getAttribute('data-recurrence')).toBe('quarterly');
      expect(await row.innerText()).toContain('季度结束后 7 个工作日内（遇节假日顺延至下一个工作日）');
      expect(await row.innerText()).toContain('会议纪要');

      await row.getByRole('link', { name: '编辑' }).click();
      await page.waitForURL(/\/edit$/);
      expect(await page.locator('input[name=title]').inputValue()).toBe('网上舆情季度研判会');
      expect(await page.getByRole('radio', { name: '每季度' }).isChecked()).toBe(true);
      await page.getByRole('radio', { name: '每半年' }).check();
      await page.locator('input[name=dueDays]').fill('10');
      await page.getByRole('button', { name: '保存修改' }).click();
      await page.waitForURL(/done=updated/);
      const edited = rowOf(page, '网上舆情季度研判会');
      expect(await edited.locator('[data-recurrence]').getAttribute('data-recurrence')).toBe('half_yearly');
      expect(await edited.innerText()).toContain('每半年');
      expect(await edited.innerText()).toContain('半年结束后 10 个工作日内');
      await page.screenshot({ path: 'test/artifacts/duty-templates-1280.png', fullPage: true });
      await page.close();
    }, 90_000);

    it('fits a 390-px phone; the dates list grows without scripts; staff get a 403 page', async () => {
      const phone = await signedIn('publicity', 390);
      await phone.goto(`${base}/duties/templates/new`);
      expect(await noSideways(phone)).toBe(true);
      await phone.getByRole('radio', { name: '规定日期' }).check();
      await phone.getByLabel('日期 1', { exact: true }).fill('06-30');
      await phone.getByRole('button', { name: '再加一个日期' }).click();
      await expect.poll(() => phone.locator('input[name=dates]').count()).toBe(2);
      expect(await phone.getByLabel('日期 1', { exact: true }).inputValue()).toBe('06-30');
      expect(await phone.getByRole('radio', { name: '规定日期' }).isChecked()).toBe(true);
      expect(await noSideways(phone)).toBe(true);
      await phone.screenshot({ path: 'test/artifacts/duty-template-new-390.png', fullPage: true });
      await phone.goto(`${base}/duties/templates`);
      expect(await noSideways(phone)).toBe(true);
      await phone.screenshot({ path: 'test/artifacts/duty-templates-390.png', fullPage: true });
      await phone.close();

      const staff = await signedIn('officerA', 390);
      const refused = await staff.goto(`${base}/duties/templates/new`);
      expect(refused!.status()).toBe(403);
      expect(await staff.locator('main').innerText()).toContain('无权');
      await staff.goto(`${base}/duties/templates`);
      expect(await staff.getByRole('link', { name: '新建模板' }).count()).toBe(0);
      await staff.close();
    }, 60_000);
  });
});
