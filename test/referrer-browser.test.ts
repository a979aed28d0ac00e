import type { ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitDraft, type TestEnv } from './harness';
import { hasChromium, listen, seededBrowser } from './browser';
import { CHECKLIST_ITEMS } from '../src/domain/checklist';

/**
 * A sign-off link (/s/…) and a sign-in link (/login/…) carry their token in the path. Their pages are
 * sent with Referrer-Policy: no-referrer, and nothing on the page may loosen it (a `<meta
 * name="referrer">` wins over the header): otherwise Chromium names the page, token and all, as the
 * Referer of every request the page makes to this site (its style sheets, scripts, images, the
 * form it posts), and the token lands in whatever logs those requests. Read here as the server got them.
 */
describe.skipIf(!hasChromium && !process.env.CI)('token pages send no Referer, not even to this site', { timeout: 120_000 }, () => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  let browser: Browser;
  let emailOf: (personId: string) => Promise<string>;
  seededBrowser((s) => ({ t, demo, browser, emailOf } = s));
  // A server of its own on the same app, which notes each request's Referer as it arrived.
  let base: string;
  let server: ServerType;
  const arrived: { method: string; path: string; referer: string | null }[] = [];
  beforeAll(async () => {
    ({ url: base, server } = await listen(t, (req) => arrived.push({ method: req.method, path: new URL(req.url).pathname, referer: req.headers.get('referer') })));
  });
  afterAll(() => { server?.close(); });

  /** Opens `path` (its own request comes first), then runs `act` on the page; every request after the first is returned. */
  async function requestsOf(path: string, act: (page: Page) => Promise<void>) {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN' });
    const page = await context.newPage();
    arrived.length = 0;
    await page.goto(base + path, { waitUntil: 'networkidle' });
    await act(page);
    await page.waitForLoadState('networkidle');
    await context.close();
    expect(arrived[0]).toMatchObject({ method: 'GET', path, referer: null });
    return arrived.slice(1);
  }

  it('the sign-off page: its style sheets and scripts, then the decision it posts', async () => {
    await submitDraft(t, demo, '来源头测试');
    const token = await t.linkFor(demo.people.section_head!);
    const after = await requestsOf(`/s/${token}`, async (page) => {
      for (const item of CHECKLIST_ITEMS) await page.check(`#check-${item}`);
      await page.getByRole('button', { name: '同意', exact: true }).click();
      await page.locator('.notice.ok').waitFor();
    });
    // Not vacuous: the page fetched its assets and posted its form to this site.
    expect(after.some((r) => r.path.endsWith('.css'))).toBe(true);
    expect(after.some((r) => r.method === 'POST')).toBe(true);
    expect(after.filter((r) => r.referer !== null)).toEqual([]);
  });

  it('the sign-in link page: its style sheets and scripts, then the 登录 it posts', async () => {
    const email = await emailOf(demo.people.deputy_leader!);
    await t.request('POST', '/login', { form: { email } });
    const mail = (await t.deliver()).find((m) => m.kind === 'sign_in' && m.to.email === email);
    const after = await requestsOf(new URL(mail!.link!).pathname, async (page) => {
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.waitForURL(`${base}/`);
    });
    expect(after.some((r) => r.path.endsWith('.css'))).toBe(true);
    expect(after.some((r) => r.method === 'POST')).toBe(true);
    expect(after.filter((r) => r.referer !== null)).toEqual([]);
  });
});
