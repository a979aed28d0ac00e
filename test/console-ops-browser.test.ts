import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAs, hasChromium, noSideways, openBrowser } from './browser';
import { createTestEnv, submitDraft, type TestEnv } from './harness';
import type { Demo } from './registry-fixtures';

/**
 * The console's operations pages in Chromium: the audit log (filter by draft, person, action; the
 * chain check from its button), screenshots at 1280 and 390 px, and a staff member's 403 page.
 */
describe.skipIf(!hasChromium && !process.env.CI)('operations pages in Chromium', () => {
  let t: TestEnv;
  let demo: Demo;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  const emailOf = async (id: string) => (await t.request('GET', `/api/v1/people/${id}`, { token: demo.tokens.admin })).body.email as string;

  beforeAll(async () => {
    t = await createTestEnv('postgres');
    demo = await t.seed();
    ({ base, browser, close } = await openBrowser(t));
  }, 60_000);
  afterAll(async () => {
    await close?.();
    await t?.close();
  });

  it('publicity reads the audit log by draft, person and action, and checks the chain', async () => {
    const draftId = await submitDraft(t, demo, '审计浏览测试稿');
    const ctx = await browserAs(t, browser, base, await emailOf(demo.people.publicity!));
    const page = await ctx.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: '审计日志' }).click();
    await page.waitForURL(/\/audit$/);

    await page.getByLabel('稿件编号').fill(draftId);
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForLoadState();
    const rows = page.locator('table.data tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).innerText()).toContain('draft.submitted');
    expect(await rows.nth(0).locator('.mono.hash').last().innerText()).toMatch(/^[0-9a-f]{64}$/);

    await page.getByLabel('稿件编号').fill('');
    await page.getByLabel('人员').selectOption({ label: `李撰稿 · ${await emailOf(demo.people.drafter!)}` });
    await page.getByLabel('动作', { exact: true }).fill('draft');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForLoadState();
    const actions = await page.locator('table.data tbody td:nth-child(4)').allInnerTexts();
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((a) => a.startsWith('draft.'))).toBe(true);

    await page.getByRole('button', { name: '校验审计链' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.notice.ok').innerText()).toMatch(/审计链完整：共 \d+ 个事件/);

    // A filter that does not parse is named in the error summary, which links to its field.
    await page.goto(`${base}/audit?draftId=abc`);
    expect(await page.locator('.error-summary').innerText()).toContain('稿件编号');

    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${base}/audit`);
      expect(await noSideways(page), `/audit at ${width}`).toBe(true);
      await page.screenshot({ path: `test/artifacts/console-audit-${width}.png`, fullPage: true });
    }
    await ctx.close();

    const staff = await browserAs(t, browser, base, await emailOf(demo.people.drafter!));
    const denied = await staff.newPage();
    const res = await denied.goto(`${base}/audit`);
    expect(res!.status()).toBe(403);
    expect(await denied.locator('h1').innerText()).toBe('无权访问');
    expect(await denied.locator('nav.sidenav').innerText()).not.toContain('审计日志');
    await staff.close();
  }, 120_000);
});
