import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, openBrowser } from './browser';
import { createTestEnv, type TestEnv } from './harness';

/** The shared page layout: assets from this origin, zh-CN first, the language switch remembered. */
describe('web layout', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await createTestEnv('postgres');
  });
  afterAll(async () => t?.close());

  it('serves its stylesheet and script from this origin, versioned and cacheable', async () => {
    const page = await t.request('GET', '/login');
    const assets = [...page.text.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.map((a) => a.split('?')[0]).sort()).toEqual(['/assets/app.css', '/assets/app.js', '/assets/favicon.svg']);
    // Nothing on the page comes from another origin.
    expect(page.text).not.toMatch(/(?:href|src)="(?:https?:)?\/\//);
    for (const path of assets) {
      const res = await t.request('GET', path);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toContain('immutable');
      expect(res.headers.get('content-type')).toMatch(path.includes('.css') ? /text\/css/ : path.includes('.svg') ? /image\/svg\+xml/ : /javascript/);
    }
    expect((await t.request('GET', '/assets/nope.css')).status).toBe(404);
    // What a browser asks for whatever the page links: the same icon, not a 404 in every console.
    const ico = await t.request('GET', '/favicon.ico');
    expect(ico.status).toBe(301);
    expect(ico.headers.get('location')).toBe(assets.find((a) => a.includes('favicon'))!);
  });

  it('answers in zh-CN first, English on ?lang=en or Accept-Language, and remembers the switch', async () => {
    const zh = await t.request('GET', '/login');
    expect(zh.text).toContain('<html lang="zh-CN">');
    expect(zh.text).toContain('发送登录链接');
    expect((await t.request('GET', '/login', { headers: { 'accept-language': 'en-GB,en;q=0.9' } })).text).toContain('Send me a sign-in link');
    const switched = await t.request('GET', '/login?lang=en');
    expect(switched.text).toContain('<html lang="en">');
    const cookie = switched.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/imp_lang=en/);
    const later = await t.request('GET', '/login', { headers: { cookie: cookie.split(';')[0]! } });
    expect(later.text).toContain('Send me a sign-in link');
    // The switch keeps the page's own query.
    expect((await t.request('GET', '/login?next=%2Fdrafts%2Fnew')).text).toContain('href="/login?next=%2Fdrafts%2Fnew&amp;lang=en"');
  });

  it('keeps `next` on this site', async () => {
    for (const evil of ['//evil.example/x', 'https://evil.example', '/\\evil.example']) {
      const res = await t.request('GET', `/login?next=${encodeURIComponent(evil)}`);
      expect(res.text).toContain('name="next" value="/"');
    }
  });
});

describe.skipIf(!hasChromium && !process.env.CI)('web layout in Chromium', () => {
  let t: TestEnv;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    t = await createTestEnv('postgres');
    ({ base, browser, close } = await openBrowser(t));
  });
  afterAll(async () => {
    await close?.();
    await t?.close();
  });

  it('lays the landing page out at 1280 and 390 px without sideways scrolling', async () => {
    for (const width of [1280, 390]) {
      const page = await browser.newPage({ viewport: { width, height: 900 }, locale: 'zh-CN' });
      await page.goto(`${base}/login`);
      expect(await page.locator('h1').textContent()).toContain('先审后发');
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.screenshot({ path: `test/artifacts/login-${width}.png`, fullPage: true });
      await page.close();
    }
  });
});
