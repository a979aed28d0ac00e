import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from './harness';
import { browserAs, hasChromium, noSideways, openBrowser } from './browser';
import { applyFor, registered, type Demo } from './registry-fixtures';

mkdirSync('test/artifacts', { recursive: true });
const shot = (page: Page, name: string) => page.screenshot({ path: `test/artifacts/${name}.png`, fullPage: true });

/**
 * The edit page changes a draft's accounts and urgency (offering only accounts the publish gate
 * lets through, the others with the reason), and the pre-screen runs as the drafter types.
 */
describe.skipIf(!hasChromium && !process.env.CI)('the draft editor: accounts, urgency and the live pre-screen', { timeout: 120_000 }, () => {
  let t: TestEnv;
  let demo: Demo;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  let email: string;
  let video: { id: string; name: string };
  let pending: { id: string; name: string };

  beforeAll(async () => {
    t = await createTestEnv('postgres');
    demo = await t.seed();
    email = (await t.request('GET', '/api/v1/me', { token: demo.tokens.drafter })).body.email;
    video = await registered(t, demo, { name: '学院视频号' });
    pending = await applyFor(t, demo, { name: '待备案账号' });
    const word = await t.request('POST', '/api/v1/prescreen/words', { token: demo.tokens.publicity, body: { word: '内部讨论稿', category: 'internal', severity: 'high' } });
    expect(word.status, word.text).toBe(201);
    ({ base, browser, close } = await openBrowser(t));
  });
  afterAll(async () => {
    await close?.();
    await t?.close();
  });

  async function newDraft(): Promise<string> {
    const res = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '讲座通知', body: '周五下午。', unitId: demo.unitId, accountIds: [demo.accountId] } });
    expect(res.status, res.text).toBe(201);
    return res.body.id;
  }

  it('changes the accounts and the urgency on the edit page, and the draft page shows them', async () => {
    const id = await newDraft();
    for (const [width, tag] of [[1280, 'desktop'], [390, 'phone']] as const) {
      const context = await browserAs(t, browser, base, email, { width, height: 900 });
      const page = await context.newPage();
      await page.goto(`${base}/drafts/${id}/edit`);
      await page.locator('.jodit-wysiwyg').waitFor();
      expect(await noSideways(page)).toBe(true);
      await shot(page, `editor-edit-publishing-${tag}`);
      await context.close();
    }
    const context = await browserAs(t, browser, base, email);
    const page = await context.newPage();
    await page.goto(`${base}/drafts/${id}/edit`);
    await page.locator('.jodit-wysiwyg').waitFor();
    const box = (name: string) => page.locator('label.choice', { hasText: name }).locator('input[name=accountIds]');
    // The gate's refusal is shown, not hidden: the pending account cannot be ticked, and says why.
    expect(await box(pending.name).isDisabled()).toBe(true);
    expect(await page.locator('label.choice', { hasText: pending.name }).innerText()).toContain('不可选');
    expect(await box(video.name).isChecked()).toBe(false);
    await box(video.name).check();
    await page.selectOption('#f-urgency', 'urgent');
    await page.locator('#save-draft').click();
    await page.waitForURL(`${base}/drafts/${id}?done=saved`);
    const facts = await page.locator('main').innerText();
    expect(facts).toContain(video.name);
    expect(facts).toContain('加急');
    expect(await page.locator('.timeline').innerText()).toContain('发布账号改为');
    const saved = (await t.request('GET', `/api/v1/drafts/${id}`, { token: demo.tokens.drafter })).body;
    expect([...saved.accountIds].sort()).toEqual([demo.accountId, video.id].sort());
    expect(saved.urgency).toBe('urgent');
    await shot(page, 'draft-after-publishing-change');
    await context.close();
  });

  it('a save pressed the instant typing stops keeps the last characters typed', async () => {
    const id = await newDraft();
    const context = await browserAs(t, browser, base, email);
    const page = await context.newPage();
    await page.goto(`${base}/drafts/${id}/edit`);
    await page.locator('.jodit-wysiwyg').click();
    await page.keyboard.press('Control+End');
    // Typed and saved in one breath: Jodit copies its text back to the form only now and then.
    await page.keyboard.type('最后一句。');
    await page.evaluate(() => (document.querySelector('#save-draft') as HTMLButtonElement).click());
    await page.waitForURL(`${base}/drafts/${id}?done=saved`);
    const saved = (await t.request('GET', `/api/v1/drafts/${id}`, { token: demo.tokens.drafter })).body;
    expect(saved.body).toContain('周五下午。最后一句。');
    await context.close();
  });

  it('asks before leaving with unsaved changes, and not after a save or with none', async () => {
    const id = await newDraft();
    t.clock.advance(0.3); // past the sign-in limit of five links an address in 15 minutes
    const context = await browserAs(t, browser, base, email);
    const page = await context.newPage();
    const asked: string[] = [];
    page.on('dialog', (d) => {
      asked.push(d.type());
      void d.accept();
    });
    await page.goto(`${base}/drafts/${id}/edit`);
    await page.locator('.jodit-wysiwyg').waitFor();
    // Nothing changed: no question. Chromium asks only after the person has touched the page.
    await page.locator('#f-title').click();
    await page.goto(`${base}/`);
    expect(asked).toEqual([]);
    await page.goto(`${base}/drafts/${id}/edit`);
    await page.locator('.jodit-wysiwyg').click();
    await page.keyboard.type('未保存的一句。');
    await page.goto(`${base}/`);
    expect(asked).toEqual(['beforeunload']);
    expect((await t.request('GET', `/api/v1/drafts/${id}`, { token: demo.tokens.drafter })).body.body).not.toContain('未保存');
    // Saved: the save itself leaves the page without a question.
    await page.goto(`${base}/drafts/${id}/edit`);
    await page.locator('#f-title').fill('讲座通知（改）');
    await page.locator('#save-draft').click();
    await page.waitForURL(`${base}/drafts/${id}?done=saved`);
    expect(asked).toEqual(['beforeunload']);
    await context.close();
  });

  it('shows the pre-screen finding for a listed word as it is typed, without a click', async () => {
    const id = await newDraft();
    const context = await browserAs(t, browser, base, email);
    const page = await context.newPage();
    let checks = 0;
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith(`/drafts/${id}/edit`)) checks++; });
    await page.goto(`${base}/drafts/${id}/edit`);
    await page.locator('.jodit-wysiwyg').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('这是内部讨论稿，请勿外传。', { delay: 20 });
    await expect.poll(() => page.locator('.editor-side').innerText(), { timeout: 10_000 }).toContain('内部讨论稿');
    expect(await page.locator('.editor-side').innerText()).toContain('尚未保存');
    // Debounced: one check (or very few) for a whole sentence typed, and the page was never left.
    expect(checks).toBeGreaterThan(0);
    expect(checks).toBeLessThan(4);
    expect(new URL(page.url()).pathname).toBe(`/drafts/${id}/edit`);
    // Nothing was saved by checking.
    expect((await t.request('GET', `/api/v1/drafts/${id}`, { token: demo.tokens.drafter })).body.currentVersion).toBe(1);
    await shot(page, 'editor-live-prescreen');
    await context.close();
  });
});
