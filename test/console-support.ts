import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestEnv } from './harness';

/** A person's browser: a context carrying the session cookie `t.signIn` got by the mailed link. */
export async function browserAs(t: TestEnv, browser: Browser, base: string, email: string, viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  const { cookie } = await t.signIn(email);
  const [name, value] = cookie.split('=') as [string, string];
  const context = await browser.newContext({ viewport, locale: 'zh-CN', acceptDownloads: true });
  await context.addCookies([{ name, value, url: base, httpOnly: true, sameSite: 'Lax' }]);
  return context;
}

export const noSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** Ticks the person named in a people picker, typing part of the name into its filter first. */
export async function pick(page: Page, field: string, name: string) {
  const box = page.locator(`#f-${field}`);
  await box.getByLabel(/筛选|Filter/).fill(name.slice(0, 2));
  await box.locator('label.choice:visible', { hasText: name }).first().locator('input').check();
}
