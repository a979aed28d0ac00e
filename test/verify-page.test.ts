import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from './harness';
import { hasChromium, openBrowser } from './browser';
import type { Demo } from './registry-fixtures';

/** What someone who scans an account's QR code sees, in a real (Debian) Chromium on a phone-sized screen. */
describe.skipIf(!hasChromium && !process.env.CI)('verify page in headless Chromium', () => {
  let t: TestEnv;
  let browser: Browser;
  let base: string;
  let closeBrowser: (() => Promise<void>) | undefined;
  let demo: Demo;
  let revoked: Demo;

  beforeAll(async () => {
    t = await createTestEnv('postgres');
    demo = await t.seed();
    revoked = await t.seed();
    await t.request('POST', `/api/v1/codes/${revoked.inspectionCode}/revoke`, { token: demo.tokens.publicity, body: { reason: '账号发布商业推广内容' } });
    ({ base, browser, close: closeBrowser } = await openBrowser(t));
  });
  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('a valid code: the verdict, the facts, and QR images the browser can draw', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const res = await page.goto(`${base}/verify/${demo.inspectionCode}`);
    expect(res?.status()).toBe(200);
    expect(await page.locator('.verdict').getAttribute('data-valid')).toBe('true');
    expect(await page.locator('.verdict strong').textContent()).toBe('审查合格编码有效');
    expect(await page.locator('h1').textContent()).toMatch(/^示范学院官方微信/);
    expect(await page.locator('.code-status').textContent()).toBe('有效');
    expect(await page.locator('.account-status').textContent()).toBe('已登记备案');
    expect(await page.locator('dl').textContent()).toContain('微信公众号');

    // The QR image decodes in the browser, and so does the PNG one.
    const img = page.locator('.qr img');
    await img.scrollIntoViewIfNeeded();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
    const png = await page.evaluate(async (src) => {
      const image = new Image();
      image.src = src;
      await image.decode();
      return [image.naturalWidth, image.naturalHeight];
    }, `${base}/verify/${demo.inspectionCode}/qr.png`);
    expect(png[0]).toBeGreaterThan(100);
    expect(png[0]).toBe(png[1]);
    // Nothing spills sideways on a phone, not even out of its card.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const [buttonRight, cardRight] = await page.locator('form.lookup button').evaluate((b) => [b.getBoundingClientRect().right, b.closest('section')!.getBoundingClientRect().right]);
    expect(buttonRight).toBeLessThanOrEqual(cardRight!);
    await page.screenshot({ path: 'test/artifacts/verify-valid.png', fullPage: true }).catch(() => {});
    await page.close();
  });

  it('English beside Chinese is set in a Latin face: an apostrophe is not a full-width gap (public pages and the app alike)', async () => {
    const page = await browser.newPage({ locale: 'zh-CN' });
    /** The width of the first ’ in a text node holding `near`, in ems of its element's font size. */
    const apostropheEms = (near: string) => page.evaluate((needle) => {
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
        const at = n.data.indexOf('’');
        if (at < 0 || !n.data.includes(needle)) continue;
        const range = document.createRange();
        range.setStart(n, at);
        range.setEnd(n, at + 1);
        return range.getBoundingClientRect().width / parseFloat(getComputedStyle(n.parentElement!).fontSize);
      }
      return null;
    }, near);
    await page.goto(`${base}/verify`);
    expect(await apostropheEms('account’s')).toBeLessThan(0.5);
    // The signed-in pages' stylesheet, on a page of its own.
    await page.setContent(`<html lang="zh-CN"><head><link rel="stylesheet" href="${base}/assets/app.css"></head><body><p>每个事件 every event’s hash</p></body></html>`, { waitUntil: 'load' });
    expect(await apostropheEms('event’s')).toBeLessThan(0.5);
    await page.close();
  });

  it('a revoked code is shown as revoked and when, not why (the reason is internal)', async () => {
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${base}/verify/${revoked.inspectionCode}`);
    expect(await page.locator('.verdict').getAttribute('data-status')).toBe('revoked');
    expect(await page.locator('.verdict strong').textContent()).toBe('该审查合格编码已撤销');
    const facts = await page.locator('dl').textContent();
    expect(facts).toContain('撤销日期');
    expect(facts).not.toContain('账号发布商业推广内容');
    await page.close();
  });

  it('typing a code into the form leads to its page; a typo is explained', async () => {
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${base}/verify`);
    await page.fill('input[name=code]', demo.inspectionCode.toLowerCase());
    await Promise.all([page.waitForURL(`**/verify/**`), page.click('form.lookup button')]);
    expect(await page.locator('.verdict').getAttribute('data-valid')).toBe('true');

    const code = demo.inspectionCode;
    const typo = code.slice(0, -3) + (code.at(-3) === '1' ? '2' : '1') + code.slice(-2);
    const res = await page.goto(`${base}/verify/${typo}`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('.notice.bad').textContent()).toContain('请核对是否输入有误');
    await page.close();
  });
});
