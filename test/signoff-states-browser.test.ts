import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ALL_TICKED, submitDraft, type TestEnv } from './harness';
import { hasChromium, seededBrowser } from './browser';

mkdirSync('test/artifacts', { recursive: true });

/**
 * The sign-off link's states on a 375-px phone, in Chinese and English: a review handed on, a hand-on
 * refused because it would leave a level unsigned, a double tap, a used link looked at, a fresh link
 * sent, the barred page. Each is screenshotted (test/artifacts/signoff-state-*.png) to be looked at.
 */
describe.skipIf(!hasChromium && !process.env.CI)('sign-off link states on a 375-px phone', { timeout: 180_000 }, () => {
  let t: TestEnv;
  let browser: Browser;
  let base: string;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  const LOCALES = [['zh', 'zh-CN', ''], ['en', 'en-GB', '?lang=en']] as const;
  seededBrowser((s) => ({ t, demo, browser, base } = s));

  /** Opens a path in each language without JavaScript (as the tester's phone did) and hands each page to `check`. */
  async function inBoth(name: string, path: string, check: (page: Page, lang: 'zh' | 'en') => Promise<void>) {
    for (const [lang, locale, query] of LOCALES) {
      const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale, isMobile: true, hasTouch: true, javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${base}${path}${path.includes('?') ? query.replace('?', '&') : query}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await check(page, lang);
      await page.screenshot({ path: `test/artifacts/signoff-state-${name}-375-${lang}.png`, fullPage: true });
      await context.close();
    }
  }
  const approve = (token: string) => t.request('POST', `/api/v1/signoff/${token}`, { body: { decision: 'approve', checklist: ALL_TICKED } });

  it('a review handed on says by whom, when and why, under the title', async () => {
    await submitDraft(t, demo, '转交说明截图');
    await t.request('POST', `/api/v1/signoff/${await t.linkFor(demo.people.section_head!)}/transfer`, { body: { toPersonId: demo.people.publicity_officer, reason: '本人出差，无法及时审核' } });
    await inBoth('handed-on', `/s/${await t.linkFor(demo.people.publicity_officer!)}`, async (page, lang) => {
      expect(await page.locator('.handed-on').textContent()).toContain(lang === 'zh' ? '王系主任 将此稿件的“系室负责人”级别审核转交给您，原因：本人出差' : "王系主任 handed this draft's review at the section head's level to you");
    });
  });

  it('a hand-on that would leave a level unsigned is not offered, and the page says why', async () => {
    await submitDraft(t, demo, '转交死局截图');
    expect((await approve(await t.linkFor(demo.people.section_head!))).status).toBe(200);
    expect((await approve(await t.linkFor(demo.people.deputy_leader!))).status).toBe(200);
    await inBoth('dead-end', `/s/${await t.linkFor(demo.people.publicity_officer!)}`, async (page, lang) => {
      await page.click('#transfer summary');
      expect(await page.locator('.left-out').textContent()).toContain(lang === 'zh' ? '届时“学院书记”级别将无人可以签署' : "nobody could sign at the secretary's level then");
      await page.locator('section:has(#transfer)').screenshot({ path: `test/artifacts/signoff-state-dead-end-transfer-375-${lang}.png` });
    });
  });

  it('a double tap without JavaScript ends on the decided page; the used link, opened again, is information', async () => {
    await submitDraft(t, demo, '双击截图');
    const token = await t.linkFor(demo.people.section_head!);
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN', isMobile: true, hasTouch: true, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/s/${token}`);
    for (const box of await page.locator('input[name=checklist]').all()) await box.check();
    // The same form sent twice, as a second tap sends it: the browser shows the second answer.
    const form = await page.evaluate(() => new URLSearchParams(new FormData(document.querySelector('form#decision') as HTMLFormElement) as unknown as string).toString() + '&decision=approve');
    const tap = () => page.request.post(`${base}/s/${token}`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, data: form, maxRedirects: 0 });
    expect((await tap()).status()).toBe(303);
    const second = await tap();
    expect(second.status()).toBe(303);
    await page.goto(`${base}${second.headers()['location']}`);
    expect(await page.locator('.notice.bad').count()).toBe(0);
    expect(await page.locator('.notice.ok').textContent()).toContain('已记录您的决定');
    await page.screenshot({ path: 'test/artifacts/signoff-state-double-tap-375-zh.png', fullPage: true });
    await context.close();
    await inBoth('used', `/s/${token}`, async (p, lang) => {
      expect(await p.locator('.notice.bad').count()).toBe(0);
      expect(await p.title()).toMatch(lang === 'zh' ? /^已决定：双击截图/ : /^Decided: 双击截图/);
    });
  });

  it('after 重新发送链接 the expired link says a fresh link was sent, without the button', async () => {
    await submitDraft(t, demo, '重发截图');
    const token = await t.linkFor(demo.people.section_head!);
    t.clock.advance(24 * 8);
    try {
      await inBoth('expired', `/s/${token}`, async (page) => {
        expect(await page.locator('button.resend').count()).toBe(1);
      });
      expect((await t.request('POST', `/s/${token}/resend`)).status).toBe(303);
      await inBoth('resent', `/s/${token}?resent=1`, async (page, lang) => {
        expect(await page.locator('button.resend').count()).toBe(0);
        expect(await page.locator('.notice.ok').textContent()).toContain(lang === 'zh' ? '请使用新链接' : 'use that link');
        expect(await page.title()).toMatch(lang === 'zh' ? /^链接已过期：/ : /^Link expired: /);
      });
    } finally {
      t.clock.advance(-24 * 8);
    }
  });

  it('the barred page: the title first, then why this person may not decide', async () => {
    await submitDraft(t, demo, '回避截图');
    await t.request('POST', `/api/v1/signoff/${await t.linkFor(demo.people.section_head!)}/transfer`, { body: { toPersonId: demo.people.publicity_officer, reason: '出差' } });
    expect((await approve(await t.linkFor(demo.people.publicity_officer!))).status).toBe(200);
    expect((await approve(await t.linkFor(demo.people.deputy_leader!))).status).toBe(200);
    await inBoth('barred', `/s/${await t.linkFor(demo.people.publicity_officer!)}`, async (page) => {
      expect(await page.evaluate(() => document.querySelector('h1, h2, h3')?.tagName)).toBe('H1');
      expect(await page.locator('label h2, label h1, label h3').count()).toBe(0);
      expect(await page.locator('#barred-title').count()).toBe(1);
    });
  });
});
