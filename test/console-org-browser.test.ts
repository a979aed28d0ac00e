import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAs, hasChromium, noSideways, seededBrowser } from './browser';
import { pick } from './console-support';
import { submitDraft, type TestEnv } from './harness';
import type { Demo } from './registry-fixtures';

/**
 * A person leaves, in Chromium: the admin cannot deactivate someone who still holds a position, adds
 * the successor, appoints them from a picker (the pending review moves, the page says how many),
 * then deactivates the leaver — whose token and session are refused at once — and the successor
 * receives the pending sign-off link.
 */
describe.skipIf(!hasChromium && !process.env.CI)('organisation pages in Chromium', () => {
  let t: TestEnv;
  let demo: Demo;
  let browser: Browser;
  let base: string;
  let emailOf: (personId: string) => Promise<string>;

  seededBrowser((s) => ({ t, demo, browser, base, emailOf } = s));

  it('an admin hands a position on and deactivates the leaver; their token dies, the successor gets the link', async () => {
    const draftId = await submitDraft(t, demo, '交接测试稿件');
    await t.linkFor(demo.people.section_head!); // the leaver's link, sent before they go
    const leaverSession = await t.signIn(await emailOf(demo.people.section_head!));
    expect((await t.request('GET', '/api/v1/me', { token: demo.tokens.section_head })).status).toBe(200);

    const admin = await browserAs(t, browser, base, await emailOf(demo.people.admin!));
    const page = await admin.newPage();
    page.on('dialog', (d) => d.accept());
    await page.goto(`${base}/people?q=${encodeURIComponent('王系主任')}`);
    await page.getByRole('button', { name: '停用 王系主任' }).click();
    await page.waitForLoadState();
    // Still holds the section head position: refused, and the page links to where it is handed on.
    expect(await page.locator('.error-summary').innerText()).toContain('请先任命接任者');
    expect((await t.request('GET', '/api/v1/me', { token: demo.tokens.section_head })).status).toBe(200);
    await page.screenshot({ path: 'test/artifacts/console-people-refused-1280.png', fullPage: true });

    // The successor is added on the same page.
    await page.locator('#add').getByLabel('姓名').fill('刘接任');
    await page.locator('#add').getByLabel('邮箱').fill(`liu.successor@demo.imprimatur.local`);
    await page.locator('#add').getByLabel('所属单位').selectOption(demo.unitId);
    await page.locator('#add').getByRole('button', { name: '新增' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.notice.ok').innerText()).toContain('已新增 刘接任');

    // Appointed from the picker on the unit page; the page says how many reviews moved.
    await page.goto(`${base}/people?q=${encodeURIComponent('王系主任')}`);
    await page.getByRole('link', { name: /系室负责人/ }).click();
    await page.waitForURL(/\/units\/[0-9a-f-]{36}#position-section_head$/);
    const card = page.locator('#position-section_head');
    await pick(page, 'holder-section_head', '刘接任');
    await card.getByRole('button', { name: '任命' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.notice.ok').innerText()).toContain('已任命 刘接任 为系室负责人；1 项待审稿件已转交');
    expect(await page.locator('#position-section_head').innerText()).toContain('现任：刘接任');
    await page.screenshot({ path: 'test/artifacts/console-unit-1280.png', fullPage: true });

    // Now the leaver can go: their token and session are refused right after.
    await page.goto(`${base}/people?q=${encodeURIComponent('王系主任')}`);
    await page.getByRole('button', { name: '停用 王系主任' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.notice.ok').innerText()).toMatch(/王系主任 已停用：\d+ 个令牌已吊销，1 个登录会话已结束/);
    expect((await t.request('GET', '/api/v1/me', { token: demo.tokens.section_head })).status).toBe(401);
    const bounced = await t.request('GET', '/registry', { cookie: leaverSession.cookie });
    expect(bounced.status).toBe(303);
    expect(bounced.headers.get('location')).toMatch(/^\/login/);
    await expect(t.signIn(await emailOf(demo.people.section_head!))).rejects.toThrow(/no sign-in link/);
    // The record stays, shown as deactivated.
    expect(await page.locator('table.data').innerText()).toContain('已停用');

    // The successor holds the pending review's live link.
    const successor = (await t.request('GET', `/api/v1/people?q=${encodeURIComponent('刘接任')}`, { token: demo.tokens.admin })).body.items[0].id as string;
    const link = await t.linkFor(successor);
    const signoff = await t.request('GET', `/s/${link}`);
    expect(signoff.status).toBe(200);
    expect(signoff.text).toContain('交接测试稿件');
    expect((await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.admin })).body.status).toBe('in_review');

    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const [name, path] of [['people', '/people'], ['units', '/units'], ['unit', `/units/${demo.unitId}`]] as const) {
        await page.goto(`${base}${path}`);
        expect(await noSideways(page), `${path} at ${width}`).toBe(true);
        await page.screenshot({ path: `test/artifacts/console-${name}-${width}.png`, fullPage: true });
      }
    }
    await admin.close();
  }, 120_000);
});
