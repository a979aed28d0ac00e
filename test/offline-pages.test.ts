import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UUID_PARAM } from '../src/pages/workspace/routes';
import { BOARD_PATH, mountQueueBoard } from '../workers/board';
import { startQueueHost, type QueueHost } from '../workers/host';
import { hasChromium, openBrowser, recordOutside } from './browser';
import { createTestEnv, type TestEnv } from './harness';
import { prepareTour, TOUR, tourVisitors, type TourFixture } from './page-tour';

import { startTestRedis, type TestRedis } from './support/redis-server';

/**
 * Every HTML page of the service, as on a campus intranet or behind the Great Firewall: Chromium
 * refuses every request to another origin, and the test fails on any such attempt (a CDN script, a
 * web font, a telemetry beacon), then checks the page still rendered its content. The tour's pages
 * (test/page-tour.ts) are checked so by the accessibility test, which loads each of them anyway;
 * here are the rest: the API reference, a review opened from the workspace, the queue board, and
 * the check that no page was left out of either.
 */
describe.skipIf(!hasChromium && !process.env.CI)('every page works with no outside origin', () => {
  let t: TestEnv;
  let redis: TestRedis;
  let host: QueueHost;
  let browser: Browser;
  let base: string;
  let closeBrowser: (() => Promise<void>) | undefined;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  let tour: TourFixture;
  let visitors: ReturnType<typeof tourVisitors>;
  /** Route patterns of the GET pages visited (the tour's by the accessibility test), to compare with the app's routes at the end. */
  const visited = new Set<string>(TOUR.map((stop) => stop.pattern));

  beforeAll(async () => {
    redis = await startTestRedis();
    t = await createTestEnv('postgres', { REDIS_URL: redis.url });
    host = startQueueHost(t.runtime, { workers: false });
    mountQueueBoard(t.runtime.app, host.queues, t.runtime.deps);
    demo = await t.seed();
    tour = await prepareTour(t, demo);
    ({ base, browser, close: closeBrowser } = await openBrowser(t));
    visitors = tourVisitors(t, demo, browser, base);
  }, 60_000);
  afterAll(async () => {
    await visitors?.close();
    await closeBrowser?.();
    await host?.close();
    await t?.close();
    await redis?.stop();
  });

  /** A page, as nobody or as a demo person, whose requests to any origin but the service's are aborted and recorded. */
  async function offlinePage(as: string | null = null): Promise<{ page: Page; outside: string[] }> {
    const page = await (await visitors.context(as)).newPage();
    return { page, outside: await recordOutside(page, base) };
  }

  async function visit(pattern: string, path: string, check: (page: Page, f: TourFixture) => Promise<void>, page?: { page: Page; outside: string[] }) {
    const p = page ?? (await offlinePage());
    const res = await p.page.goto(base + path, { waitUntil: 'networkidle' });
    expect(res?.headers()['content-type'], path).toContain('text/html');
    await check(p.page, tour);
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

  it('the workspace, opening a review from it', async () => {
    const p = await offlinePage('section_head');
    let open = '';
    await visit('/', '/', async (page) => {
      open = (await page.locator('a[href^="/reviews/"]').first().getAttribute('href'))!;
    }, p);
    await visit(`/reviews/:id{${UUID_PARAM}}/open`, open, async (page) => {
      expect(new URL(page.url()).pathname).toMatch(/^\/s\//);
      expect(await page.locator('body').innerText()).toContain('离线页面测试');
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

  it('no HTML page of the app was left out of this test', () => {
    // Anything answered with GET outside the JSON API, the documents and the images is a page.
    const notPages = [/^\/api\//, /^\/openapi\.json$/, /^\/(healthz|readyz)$/, /\.(png|svg|js|ico)$/, /^\/admin\/queues\/.+/, /^\/assets\//, /^\/vendor\//, /^\/\*$/, /^\/login\/sso(\/callback)?$/];
    const pages = new Set(t.runtime.app.routes.filter((r) => r.method === 'GET' && !notPages.some((re) => re.test(r.path))).map((r) => r.path));
    expect([...pages].filter((p) => !visited.has(p))).toEqual([]);
  });
});
