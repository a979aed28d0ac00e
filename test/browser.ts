import { existsSync } from 'node:fs';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { AddressInfo } from 'node:net';
import type { TestEnv } from './harness';

/** Debian's Chromium, never a downloaded browser; flags keep it off the (closed) network. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Serves the test app on a loopback port, so the browser talks to the real HTTP stack. */
export async function listen(t: TestEnv): Promise<{ url: string; server: ServerType }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: t.runtime.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve({ url: `http://127.0.0.1:${info.port}`, server }));
  });
}

/** The test app on a loopback port with Chromium ready to visit it; `close()` undoes both. */
export async function openBrowser(t: TestEnv): Promise<{ base: string; browser: Browser; close(): Promise<void> }> {
  const { url, server } = await listen(t);
  const browser = await launchBrowser();
  return {
    base: url,
    browser,
    async close() {
      await browser.close();
      server.close();
    },
  };
}

/** A person's browser: a context carrying the session cookie `t.signIn` got by the mailed link. */
export async function browserAs(t: TestEnv, browser: Browser, base: string, email: string, viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  const { cookie } = await t.signIn(email);
  const [name, value] = cookie.split('=') as [string, string];
  const context = await browser.newContext({ viewport, locale: 'zh-CN', acceptDownloads: true });
  await context.addCookies([{ name, value, url: base, httpOnly: true, sameSite: 'Lax' }]);
  return context;
}

export const noSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
