import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountQueueBoard } from '../workers/board';
import { startQueueHost, type QueueHost } from '../workers/host';
import { hasChromium, openBrowser } from './browser';
import { createTestEnv, type TestEnv } from './harness';
import { startTestRedis, type TestRedis } from './support/redis-server';

/** An admin opens the queue dashboard in a real browser: sign in with a token, then Bull Board. */
describe.skipIf(!hasChromium && !process.env.CI)('queue dashboard in headless Chromium', () => {
  let t: TestEnv;
  let redis: TestRedis;
  let host: QueueHost;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  let browser: Browser;
  let base: string;
  let closeBrowser: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    redis = await startTestRedis();
    t = await createTestEnv('postgres', { REDIS_URL: redis.url });
    host = startQueueHost(t.runtime, { workers: true, tuning: { relayEveryMs: 100 } });
    mountQueueBoard(t.runtime.app, host.queues, t.runtime.deps);
    demo = await t.seed();
    ({ base, browser, close: closeBrowser } = await openBrowser(t));
  });
  afterAll(async () => {
    await closeBrowser?.();
    await host?.close();
    await t?.close();
    await redis?.stop();
  });

  it('sends a visitor to sign in, refuses a non-admin token, and shows the queues to an admin', async () => {
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${base}/admin/queues`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await page.fill('textarea[name=token]', demo.tokens.drafter!);
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('.notice.bad').textContent()).toContain('不属于管理员');

    await page.fill('textarea[name=token]', demo.tokens.admin!);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/admin/queues`);
    // Bull Board's own UI renders from its static bundle, behind the same guard.
    await expect.poll(() => page.getByText('notifications').first().isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => page.getByText('maintenance').first().isVisible()).toBe(true);
    // Which database's jobs these are: the installation id, in the window title and the board's header.
    const label = `队列 · 安装 ${t.runtime.installationId.slice(0, 8)}`;
    expect(await page.title()).toBe(label);
    await expect.poll(() => page.getByText(label).first().isVisible()).toBe(true);
    await page.screenshot({ path: 'test/artifacts/queue-board.png' });
    await page.getByText('notifications').first().click();
    await expect.poll(() => page.getByText(`安装 / installation ${t.runtime.installationId}`).first().isVisible(), { timeout: 15_000 }).toBe(true);
    await page.screenshot({ path: 'test/artifacts/queue-board-notifications.png' });
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'imp_admin')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin' });
    await page.close();
  });
});
