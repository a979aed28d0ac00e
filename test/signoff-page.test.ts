import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createTestEnv, type TestEnv } from './harness';
import { hasChromium, openBrowser } from './browser';

describe.skipIf(!hasChromium && !process.env.CI)('sign-off page in headless Chromium', () => {
  let t: TestEnv;
  let browser: Browser;
  let base: string;
  let closeBrowser: (() => Promise<void>) | undefined;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;

  beforeAll(async () => {
    t = await createTestEnv('postgres');
    demo = await t.seed();
    ({ base, browser, close: closeBrowser } = await openBrowser(t));
  });
  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  async function pendingLink(level: string, title: string) {
    const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title, body: '第一段。\n第二段：<script>alert(1)</script>', bodyFormat: 'text', unitId: demo.unitId, accountIds: [demo.accountId], urgency: 'urgent' } });
    await t.request('POST', `/api/v1/drafts/${created.body.id}/submit`, { token: demo.tokens.drafter });
    return { draftId: created.body.id as string, token: await t.linkFor(demo.people[level]!) };
  }

  it('a leader ticks the checklist and approves from the page; the link then dies', async () => {
    const { draftId, token } = await pendingLink('section_head', '关于开展安全检查的通知');
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    await page.goto(`${base}/s/${token}`);
    expect(await page.locator('h1').textContent()).toBe('关于开展安全检查的通知');
    // A plain-text body is shown as text, never run as markup.
    expect(await page.locator('.body').textContent()).toContain('<script>alert(1)</script>');
    expect(await page.locator('.tag.urgent').count()).toBe(1);

    await page.click('button.approve');
    await page.locator('#result').waitFor({ state: 'visible' });
    expect(await page.locator('#result').textContent()).toContain('批准前须勾选全部审核项');

    for (const box of await page.locator('input[name=checklist]').all()) await box.check();
    await page.click('button.approve');
    await page.locator('#result.ok').waitFor();
    expect(await page.locator('#result').textContent()).toContain('已记录您的决定');
    await page.screenshot({ path: 'test/artifacts/signoff-approved.png', fullPage: true }).catch(() => {});

    const view = await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter });
    expect(view.body).toMatchObject({ status: 'in_review', currentLevel: 'deputy_leader' });
    expect(view.body.reviews[0]).toMatchObject({ decision: 'approve', level: 'section_head' });

    await page.goto(`${base}/s/${token}`);
    expect(await page.locator('.notice.bad').textContent()).toContain('已使用过');
    await page.close();
  });

  it('returning needs a comment; the page says so and then records the return', async () => {
    const { draftId, token } = await pendingLink('section_head', '退回页面测试');
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${base}/s/${token}`);
    await page.click('button.return');
    await page.locator('#result.bad').waitFor();
    expect(await page.locator('#result').textContent()).toContain('须填写意见');
    await page.fill('textarea[name=comment]', '第二段数据有误，请核实');
    await page.click('button.return');
    await page.locator('#result.ok').waitFor();
    const view = await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter });
    expect(view.body.status).toBe('returned');
    expect(view.body.reviews[0].comment).toBe('第二段数据有误，请核实');
    await page.close();
  });

  it('works without JavaScript through the plain form post', async () => {
    const { draftId, token } = await pendingLink('section_head', '无脚本测试');
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/s/${token}`);
    for (const box of await page.locator('input[name=checklist]').all()) await box.check();
    await page.click('button.approve');
    await page.waitForLoadState();
    expect(await page.locator('.notice.ok').textContent()).toContain('已记录您的决定');
    const view = await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter });
    expect(view.body.currentLevel).toBe('deputy_leader');
    await context.close();
  });
});
