import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';
import { people } from '../db/schema';
import { UUID_PARAM } from '../src/pages/workspace/routes';
import { createPeriodObligations } from '../src/services/duties';
import { browserAs } from './browser';
import type { TestEnv } from './harness';

type Demo = Awaited<ReturnType<TestEnv['seed']>>;

/**
 * One page of the product as a person reaches it: the app's route pattern (to tell which routes were
 * left out), the path with the fixture's ids, who looks (a key of `demo.people`, signed in by the
 * mailed link, or null for nobody signed in), and what must be on it (so a test looks at the page,
 * not at an error). `note` tells apart two stops of one pattern.
 */
export interface Stop { pattern: string; note?: string; as: string | null; path(f: TourFixture): string; check(page: Page, f: TourFixture): Promise<void> }

export type TourFixture = Awaited<ReturnType<typeof prepareTour>>;

/**
 * What the pages show, made through the API on the demo college: a mailed sign-in link (opened,
 * never used), a submitted draft (its sign-off link, draft page, 审核单 and the page the sheet's QR
 * code opens), an own draft to edit, the quarter's duties, a 舆情 incident, the year's 专项督查 and
 * the registry's inspection campaign.
 */
export async function prepareTour(t: TestEnv, demo: Demo) {
  const token = demo.tokens;
  const created = async (path: string, as: string, body: unknown) => {
    const res = await t.request('POST', path, { token: token[as], body });
    expect(res.status, res.text).toBeLessThan(300);
    return res.body;
  };
  const draft = await created('/api/v1/drafts', 'drafter', { title: '离线页面测试', body: '正文。', unitId: demo.unitId, accountIds: [demo.accountId] });
  await created(`/api/v1/drafts/${draft.id}/submit`, 'drafter', undefined);
  const signoff = await t.linkFor(demo.people.section_head!);
  const own = await created('/api/v1/drafts', 'drafter', { title: '离线编辑', body: '<p>正文</p>', unitId: demo.unitId, accountIds: [demo.accountId] });
  const sheet = await t.request('GET', `/drafts/${draft.id}/sheet`, { token: token.drafter });
  const confirm = /\/sheets\/[0-9a-f-]{36}\/[0-9a-f]{64}/.exec(sheet.text)![0];
  await createPeriodObligations(t.runtime.database.db, t.runtime.deps, t.clock.now);
  const mine = (await t.request('GET', '/api/v1/duties?mine=true', { token: token.publicity_officer })).body.items as { id: string; standing: string }[];
  const duty = mine.find((o) => o.standing === 'pending')!.id;
  const year = new Date(t.clock.now.getTime() + 8 * 3_600_000).getUTCFullYear();
  const supervision = (await created('/api/v1/supervisions', 'publicity', { year })).items[0].id as string;
  const incident = await created('/api/v1/incidents', 'drafter', {
    unitId: demo.unitId, summary: '离线页面舆情', occurredAt: new Date().toISOString(), place: '论坛', people: '学生', development: '转发增加', group: 'students',
  });
  const template = (await t.request('GET', '/api/v1/duties/templates', { token: token.publicity })).body.items[0] as { id: string; title: string };
  const campaigns = (await t.request('GET', '/api/v1/inspections/campaigns', { token: token.publicity })).body.items as { id: string }[];
  const campaign = (await t.request('GET', `/api/v1/inspections/campaigns/${campaigns[0]!.id}`, { token: token.publicity })).body;
  // A mailed sign-in link: the tour only opens its page, which uses nothing up.
  const [secretary] = await t.runtime.database.db.select({ email: people.email }).from(people).where(eq(people.id, demo.people.secretary!));
  await t.request('POST', '/login', { form: { email: secretary!.email } });
  const signInMail = (await t.deliver()).find((m) => m.kind === 'sign_in' && m.to.email === secretary!.email);
  return {
    demo, draft: draft.id as string, signoff, signIn: new URL(signInMail!.link!).pathname, own: own.id as string, confirm, duty, template, year, supervision,
    incident: incident.id as string, campaign: { id: campaign.id as string, year: campaign.year as number, inspection: campaign.inspections[0].id as string },
  };
}

const text = (page: Page, selector: string) => page.locator(selector).first().innerText();

/**
 * Every HTML page of the product, each as the person who uses it. Shared by the no-outside-origin
 * test and the accessibility test, so a page added here is checked by both.
 */
export const TOUR: Stop[] = [
  // Nobody signed in: the landing page, links from mail, the public verify and sheet-check pages.
  { pattern: '/login', path: () => '/login', as: null, check: async (p) => expect(await text(p, 'h1')).toContain('先审后发') },
  { pattern: '/login/:token{iml_[A-Za-z0-9_-]{1,200}}', path: (f) => f.signIn, as: null, check: async (p) => expect(await text(p, 'main form button[type=submit]')).toBe('登录') },
  { pattern: '/login/:token{iml_[A-Za-z0-9_-]{1,200}}', note: 'a dead link', path: () => '/login/iml_dead', as: null, check: async (p) => expect(await text(p, '.notice.bad')).toContain('登录链接无效') },
  { pattern: '/s/:token', path: (f) => `/s/${f.signoff}`, as: null, check: async (p) => expect(await text(p, 'body')).toContain('离线页面测试') },
  { pattern: '/s/:token', note: 'a dead link', path: () => '/s/imp_dead', as: null, check: async (p) => expect(await p.locator('.notice.bad').count()).toBe(1) },
  { pattern: '/verify', path: () => '/verify', as: null, check: async (p) => expect(await p.locator('input[name=code]').count()).toBe(1) },
  // The lookup form's answer: on to the code's own page.
  { pattern: '/verify', note: 'the lookup form answered', path: (f) => `/verify?code=${f.demo.inspectionCode}`, as: null, check: async (p, f) => expect(new URL(p.url()).pathname).toBe(`/verify/${f.demo.inspectionCode}`) },
  {
    pattern: '/verify/:code', path: (f) => `/verify/${f.demo.inspectionCode}`, as: null, check: async (p) => {
      expect(await p.locator('.verdict').getAttribute('data-valid')).toBe('true');
      await expect.poll(() => p.locator('.qr img').evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
    },
  },
  { pattern: '/sheets/:draftId/:hash', path: (f) => f.confirm, as: null, check: async (p) => expect(await p.locator('.verdict').getAttribute('data-matches')).toBe('true') },
  // The workspace, the draft page and settings of an approver.
  { pattern: '/', path: () => '/', as: 'section_head', check: async (p) => expect(await text(p, 'h1')).toContain('工作台') },
  { pattern: `/drafts/:id{${UUID_PARAM}}`, path: (f) => `/drafts/${f.draft}`, as: 'section_head', check: async (p) => expect(await text(p, '#timeline')).toContain('起草') },
  { pattern: '/settings', path: () => '/settings', as: 'section_head', check: async (p) => expect(await text(p, '#sessions')).toContain('当前设备') },
  // The drafter: the editor (new and edit, the WYSIWYG script from this origin), the 审核单, 舆情.
  {
    pattern: '/drafts/new', path: () => '/drafts/new', as: 'drafter', check: async (p) => {
      await p.locator('.jodit-wysiwyg').waitFor({ timeout: 10_000 });
      expect(await p.locator('button[value=submit]').innerText()).toBe('提交审核');
    },
  },
  {
    pattern: `/drafts/:id{${UUID_PARAM}}/edit`, path: (f) => `/drafts/${f.own}/edit`, as: 'drafter', check: async (p) => {
      await p.locator('.jodit-wysiwyg').waitFor({ timeout: 10_000 });
      expect(await p.locator('input[name=title]').inputValue()).toBe('离线编辑');
    },
  },
  { pattern: '/drafts/:id/sheet', path: (f) => `/drafts/${f.draft}/sheet`, as: 'drafter', check: async (p) => expect(await text(p, 'h1')).toContain('审核单') },
  { pattern: '/incidents/new', path: () => '/incidents/new', as: 'drafter', check: async (p) => expect(await p.locator('input[name=occurredAt]').count()).toBe(1) },
  { pattern: '/incidents', path: () => '/incidents', as: 'drafter', check: async (p) => expect(await text(p, '#open')).toContain('离线页面舆情') },
  { pattern: `/incidents/:id{${UUID_PARAM}}`, path: (f) => `/incidents/${f.incident}`, as: 'drafter', check: async (p) => expect(await p.locator('ol.stages li[aria-current]').getAttribute('data-stage')).toBe('reported') },
  {
    pattern: `/incidents/:id{${UUID_PARAM}}/bulletin`, path: (f) => `/incidents/${f.incident}/bulletin`, as: 'drafter', check: async (p) => {
      expect(await text(p, 'h1')).toBe('舆情要报');
      expect(await text(p, '.place')).toBe('论坛');
    },
  },
  // The duty roster: the university's with each unit's duty now, and the unit's with the people picker's type-ahead.
  { pattern: '/incidents/roster', path: () => '/incidents/roster', as: 'publicity', check: async (p) => expect(await text(p, '#units')).toContain('示范学院') },
  {
    pattern: `/incidents/roster/:unitId{${UUID_PARAM}}`, path: (f) => `/incidents/roster/${f.demo.unitId}`, as: 'publicity', check: async (p) => {
      await p.locator('#f-personId input[type=search]').fill('王系');
      await p.locator('#f-personId label.choice', { hasText: '王系主任' }).waitFor();
    },
  },
  { pattern: '/incidents/monthly', path: () => '/incidents/monthly', as: 'publicity', check: async (p) => expect(await text(p, '#incidents')).toContain('离线页面舆情') },
  // A unit's publicity officer: the duties.
  { pattern: '/duties', path: () => '/duties', as: 'publicity_officer', check: async (p) => expect(await text(p, 'h1')).toBe('我的职责') },
  { pattern: `/duties/:id{${UUID_PARAM}}`, path: (f) => `/duties/${f.duty}`, as: 'publicity_officer', check: async (p) => expect(await p.locator('input[name=files]').count()).toBe(1) },
  { pattern: '/duties/templates', path: () => '/duties/templates', as: 'publicity_officer', check: async (p) => expect(await text(p, 'main')).toContain('舆情研判') },
  // The publicity department's console.
  { pattern: '/duties/board', path: () => '/duties/board', as: 'publicity', check: async (p) => expect(await text(p, '#summary')).toContain('示范学院') },
  { pattern: '/duties/templates/new', path: () => '/duties/templates/new', as: 'publicity', check: async (p) => expect(await p.locator('input[name=dates]').count()).toBe(1) },
  { pattern: '/duties/templates/:id/edit', path: (f) => `/duties/templates/${f.template.id}/edit`, as: 'publicity', check: async (p, f) => expect(await p.locator('input[name=title]').inputValue()).toBe(f.template.title) },
  { pattern: '/supervisions', path: (f) => `/supervisions?year=${f.year}`, as: 'publicity', check: async (p) => expect(await text(p, '#units')).toContain('示范学院') },
  { pattern: '/supervisions/:id', path: (f) => `/supervisions/${f.supervision}`, as: 'publicity', check: async (p) => expect(await p.locator('#score input[type=number]').count()).toBe(8) },
  { pattern: '/registry', path: () => '/registry', as: 'publicity', check: async (p, f) => expect(await text(p, 'table.data')).toContain(f.demo.inspectionCode!) },
  { pattern: '/registry/:id', path: (f) => `/registry/${f.demo.accountId}`, as: 'publicity', check: async (p) => expect(await text(p, 'h1')).toContain('已登记备案') },
  {
    pattern: '/registry/apply', path: () => '/registry/apply', as: 'publicity', check: async (p) => {
      // The picker's type-ahead calls this origin's people search.
      await p.locator('#f-commentatorIds').getByLabel(/搜索/).fill('李撰');
      await p.locator('#f-commentatorIds label.choice', { hasText: '李撰稿' }).first().waitFor();
    },
  },
  { pattern: '/registry/:id/change', path: (f) => `/registry/${f.demo.accountId}/change`, as: 'publicity', check: async (p) => expect(await p.locator('#f-name').inputValue()).toContain('示范学院官方微信') },
  { pattern: '/registry/:id/poster', path: (f) => `/registry/${f.demo.accountId}/poster`, as: 'publicity', check: async (p, f) => expect(await text(p, '.poster .code')).toBe(f.demo.inspectionCode) },
  { pattern: '/inspections/campaigns', path: () => '/inspections/campaigns', as: 'publicity', check: async (p, f) => expect(await text(p, 'table.data')).toContain(String(f.campaign.year)) },
  { pattern: '/inspections/campaigns/:id', path: (f) => `/inspections/campaigns/${f.campaign.id}`, as: 'publicity', check: async (p) => expect(await text(p, '.stats')).toContain('合格') },
  { pattern: '/inspections/:id', path: (f) => `/inspections/${f.campaign.inspection}`, as: 'publicity', check: async (p) => expect(await text(p, 'h1')).toContain('年度检查') },
  { pattern: '/people', path: () => '/people', as: 'publicity', check: async (p) => expect(await text(p, 'table.data')).toContain('李撰稿') },
  { pattern: '/people/:id/notifications', path: (f) => `/people/${f.demo.people.section_head}/notifications`, as: 'publicity', check: async (p) => expect(await text(p, '#notifications')).toContain('通知渠道') },
  { pattern: '/units', path: () => '/units', as: 'publicity', check: async (p) => expect(await text(p, 'table.data')).toContain('示范学院') },
  { pattern: '/units/:id', path: (f) => `/units/${f.demo.unitId}`, as: 'publicity', check: async (p) => expect(await text(p, '#position-secretary')).toContain('陈书记') },
  { pattern: '/calendar', path: () => '/calendar?year=2026', as: 'publicity', check: async (p) => expect(await text(p, '#year')).toContain('春节') },
  // The administrator's operations.
  { pattern: '/units/:id/robots', path: (f) => `/units/${f.demo.unitId}/robots`, as: 'admin', check: async (p) => expect(await text(p, '#robot-wecom')).toContain('企业微信群机器人') },
  { pattern: '/deliveries', path: () => '/deliveries?status=', as: 'admin', check: async (p) => expect(await text(p, 'table.data')).toContain('登录链接') },
  { pattern: '/audit', path: () => '/audit', as: 'admin', check: async (p) => expect(await text(p, 'table.data')).toContain('draft.submitted') },
];

/**
 * A browser context per visitor of the tour, made once each: a demo person's carries the session
 * cookie of the mailed link (asked for once: the link is rate-limited per address), nobody's none.
 */
export function tourVisitors(t: TestEnv, demo: Demo, browser: Browser, base: string, options: BrowserContextOptions = {}) {
  const contexts = new Map<string | null, Promise<BrowserContext>>();
  const open = async (as: string | null) => {
    if (as === null) return browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', ...options });
    const [row] = await t.runtime.database.db.select({ email: people.email }).from(people).where(eq(people.id, demo.people[as]!));
    return browserAs(t, browser, base, row!.email, undefined, options);
  };
  return {
    context(as: string | null): Promise<BrowserContext> {
      if (!contexts.has(as)) contexts.set(as, open(as));
      return contexts.get(as)!;
    },
    async close() {
      await Promise.all([...contexts.values()].map(async (c) => (await c).close()));
    },
  };
}
