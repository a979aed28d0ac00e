import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium, noSideways, seededBrowser } from './browser';
import type { TestEnv } from './harness';

/**
 * The mailed sign-in link in Chromium, as a person meets it: the mail system's link scanner fetched
 * it first, then the person opens it on a phone, sees whom it signs in and the 登录 button, presses it
 * and lands signed in on the page they asked for. Screenshots at 375 and 1280 px (zh-CN) and in English.
 */
describe.skipIf(!hasChromium && !process.env.CI)('the sign-in link page in Chromium', { timeout: 120_000 }, () => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  let browser: Browser;
  let base: string;
  let emailOf: (personId: string) => Promise<string>;
  seededBrowser((s) => ({ t, demo, browser, base, emailOf } = s));

  it('a scanner’s fetch leaves the link working; the person presses 登录 and lands signed in', async () => {
    const email = await emailOf(demo.people.section_head!);
    const name = (await t.request('GET', '/api/v1/me', { token: demo.tokens.section_head })).body.name as string;
    await t.request('POST', '/login', { form: { email, next: '/settings' } });
    const mail = (await t.deliver()).find((m) => m.kind === 'sign_in' && m.to.email === email);
    const link = base + new URL(mail!.link!).pathname;

    // The university mail system's safe-links scanner, in a browser of its own.
    const scanner = await browser.newContext();
    const scanned = await (await scanner.newPage()).goto(link);
    expect(scanned?.status()).toBe(200);
    expect(await scanner.cookies()).toEqual([]);
    await scanner.close();

    const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, locale: 'zh-CN' });
    const page = await phone.newPage();
    await page.goto(link);
    expect(await page.locator('main').innerText()).toContain(`您将以${name}的身份登录。`);
    expect(await page.locator('main').innerText()).not.toContain(email);
    expect(await phone.cookies()).toEqual([]);
    expect(await noSideways(page)).toBe(true);
    await page.screenshot({ path: 'test/artifacts/login-link-375.png', fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: 'test/artifacts/login-link-1280.png', fullPage: true });
    // The same page in English (the language switch keeps the link, and opening it again uses nothing up).
    await page.locator('nav.lang a[lang=en]').click();
    expect(await page.locator('main').innerText()).toContain(`You are about to sign in as ${name}.`);
    await page.screenshot({ path: 'test/artifacts/login-link-en-1280.png', fullPage: true });
    await page.locator('nav.lang a[lang=zh-CN]').click();
    await page.setViewportSize({ width: 375, height: 740 });

    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(`${base}/settings`);
    expect(await page.locator('.topbar .who').innerText()).toBe(name);
    expect((await phone.cookies()).map((c) => c.name)).toContain('imp_session');

    // Back to the link (the back button, a second tap): it says it was used, and the session stays.
    await page.goto(link);
    expect(await page.locator('.notice.bad').innerText()).toContain('此登录链接已使用过');
    await page.goto(`${base}/settings`);
    expect(new URL(page.url()).pathname).toBe('/settings');
    await phone.close();
  });
});
