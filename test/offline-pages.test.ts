import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { people } from '../db/schema';
import { UUID_PARAM } from '../src/pages/workspace/routes';
import { createPeriodObligations } from '../src/services/duties';
import { BOARD_PATH, mountQueueBoard } from '../workers/board';
import { startQueueHost, type QueueHost } from '../workers/host';
import { hasChromium, openBrowser } from './browser';
import { createTestEnv, type TestEnv } from './harness';
import { startTestRedis, type TestRedis } from './support/redis-server';

/**
 * Every HTML page of the service, as on a campus intranet or behind the Great Firewall: Chromium
 * refuses every request to another origin, and the test fails on any such attempt (a CDN script, a
 * web font, a telemetry beacon), then checks the page still rendered its content.
 */
describe.skipIf(!hasChromium && !process.env.CI)('every page works with no outside origin', () => {
  let t: TestEnv;
  let redis: TestRedis;
  let host: QueueHost;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  let browser: Browser;
  let base: string;
  let closeBrowser: (() => Promise<void>) | undefined;
  let signoffToken: string;
  let draftId: string;
  /** Route patterns of the GET pages visited, to compare with the app's routes at the end. */
  const visited = new Set<string>();

  beforeAll(async () => {
    redis = await startTestRedis();
    t = await createTestEnv('postgres', { REDIS_URL: redis.url });
    host = startQueueHost(t.runtime, { workers: false });
    mountQueueBoard(t.runtime.app, host.queues, t.runtime.deps);
    demo = await t.seed();
    const draft = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '离线页面测试', body: '正文。', unitId: demo.unitId, accountIds: [demo.accountId] } });
    const id = (draft.body as { id: string }).id;
    draftId = id;
    await t.request('POST', `/api/v1/drafts/${id}/submit`, { token: demo.tokens.drafter });
    signoffToken = await t.linkFor(demo.people.section_head!);
    ({ base, browser, close: closeBrowser } = await openBrowser(t));
  }, 60_000);
  afterAll(async () => {
    await closeBrowser?.();
    await host?.close();
    await t?.close();
    await redis?.stop();
  });

  /** A page whose requests to any origin but the service's are aborted and recorded. */
  async function offlinePage(): Promise<{ page: Page; outside: string[] }> {
    const page = await browser.newPage({ locale: 'zh-CN' });
    const outside: string[] = [];
    const origin = new URL(base).origin;
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin) return route.continue();
      outside.push(url);
      return route.abort('blockedbyclient');
    });
    return { page, outside };
  }

  async function visit(pattern: string, path: string, check: (page: Page) => Promise<void>, page?: { page: Page; outside: string[] }) {
    const p = page ?? (await offlinePage());
    const res = await p.page.goto(base + path, { waitUntil: 'networkidle' });
    expect(res?.headers()['content-type'], path).toContain('text/html');
    await check(p.page);
    await p.page.screenshot({ path: `test/artifacts/offline${pattern.replaceAll(/[/:?=]+/g, '-')}.png`, fullPage: false }).catch(() => {});
    expect(p.outside, `${path} asked another origin`).toEqual([]);
    visited.add(pattern);
    if (!page) await p.page.close();
  }

  it('/docs renders the API reference from this service only, without buttons that call outside services', async () => {
    await visit('/docs', '/docs', async (page) => {
      await expect.poll(() => page.getByText('Imprimatur API').first().isVisible(), { timeout: 20_000 }).toBe(true);
      await expect.poll(() => page.locator('text=/\\/api\\/v1\\/drafts/').first().isVisible(), { timeout: 10_000 }).toBe(true);
      const text = await page.locator('body').innerText();
      expect(text).not.toMatch(/Ask AI|Generate SDK|Deploy|Open API Client/);
      // No link leads to another origin's service (client.scalar.com would get this document's address);
      // only the renderer's attribution remains.
      const links = await page.locator('a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href).filter((h) => !h.startsWith(location.origin)));
      expect(links.filter((h) => !/^https:\/\/www\.scalar\.com\/?$/.test(h))).toEqual([]);
    });
  }, 60_000);

  it('the sign-off page, a dead link, and the public verify pages', async () => {
    await visit('/s/:token', `/s/${signoffToken}`, async (page) => {
      expect(await page.locator('body').innerText()).toContain('离线页面测试');
    });
    await visit('/s/:token', '/s/imp_dead', async (page) => {
      expect(await page.locator('.notice.bad').count()).toBe(1);
    });
    await visit('/verify/:code', `/verify/${demo.inspectionCode}`, async (page) => {
      expect(await page.locator('.verdict').getAttribute('data-valid')).toBe('true');
      await expect.poll(() => page.locator('.qr img').evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
    });
    await visit('/verify', `/verify?code=${demo.inspectionCode}`, async () => {});
    await visit('/login', '/login', async (page) => {
      expect(await page.locator('h1').first().innerText()).toContain('先审后发');
    });
    await visit('/login/:token{iml_[A-Za-z0-9_-]{1,200}}', '/login/iml_dead', async (page) => {
      expect(await page.locator('.notice.bad').innerText()).toContain('登录链接无效');
    });
  }, 90_000);

  /** A page signed in as a demo person, the way a browser is after opening the mailed link. */
  async function signedInPage(role: string) {
    const [row] = await t.runtime.database.db.select({ email: people.email }).from(people).where(eq(people.id, demo.people[role]!));
    const session = await t.signIn(row!.email);
    const p = await offlinePage();
    await p.page.context().addCookies([{ name: 'imp_session', value: session.cookie.split('=')[1]!, url: base }]);
    return p;
  }

  it('the workspace, opening a review from it', async () => {
    const p = await signedInPage('section_head');
    let open = '';
    await visit('/', '/', async (page) => {
      expect(await page.locator('h1').first().innerText()).toContain('工作台');
      open = (await page.locator('a[href^="/reviews/"]').first().getAttribute('href'))!;
    }, p);
    await visit(`/reviews/:id{${UUID_PARAM}}/open`, open, async (page) => {
      expect(new URL(page.url()).pathname).toMatch(/^\/s\//);
      expect(await page.locator('body').innerText()).toContain('离线页面测试');
    }, p);
    await visit(`/drafts/:id{${UUID_PARAM}}`, `/drafts/${draftId}`, async (page) => {
      expect(await page.locator('#timeline').innerText()).toContain('起草');
    }, p);
    await visit('/settings', '/settings', async (page) => {
      expect(await page.locator('#sessions').innerText()).toContain('当前设备');
    }, p);
    await p.page.close();
  }, 60_000);

  it('the duty pages: my duties, one duty, the templates and their forms, the department’s board', async () => {
    await createPeriodObligations(t.runtime.database.db, t.runtime.deps, t.clock.now);
    const p = await signedInPage('publicity_officer');
    let duty = '';
    await visit('/duties', '/duties', async (page) => {
      expect(await page.locator('h1').innerText()).toBe('我的职责');
      duty = (await page.locator('#upcoming a[href^="/duties/"]').first().getAttribute('href'))!;
    }, p);
    await visit(`/duties/:id{${UUID_PARAM}}`, duty, async (page) => {
      expect(await page.locator('input[name=files]').count()).toBe(1);
    }, p);
    await visit('/duties/templates', '/duties/templates', async (page) => {
      expect(await page.locator('main').innerText()).toContain('舆情研判');
    }, p);
    await p.page.close();
    const q = await signedInPage('publicity');
    await visit('/duties/board', '/duties/board', async (page) => {
      expect(await page.locator('#summary').innerText()).toContain('示范学院');
    }, q);
    await visit('/duties/templates/new', '/duties/templates/new', async (page) => {
      expect(await page.locator('input[name=dates]').count()).toBe(1);
    }, q);
    const template = (await t.request('GET', '/api/v1/duties/templates', { token: demo.tokens.publicity })).body.items[0];
    await visit('/duties/templates/:id/edit', `/duties/templates/${template.id}/edit`, async (page) => {
      expect(await page.locator('input[name=title]').inputValue()).toBe(template.title);
    }, q);
    const year = new Date(t.clock.now.getTime() + 8 * 3_600_000).getUTCFullYear();
    const opened = await t.request('POST', '/api/v1/supervisions', { token: demo.tokens.publicity, body: { year } });
    await visit('/supervisions', `/supervisions?year=${year}`, async (page) => {
      expect(await page.locator('#units').innerText()).toContain('示范学院');
    }, q);
    await visit('/supervisions/:id', `/supervisions/${opened.body.items[0].id}`, async (page) => {
      expect(await page.locator('#score input[type=number]').count()).toBe(8);
    }, q);
    await q.page.close();
  }, 60_000);

  it('the 舆情 pages: the report form, the board, one incident, its bulletin, the duty roster and the monthly summary', async () => {
    const p = await signedInPage('drafter');
    await visit('/incidents/new', '/incidents/new', async (page) => {
      expect(await page.locator('input[name=occurredAt]').count()).toBe(1);
    }, p);
    const created = await t.request('POST', '/api/v1/incidents', {
      token: demo.tokens.drafter,
      body: { unitId: demo.unitId, summary: '离线页面舆情', occurredAt: new Date().toISOString(), place: '论坛', people: '学生', development: '转发增加', group: 'students' },
    });
    expect(created.status, created.text).toBe(201);
    await visit('/incidents', '/incidents', async (page) => {
      expect(await page.locator('#open').innerText()).toContain('离线页面舆情');
    }, p);
    await visit(`/incidents/:id{${UUID_PARAM}}`, `/incidents/${created.body.id}`, async (page) => {
      expect(await page.locator('ol.stages li[aria-current]').getAttribute('data-stage')).toBe('reported');
    }, p);
    await visit(`/incidents/:id{${UUID_PARAM}}/bulletin`, `/incidents/${created.body.id}/bulletin`, async (page) => {
      expect(await page.locator('h1').innerText()).toBe('舆情要报');
      expect(await page.locator('.place').innerText()).toBe('论坛');
    }, p);
    await p.page.close();
    // The duty roster: the university's with each unit's duty now, and the unit's with the people picker's type-ahead.
    const q = await signedInPage('publicity');
    await visit('/incidents/roster', '/incidents/roster', async (page) => {
      expect(await page.locator('#units').innerText()).toContain('示范学院');
    }, q);
    await visit(`/incidents/roster/:unitId{${UUID_PARAM}}`, `/incidents/roster/${demo.unitId}`, async (page) => {
      await page.locator('#f-personId input[type=search]').fill('王系');
      await page.locator('#f-personId label.choice', { hasText: '王系主任' }).waitFor();
    }, q);
    await visit('/incidents/monthly', '/incidents/monthly', async (page) => {
      expect(await page.locator('#incidents').innerText()).toContain('离线页面舆情');
    }, q);
    await q.page.close();
  }, 60_000);

  it('the draft form, new and edit, with the editor\'s script from this service', async () => {
    const p = await signedInPage('drafter');
    await visit('/drafts/new', '/drafts/new', async (page) => {
      expect(await page.locator('[name=body]').count()).toBeGreaterThan(0);
      // The WYSIWYG editor started from /vendor/ on this origin.
      await page.locator('.jodit-wysiwyg').waitFor({ timeout: 10_000 });
      expect(await page.locator('button[value=submit]').innerText()).toBe('提交审核');
    }, p);
    const own = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '离线编辑', body: '<p>正文</p>', unitId: demo.unitId, accountIds: [demo.accountId] } });
    await visit(`/drafts/:id{${UUID_PARAM}}/edit`, `/drafts/${own.body.id}/edit`, async (page) => {
      expect(await page.locator('input[name=title]').inputValue()).toBe('离线编辑');
    }, p);
    await p.page.close();
  }, 60_000);

  it('the approval sheet (审核单) and the page its QR code opens', async () => {
    const p = await offlinePage();
    await p.page.setExtraHTTPHeaders({ Authorization: `Bearer ${demo.tokens.drafter}` });
    let confirm = '';
    await visit('/drafts/:id/sheet', `/drafts/${draftId}/sheet`, async (page) => {
      expect(await page.locator('h1').first().innerText()).toContain('审核单');
      confirm = /\/sheets\/[0-9a-f-]{36}\/[0-9a-f]{64}/.exec(await page.content())![0];
    }, p);
    await visit('/sheets/:draftId/:hash', confirm, async (page) => {
      expect(await page.locator('.verdict').getAttribute('data-matches')).toBe('true');
    }, p);
    await p.page.close();
  }, 60_000);

  it('Bull Board: sign-in, the board in Chinese with system fonts, sign-out', async () => {
    const p = await offlinePage();
    await visit('/admin/login', '/admin/login', async (page) => {
      expect(await page.locator('textarea[name=token]').count()).toBe(1);
    }, p);
    await p.page.fill('textarea[name=token]', demo.tokens.admin!);
    await p.page.click('button[type=submit]');
    await p.page.waitForURL(`${base}${BOARD_PATH}`);
    await visit(BOARD_PATH, BOARD_PATH, async (page) => {
      await expect.poll(() => page.getByText('notifications').first().isVisible(), { timeout: 15_000 }).toBe(true);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
      // Bull Board's zh-CN catalogue is in use (its English says "Overview").
      await expect.poll(() => page.locator('body').innerText()).toMatch(/概览|总览|队列/);
      expect(await page.locator('body').innerText()).not.toContain('Overview');
    }, p);
    // The sign-out link sits in the menu behind the header's last (person) icon.
    await p.page.locator('header [class*="actions-"] > li').last().locator('button').click();
    await p.page.getByText('退出登录 / Sign out').first().click();
    await p.page.waitForURL(`${base}/admin/logout`);
    visited.add('/admin/logout');
    await p.page.click('button[type=submit]');
    await p.page.waitForURL(`${base}/admin/login`);
    expect((await p.page.context().cookies()).find((c) => c.name === 'imp_admin')).toBeUndefined();
    await p.page.goto(`${base}${BOARD_PATH}`);
    expect(new URL(p.page.url()).pathname).toBe('/admin/login');
    expect(p.outside).toEqual([]);
    await p.page.close();
  }, 60_000);

  /** A page signed in as the person with that e-mail (the session cookie from the mailed link). */
  async function signedIn(email: string) {
    const p = await offlinePage();
    const { cookie } = await t.signIn(email);
    const [name, value] = cookie.split('=') as [string, string];
    await p.page.context().addCookies([{ name, value, url: base }]);
    return p;
  }
  const emailOf = async (id: string) => (await t.request('GET', `/api/v1/people/${id}`, { token: demo.tokens.admin })).body.email as string;

  it('the publicity console: registry, account, application, change, code poster, campaigns, an inspection, people, a person’s notifications and units', async () => {
    const p = await signedIn(await emailOf(demo.people.publicity!));
    await visit('/registry', '/registry', async (page) => {
      expect(await page.locator('table.data').innerText()).toContain(demo.inspectionCode);
    }, p);
    await visit('/registry/:id', `/registry/${demo.accountId}`, async (page) => {
      expect(await page.locator('h1').innerText()).toContain('已登记备案');
    }, p);
    await visit('/registry/apply', '/registry/apply', async (page) => {
      // The picker's type-ahead calls this origin's people search.
      await page.locator('#f-commentatorIds').getByLabel(/搜索/).fill('李撰');
      await page.locator('#f-commentatorIds label.choice', { hasText: '李撰稿' }).first().waitFor();
    }, p);
    await visit('/registry/:id/change', `/registry/${demo.accountId}/change`, async (page) => {
      expect(await page.locator('#f-name').inputValue()).toContain('示范学院官方微信');
    }, p);
    await visit('/registry/:id/poster', `/registry/${demo.accountId}/poster`, async (page) => {
      expect(await page.locator('.poster .code').innerText()).toBe(demo.inspectionCode);
    }, p);
    const campaigns = (await t.request('GET', '/api/v1/inspections/campaigns', { token: demo.tokens.publicity })).body.items as { id: string }[];
    const campaign = (await t.request('GET', `/api/v1/inspections/campaigns/${campaigns[0]!.id}`, { token: demo.tokens.publicity })).body;
    await visit('/inspections/campaigns', '/inspections/campaigns', async (page) => {
      expect(await page.locator('table.data').innerText()).toContain(String(campaign.year));
    }, p);
    await visit('/inspections/campaigns/:id', `/inspections/campaigns/${campaign.id}`, async (page) => {
      expect(await page.locator('.stats').innerText()).toContain('合格');
    }, p);
    await visit('/inspections/:id', `/inspections/${campaign.inspections[0].id}`, async (page) => {
      expect(await page.locator('h1').innerText()).toContain('年度检查');
    }, p);
    await visit('/people', '/people', async (page) => {
      expect(await page.locator('table.data').innerText()).toContain('李撰稿');
    }, p);
    await visit('/people/:id/notifications', `/people/${demo.people.section_head}/notifications`, async (page) => {
      expect(await page.locator('#notifications').innerText()).toContain('通知渠道');
    }, p);
    await visit('/units', '/units', async (page) => {
      expect(await page.locator('table.data').innerText()).toContain('示范学院');
    }, p);
    await visit('/units/:id', `/units/${demo.unitId}`, async (page) => {
      expect(await page.locator('#position-secretary').innerText()).toContain('陈书记');
    }, p);
    await visit('/calendar', '/calendar?year=2026', async (page) => {
      expect(await page.locator('#year').innerText()).toContain('春节');
    }, p);
    await p.page.close();
  }, 60_000);

  it('the console\'s operations: a unit\'s robots, deliveries, audit log', async () => {
    const p = await signedIn(await emailOf(demo.people.admin!));
    await visit('/units/:id/robots', `/units/${demo.unitId}/robots`, async (page) => {
      expect(await page.locator('#robot-wecom').innerText()).toContain('企业微信群机器人');
    }, p);
    await visit('/deliveries', '/deliveries?status=', async (page) => {
      expect(await page.locator('table.data').innerText()).toContain('登录链接');
    }, p);
    await visit('/audit', '/audit', async (page) => {
      expect(await page.locator('table.data').innerText()).toContain('draft.submitted');
    }, p);
    await p.page.close();
  }, 60_000);

  it('no HTML page of the app was left out of this test', () => {
    // Anything answered with GET outside the JSON API, the documents and the images is a page.
    const notPages = [/^\/api\//, /^\/openapi\.json$/, /^\/(healthz|readyz)$/, /\.(png|svg|js)$/, /^\/admin\/queues\/.+/, /^\/assets\//, /^\/vendor\//, /^\/\*$/, /^\/login\/sso(\/callback)?$/];
    const pages = new Set(t.runtime.app.routes.filter((r) => r.method === 'GET' && !notPages.some((re) => re.test(r.path))).map((r) => r.path));
    expect([...pages].filter((p) => !visited.has(p))).toEqual([]);
  });
});
