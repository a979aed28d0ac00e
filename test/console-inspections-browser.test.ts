import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { cstYear } from '../src/domain/cst';
import { browserAs, hasChromium, noSideways, seededBrowser } from './browser';
import type { TestEnv } from './harness';
import { registered, type Demo } from './registry-fixtures';

/**
 * The annual inspection in Chromium: publicity opens a campaign, the owner self-reports on the page,
 * publicity grades one account pass (the code appears, the poster prints), one rectify with a 约谈,
 * one fail; the campaign page shows where each unit stands.
 */
describe.skipIf(!hasChromium && !process.env.CI)('annual inspection pages in Chromium', () => {
  let t: TestEnv;
  let demo: Demo;
  let browser: Browser;
  let base: string;
  let second: { id: string; name: string };
  let third: { id: string; name: string };
  let emailOf: (personId: string) => Promise<string>;

  seededBrowser((s) => ({ t, demo, browser, base, emailOf } = s), {
    prepare: async (env, seeded) => {
      second = await registered(env, seeded, { name: '示范学院研究生会公众号' });
      third = await registered(env, seeded, { name: '示范学院就业指导公众号' });
    },
  });

  const inspectionOf = async (campaignId: string, accountId: string) =>
    ((await t.request('GET', `/api/v1/inspections/campaigns/${campaignId}`, { token: demo.tokens.publicity })).body.inspections as { id: string; accountId: string }[]).find((i) => i.accountId === accountId)!.id;

  async function grade(page: Page, inspectionId: string, result: string, fill: (page: Page) => Promise<void> = async () => {}) {
    await page.goto(`${base}/inspections/${inspectionId}`);
    await page.locator('#grade').getByLabel(result, { exact: true }).check();
    await fill(page);
    await page.getByRole('button', { name: '保存评定' }).click();
    await page.waitForLoadState();
  }

  it('opens a campaign, the owner self-reports, publicity grades pass, rectify with a 约谈, and fail', async () => {
    const year = cstYear(t.clock.now) + 1;
    const publicity = await browserAs(t, browser, base, await emailOf(demo.people.publicity!));
    const p = await publicity.newPage();
    await p.goto(`${base}/inspections/campaigns`);
    await p.getByLabel('年度', { exact: true }).fill(String(year));
    await p.getByLabel(/^自查截止/).fill(`${year}-03-31T18:00`);
    // Opening tells every owner and, at the grace period's end, expires earlier codes: asked first.
    const asked = new Promise<string>((resolve) => p.once('dialog', (d) => { resolve(d.message()); void d.accept(); }));
    await p.getByRole('button', { name: '开启年检' }).click();
    expect(await asked).toContain('此前年度的审查合格编码随之失效');
    await p.waitForURL(/\/inspections\/campaigns\/[0-9a-f-]{36}$/);
    const campaignId = p.url().split('/').pop()!;
    expect(await p.locator('h1').innerText()).toContain(`${year} 年度检查`);
    expect(await p.locator('.card', { hasText: '各单位进度' }).innerText()).toMatch(/示范学院（\w+）\s+3\s+0/);
    expect(await p.locator('time').first().innerText()).toBe(`${year}-03-31 18:00 北京时间`);

    // The owner files the self-report for the first account, prefilled from the records.
    const passId = await inspectionOf(campaignId, demo.accountId);
    const owner = await browserAs(t, browser, base, await emailOf(demo.people.publicity_officer!));
    const o = await owner.newPage();
    await o.goto(`${base}/inspections/${passId}`);
    expect(await o.getByLabel('更新频率').inputValue()).toMatch(/本年度经审核发布 \d+ 篇/);
    expect(await o.getByLabel('网络评论员人数').inputValue()).toBe('1');
    expect(await o.locator('#grade').count()).toBe(0);
    await o.getByLabel('更新频率').fill('每周 3 次');
    await o.getByLabel(/^其他说明/).fill('全年无事故。');
    await o.getByRole('button', { name: '提交自查报告' }).click();
    await o.waitForURL(/done=self-report/);
    expect(await o.locator('h1').innerText()).toContain('已提交自查');
    expect(await o.locator('.card', { hasText: '自查报告' }).first().innerText()).toContain('每周 3 次');
    await o.screenshot({ path: 'test/artifacts/console-inspection-owner-1280.png', fullPage: true });
    // The owner may not see the campaign: a 403 page, not its data.
    const refused = await o.goto(`${base}/inspections/campaigns/${campaignId}`);
    expect(refused?.status()).toBe(403);
    expect(await o.locator('body').innerText()).not.toContain(second.name);
    await owner.close();

    // Pass: the code appears; an automatic-fail item with pass is refused first, naming the result.
    await grade(p, passId, '合格', async (page) => { await page.getByLabel('商业推广').check(); });
    expect(await p.locator('.error-summary').innerText()).toContain('一票否决');
    await grade(p, passId, '合格', async (page) => { await page.getByLabel(/^检查发现/).fill('更新及时，审核留痕完整。'); });
    expect(p.url()).toContain('done=grade');
    const code = (await p.locator('dd .mono').first().innerText()).trim();
    expect(code).toMatch(new RegExp(`^SJ-${year}-WX-`));
    await p.goto(`${base}/registry/${demo.accountId}/poster`);
    expect(await p.locator('.poster .code').innerText()).toBe(code);
    expect((await p.pdf({ format: 'A4' })).subarray(0, 4).toString()).toBe('%PDF');

    // Rectify with a 约谈 recorded with it.
    const rectifyId = await inspectionOf(campaignId, second.id);
    await grade(p, rectifyId, '限期整改', async (page) => {
      await page.getByLabel(/^检查发现/).fill('评论区管理不到位。');
      await page.getByLabel(/^整改期限/).fill(`${year}-05-31T17:00`);
      // Held yesterday (Beijing time): a 约谈 is recorded once held.
      await page.getByLabel(/^约谈时间/).first().fill(new Date(t.clock.now.getTime() - 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 16));
      await page.getByLabel('约谈对象').first().fill('赵宣传员、陈书记');
      await page.locator('#grade').getByLabel('约谈纪要').fill('通报问题，明确整改要求。');
    });
    expect(p.url()).toContain('done=grade');
    expect(await p.locator('h1').innerText()).toContain('整改中');
    const record = await p.locator('.card', { hasText: '评定与约谈记录' }).innerText();
    expect(record).toContain('赵宣传员、陈书记');
    expect(record).toContain(`${year}-05-31 17:00 北京时间`);
    expect((await t.request('GET', `/api/v1/accounts/${second.id}`, { token: demo.tokens.publicity })).body.status).toBe('rectifying');
    await p.screenshot({ path: 'test/artifacts/console-inspection-rectify-1280.png', fullPage: true });

    // Fail: the account is suspended.
    const failId = await inspectionOf(campaignId, third.id);
    await grade(p, failId, '不合格', async (page) => { await page.getByLabel(/^检查发现/).fill('长期未审先发。'); });
    expect(await p.locator('h1').innerText()).toContain('不合格');
    expect((await t.request('GET', `/api/v1/accounts/${third.id}`, { token: demo.tokens.publicity })).body.status).toBe('suspended');

    // The campaign page adds it up, at both widths.
    for (const width of [1280, 390]) {
      await p.setViewportSize({ width, height: 900 });
      await p.goto(`${base}/inspections/campaigns/${campaignId}`);
      const stats = await p.locator('.stats').innerText();
      expect(stats.replace(/\s+/g, ' ')).toContain('3 账号 1 已自查 1 合格 1 整改中 1 不合格 0 逾期未自查');
      expect(await noSideways(p)).toBe(true);
      await p.screenshot({ path: `test/artifacts/console-campaign-${width}.png`, fullPage: true });
    }
    await publicity.close();
  }, 120_000);
});
