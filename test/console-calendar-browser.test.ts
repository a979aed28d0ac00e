import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseFestivalLines } from '../src/pages/calendar/lines';
import { browserAs, hasChromium, noSideways, seededBrowser } from './browser';
import type { TestEnv } from './harness';
import type { Demo } from './registry-fixtures';

describe('the calendar form’s lines', () => {
  it('reads one festival a line and names each bad line', () => {
    const ok = parseFestivalLines(2028, '# 2028\n元旦 2028-01-01\n春节 2028-01-26 2028-02-01 2028-01-22\n');
    expect(ok.problems).toEqual([]);
    expect(ok.festivals).toEqual([{ name: '元旦', first: '2028-01-01' }, { name: '春节', first: '2028-01-26', last: '2028-02-01', makeUpDays: ['2028-01-22'] }]);
    const bad = parseFestivalLines(2028, '元旦 2028-01-01\n春节 2028/01/26\n\n劳动节 2028-05-01 2028-05-05 2028-05-03');
    expect(bad.problems.map((p) => p.line)).toEqual([2, 4]);
    expect(bad.problems[1]!.zh).toContain('调休上班日须为周六或周日');
  });
});

describe.skipIf(!hasChromium && !process.env.CI)('holiday calendar page in Chromium', () => {
  let t: TestEnv;
  let demo: Demo;
  let browser: Browser;
  let base: string;
  let emailOf: (personId: string) => Promise<string>;

  seededBrowser((s) => ({ t, demo, browser, base, emailOf } = s));

  it('an admin sees the years, views one and loads a new year with per-line errors; publicity reads only; staff get a 403 page', async () => {
    const admin = await browserAs(t, browser, base, await emailOf(demo.people.admin!));
    const page = await admin.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: '节假日日历' }).click();
    await page.waitForURL(/\/calendar$/);
    const years = await page.locator('.card', { hasText: '已有年份' }).innerText();
    for (const y of ['2025', '2026', '2027']) expect(years).toContain(y);
    await page.getByRole('link', { name: '2027', exact: true }).click();
    await page.waitForURL(/year=2027/);
    expect(await page.locator('#year').innerText()).toMatch(/2027-02-0\d 周.\s+春节/);

    await page.getByLabel('年份', { exact: true }).fill('2028');
    await page.getByLabel('节日安排').fill('元旦 2028-01-01\n春节 2028/01/26\n劳动节 2028-05-01 2028-05-05 2028-05-03');
    await page.getByRole('button', { name: /载入/ }).click();
    await page.waitForLoadState();
    const summary = await page.locator('.error-summary').innerText();
    expect(summary).toContain('第 2 行');
    expect(summary).toContain('第 3 行：调休上班日须为周六或周日');
    expect(await page.getByLabel('节日安排').inputValue()).toContain('劳动节 2028-05-01');
    await page.screenshot({ path: 'test/artifacts/console-calendar-error-1280.png', fullPage: true });
    await page.getByLabel('节日安排').fill('元旦 2028-01-01\n春节 2028-01-26 2028-02-01 2028-01-22\n劳动节 2028-05-01 2028-05-05 2028-04-29');
    await page.getByRole('button', { name: /载入/ }).click();
    await page.waitForLoadState();
    expect(await page.locator('.notice.ok').innerText()).toContain('已载入 2028 年');
    expect(await page.locator('.card', { hasText: '已有年份' }).innerText()).toMatch(/2028\s+管理员载入/);
    expect(await page.locator('#year').innerText()).toContain('2028-04-29 周六');
    await admin.close();
    const api = await t.request('GET', '/api/v1/calendar/2028', { token: demo.tokens.admin });
    expect(api.body).toMatchObject({ source: 'loaded', workdays: expect.arrayContaining([{ date: '2028-01-22', name: '春节调休' }]) });

    for (const width of [1280, 390]) {
      t.clock.advance(1);
      const ctx = await browserAs(t, browser, base, await emailOf(demo.people.publicity!), { width, height: 900 });
      const p = await ctx.newPage();
      await p.goto(`${base}/calendar?year=2028`);
      expect(await p.locator('#load').count()).toBe(0);
      expect(await noSideways(p)).toBe(true);
      await p.screenshot({ path: `test/artifacts/console-calendar-${width}.png`, fullPage: true });
      await ctx.close();
    }
    const publicity = await t.signIn(await emailOf(demo.people.publicity!));
    const refusedLoad = await t.request('POST', '/calendar', { cookie: publicity.cookie, form: { _csrf: publicity.csrf, year: '2029', festivals: '元旦 2029-01-01' } });
    expect(refusedLoad.status).toBe(403);
    const staff = await t.signIn(await emailOf(demo.people.drafter!));
    const refused = await t.request('GET', '/calendar', { cookie: staff.cookie });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('<html');
    expect(refused.text).not.toContain('春节');
  }, 120_000);
});
