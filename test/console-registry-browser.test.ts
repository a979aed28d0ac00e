import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { REGISTRY_COLUMNS } from '../src/services/registry-exports';
import { browserAs, hasChromium, noSideways, seededBrowser } from './browser';
import type { TestEnv } from './harness';
import { pick } from './console-support';
import { registered, type Demo } from './registry-fixtures';

describe.skipIf(!hasChromium && !process.env.CI)('registry pages in Chromium', () => {
  let t: TestEnv;
  let demo: Demo;
  let browser: Browser;
  let base: string;
  let emailOf: (personId: string) => Promise<string>;

  seededBrowser((s) => ({ t, demo, browser, base, emailOf } = s));

  it('a staff member applies with people picked by name; publicity approves it', async () => {
    const staff = await browserAs(t, browser, base, await emailOf(demo.people.drafter!));
    const page = await staff.newPage();
    await page.goto(`${base}/registry/apply`);
    await page.getByLabel('账号名称').fill('示范学院团委微博');
    await page.getByLabel('平台', { exact: true }).selectOption('weibo');
    await page.getByLabel('平台账号').fill('tw_demo_weibo');
    await page.getByLabel('单位', { exact: true }).selectOption(demo.unitId);
    // Submitting without a commentator: the summary names the field, what was typed stays.
    await pick(page, 'ownerId', '赵宣传员');
    await pick(page, 'adminIds', '赵宣传员');
    await page.getByRole('button', { name: '提交登记申请' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.error-summary').innerText()).toContain('网络评论员');
    expect(await page.locator('.error-summary').evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByLabel('账号名称').inputValue()).toBe('示范学院团委微博');
    await page.screenshot({ path: 'test/artifacts/console-apply-error-1280.png', fullPage: true });
    await pick(page, 'commentatorIds', '李撰稿');
    await page.getByRole('button', { name: '提交登记申请' }).click();
    await page.waitForURL(/\/registry\/[0-9a-f-]{36}\?done=applied$/);
    const accountUrl = page.url().split('?')[0]!;
    expect(await page.locator('h1').innerText()).toContain('待审批');
    expect(await page.locator('.card', { hasText: '人员（按任期）' }).innerText()).toMatch(/网络评论员\s+李撰稿/);
    // A staff member has no registry actions on it.
    expect(await page.locator('#actions').count()).toBe(0);
    await staff.close();

    const publicity = await browserAs(t, browser, base, await emailOf(demo.people.publicity!));
    const p = await publicity.newPage();
    await p.goto(accountUrl);
    await p.locator('form[action$="/actions/approve"]').getByLabel('意见（可选）').fill('材料齐全，准予登记');
    await p.locator('form[action$="/actions/approve"] button').click();
    await p.waitForURL(/done=approve/);
    expect(await p.locator('h1').innerText()).toContain('已登记备案');
    expect(await p.locator('.timeline').innerText()).toContain('材料齐全，准予登记');
    await p.screenshot({ path: 'test/artifacts/console-account-1280.png', fullPage: true });
    await publicity.close();
  }, 90_000);

  it('without JavaScript the picker searches by posting the form back, on a phone', async () => {
    const { cookie } = await t.signIn(await emailOf(demo.people.drafter!));
    const [name, value] = cookie.split('=') as [string, string];
    const ctx = await browser.newContext({ viewport: { width: 390, height: 900 }, locale: 'zh-CN', javaScriptEnabled: false });
    await ctx.addCookies([{ name, value, url: base, httpOnly: true, sameSite: 'Lax' }]);
    const page = await ctx.newPage();
    await page.goto(`${base}/registry/apply`);
    await page.getByLabel('账号名称').fill('无脚本示范号');
    const owner = page.locator('#f-ownerId');
    await owner.getByLabel(/搜索负责人/).fill('赵宣');
    await owner.getByRole('button', { name: '搜索' }).click();
    await page.waitForLoadState();
    expect(await page.getByLabel('账号名称').inputValue()).toBe('无脚本示范号');
    await page.locator('#f-ownerId label.choice', { hasText: '赵宣传员' }).locator('input').check();
    await page.locator('#f-adminIds').getByLabel(/搜索管理员/).fill('赵宣');
    await page.locator('#f-adminIds').getByRole('button', { name: '搜索' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#f-ownerId input[type=radio]:checked').count()).toBe(1);
    expect(await noSideways(page)).toBe(true);
    await page.screenshot({ path: 'test/artifacts/console-picker-nojs-390.png', fullPage: true });
    await ctx.close();
  }, 60_000);

  it('lists, filters and downloads the registry as CSV from the page, at 1280 and 390 px', async () => {
    for (const width of [1280, 390]) {
      const ctx = await browserAs(t, browser, base, await emailOf(demo.people.publicity!), { width, height: 900 });
      t.clock.advance(1); // a fresh sign-in link each round (the per-address limit)
      const page = await ctx.newPage();
      await page.goto(`${base}/registry`);
      expect(await page.locator('table.data').innerText()).toContain(demo.inspectionCode);
      expect(await noSideways(page)).toBe(true);
      await page.screenshot({ path: `test/artifacts/console-registry-${width}.png`, fullPage: true });
      if (width === 1280) {
        await page.getByLabel('审查合格编码').selectOption('valid');
        await page.getByRole('button', { name: '筛选' }).click();
        await page.waitForURL(/code=valid/);
        expect(await page.locator('table.data tbody tr').count()).toBe(1);
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载 CSV' }).click()]);
        const csv = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '');
        const [header, ...lines] = csv.trim().split(/\r?\n/);
        expect(header!.split(',')).toEqual(REGISTRY_COLUMNS);
        expect(lines.some((l) => l.includes(demo.inspectionCode))).toBe(true);
        expect(download.suggestedFilename()).toMatch(/\.csv$/);
      }
      await page.goto(`${base}/registry/${demo.accountId}`);
      expect(await noSideways(page)).toBe(true);
      await page.screenshot({ path: `test/artifacts/console-account-${width}.png`, fullPage: true });
      await ctx.close();
    }
  }, 90_000);

  it('责令整改 from the account page asks for a deadline, prefilled 30 days on, refusing a past date', async () => {
    const account = await registered(t, demo, { name: '整改示范号' });
    const cstDay = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    // The phone first: the wide round goes on to order the rectification.
    for (const width of [390, 1280]) {
      t.clock.advance(1);
      const ctx = await browserAs(t, browser, base, await emailOf(demo.people.publicity!), { width, height: 900 });
      const page = await ctx.newPage();
      // Ordering a rectification stops the account publishing: the page asks first.
      const asked: string[] = [];
      page.on('dialog', (d) => { asked.push(d.message()); void d.accept(); });
      await page.goto(`${base}/registry/${account.id}`);
      const form = page.locator('form[action$="/actions/rectify"]');
      const date = form.getByLabel(/整改期限/);
      expect(await date.inputValue()).toBe(cstDay(new Date(t.clock.now.getTime() + 30 * 86_400_000)));
      expect(await date.getAttribute('min')).toBe(cstDay(t.clock.now));
      expect(await noSideways(page)).toBe(true);
      await form.screenshot({ path: `test/artifacts/console-rectify-form-${width}.png` });
      if (width === 390) { await ctx.close(); continue; }
      // A past date (the browser's own check set aside, as a browser without it would send it): refused by name, nothing moves.
      await form.getByLabel('责令整改理由').fill('评论区管理不到位');
      await date.evaluate((el) => el.removeAttribute('min'));
      await date.fill(cstDay(new Date(t.clock.now.getTime() - 2 * 86_400_000)));
      await form.getByRole('button', { name: '责令整改' }).click();
      await page.waitForLoadState();
      expect(await page.locator('.error-summary').innerText()).toContain('整改期限须晚于当前时间');
      expect(await page.locator('h1').innerText()).toContain('已登记备案');
      expect(await page.locator('form[action$="/actions/rectify"]').getByLabel('责令整改理由').inputValue()).toBe('评论区管理不到位');
      await page.screenshot({ path: 'test/artifacts/console-rectify-error-1280.png', fullPage: true });
      const chosen = cstDay(new Date(t.clock.now.getTime() + 14 * 86_400_000));
      await page.locator('form[action$="/actions/rectify"]').getByLabel(/整改期限/).fill(chosen);
      await page.locator('form[action$="/actions/rectify"]').getByRole('button', { name: '责令整改' }).click();
      await page.waitForURL(/done=rectify/);
      expect(asked).toContain('确定责令整改？');
      expect(await page.locator('h1').innerText()).toContain('整改中');
      expect(await page.locator('dl.facts').first().innerText()).toContain(`${chosen} 23:59`);
      await ctx.close();
      const view = await t.request('GET', `/api/v1/accounts/${account.id}`, { token: demo.tokens.publicity });
      expect(view.body).toMatchObject({ status: 'rectifying', rectifyDeadline: new Date(`${chosen}T23:59:59+08:00`).toISOString() });
    }
  }, 90_000);

  it('prints the code poster with a QR that opens the public verify page', async () => {
    const ctx = await browserAs(t, browser, base, await emailOf(demo.people.publicity_officer!));
    const page = await ctx.newPage();
    await page.goto(`${base}/registry/${demo.accountId}`);
    await page.getByRole('link', { name: '编码海报' }).click();
    await page.waitForURL(/\/poster$/);
    expect(await page.locator('.poster .code').innerText()).toBe(demo.inspectionCode);
    expect(await page.locator('.poster .url').innerText()).toBe(`http://imprimatur.test/verify/${demo.inspectionCode}`);
    expect(await page.locator('.poster .qr svg').count()).toBe(1);
    expect(await page.getByRole('button', { name: '打印' }).isVisible()).toBe(true);
    await page.screenshot({ path: 'test/artifacts/console-poster-1280.png', fullPage: true });
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('button', { name: '打印' }).isVisible()).toBe(false);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    await ctx.close();
  }, 60_000);
});
