import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPERVISION_ITEMS } from '../src/domain/supervision';
import { createPeriodObligations } from '../src/services/duties';
import { browserAs, emailsOf, hasChromium, noSideways, openBrowser } from './browser';
import { createTestEnv, type TestEnv } from './harness';
import type { Demo } from './registry-fixtures';

/**
 * The yearly 专项督查 pages in Chromium: the department opens the year for every unit, scores one
 * unit's checklist (refusals in the error summary naming the item), the unit's secretary reads the
 * result from their duties page and reports the rectification, the department re-checks; a unit's
 * staff read their own result only, and never reach the department's page or forms.
 */
describe.skipIf(!hasChromium && !process.env.CI)('专项督查 pages in Chromium', () => {
  let t: TestEnv;
  let a: Demo;
  let b: Demo;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  let unitA = '';
  let sa = '';
  const email: Record<string, string> = {};
  const cst = (local: string) => new Date(`${local}+08:00`);

  beforeAll(async () => {
    t = await createTestEnv('postgres');
    t.clock.now = cst('2026-11-02T09:00:00');
    a = await t.seed();
    b = await t.seed();
    Object.assign(email, await emailsOf(t, { a, b }));
    unitA = (await t.request('GET', `/api/v1/units/${a.unitId}`, { token: a.tokens.admin })).body.name;
    await createPeriodObligations(t.runtime.database.db, t.runtime.deps, t.clock.now);
    await t.deliver();
    ({ base, browser, close } = await openBrowser(t));
  }, 60_000);
  afterAll(async () => {
    await close?.();
    await t?.close();
  });

  const signedIn = async (who: string, width = 1280): Promise<Page> => (await browserAs(t, browser, base, email[who]!, { width, height: 900 })).newPage();
  const score = (page: Page, key: string) => page.locator(`input[name="score-${key}"]`);
  const finding = (page: Page, key: string) => page.locator(`textarea[name="finding-${key}"]`);

  it('publicity opens the year for every unit and scores unit A: refusals name the item, findings put it under rectification', async () => {
    const page = await signedIn('a.publicity');
    await page.goto(`${base}/supervisions?year=2026`);
    expect(await page.locator('h1').innerText()).toContain('2026 年度网络意识形态工作专项督查');
    await page.getByRole('button', { name: /为所有单位开始 2026 年度督查/ }).click();
    await page.waitForURL(/\/supervisions\?year=2026$/);
    expect(await page.locator('#open').count()).toBe(0);
    const row = page.locator('#units tr', { hasText: unitA });
    expect(await row.locator('[data-stage]').getAttribute('data-stage')).toBe('not_started');
    await page.screenshot({ path: 'test/artifacts/supervision-year-1280.png', fullPage: true });
    await row.getByRole('link', { name: unitA }).click();
    await page.waitForURL(/\/supervisions\/[0-9a-f-]{36}$/);
    sa = new URL(page.url()).pathname.split('/').pop()!;
    expect(await page.locator('#checklist').innerText()).toContain('舆情研判');
    // The department sees the unit's duty record for the year beside the checklist.
    expect(await page.locator('#duty-record').innerText()).toContain('舆情研判');

    for (const item of SUPERVISION_ITEMS) await score(page, item.key).fill(String(item.max));
    await score(page, 'committee_study').fill('8');
    await page.getByRole('button', { name: '保存评分' }).click();
    const summary = page.locator('.error-summary');
    expect(await summary.innerText()).toContain('“专题研究”发现的问题');
    expect(await summary.locator('a').first().getAttribute('href')).toBe('#f-finding-committee_study');
    // What was typed is kept.
    expect(await score(page, 'committee_study').inputValue()).toBe('8');
    await score(page, 'leadership').fill('');
    await finding(page, 'committee_study').fill('上半年未专题研究意识形态工作');
    await score(page, 'leadership').evaluate((el: HTMLInputElement) => el.removeAttribute('required'));
    await page.getByRole('button', { name: '保存评分' }).click();
    expect(await summary.innerText()).toContain('请填写“领导责任”得分');
    await score(page, 'leadership').fill('15');
    await page.getByRole('button', { name: '保存评分' }).click();
    expect(await summary.innerText()).toContain('整改期限');
    await page.locator('input[name=rectifyDeadline]').fill('2026-12-01');
    await page.locator('textarea[name=summary]').fill('总体较好');
    await page.getByRole('button', { name: '保存评分' }).click();
    await page.waitForURL(/done=scored/);
    expect(await page.locator('.notice').innerText()).toContain('评分已保存');
    expect(await page.locator('#result [data-stage]').getAttribute('data-stage')).toBe('rectifying');
    expect(await page.locator('[data-total]').innerText()).toBe('93 / 100');
    expect(await page.locator('#result').innerText()).toContain('2026-12-01 23:59');
    // No second scoring until the unit reports.
    expect(await page.locator('#score').count()).toBe(0);
    const told = (await t.deliver()).filter((m) => m.kind === 'supervision');
    expect(told[0]!.text).toContain(`/supervisions/${sa}`);
    await page.close();
  }, 90_000);

  it('unit A’s secretary finds the result on the duties page, reads it and reports the rectification; publicity re-checks', async () => {
    const page = await signedIn('a.secretary');
    await page.goto(`${base}/duties`);
    await page.locator('#supervisions').getByRole('link', { name: '2026' }).click();
    await page.waitForURL(new RegExp(`/supervisions/${sa}$`));
    expect(await page.locator('#checklist').innerText()).toContain('上半年未专题研究意识形态工作');
    expect(await page.locator('#score').count()).toBe(0);
    expect(await page.locator('#duty-record').count()).toBe(0);
    await page.locator('textarea[name=note]').evaluate((el: HTMLTextAreaElement) => el.removeAttribute('required'));
    await page.getByRole('button', { name: '提交整改报告' }).click();
    expect(await page.locator('.error-summary').innerText()).toContain('整改情况');
    await page.locator('textarea[name=note]').fill('11月已召开党委会专题研究');
    await page.getByRole('button', { name: '提交整改报告' }).click();
    await page.waitForURL(/done=rectification/);
    expect(await page.locator('#result [data-stage]').getAttribute('data-stage')).toBe('rectified');
    expect(await page.locator('#rectification').count()).toBe(0);
    await page.close();

    const phone = await signedIn('a.secretary', 390);
    await phone.goto(`${base}/supervisions/${sa}`);
    expect(await noSideways(phone)).toBe(true);
    await phone.screenshot({ path: 'test/artifacts/supervision-unit-390.png', fullPage: true });
    await phone.close();

    const reviewer = await signedIn('a.publicity');
    await reviewer.goto(`${base}/supervisions/${sa}`);
    expect(await reviewer.locator('#score h2').innerText()).toBe('整改后复查评分');
    // The re-check starts from the record.
    expect(await score(reviewer, 'committee_study').inputValue()).toBe('8');
    await score(reviewer, 'committee_study').fill('15');
    await finding(reviewer, 'committee_study').fill('');
    await reviewer.getByRole('button', { name: '保存评分' }).click();
    await reviewer.waitForURL(/done=scored/);
    expect(await reviewer.locator('#result [data-stage]').getAttribute('data-stage')).toBe('scored');
    expect(await reviewer.locator('[data-total]').innerText()).toBe('100 / 100');
    await reviewer.screenshot({ path: 'test/artifacts/supervision-unit-1280.png', fullPage: true });
    // Prints as the unit's result: no navigation, no forms.
    await reviewer.emulateMedia({ media: 'print' });
    expect(await reviewer.locator('.sidenav').isVisible()).toBe(false);
    expect(await reviewer.locator('#checklist').isVisible()).toBe(true);
    await reviewer.pdf({ path: 'test/artifacts/supervision-result.pdf', format: 'A4' });
    await reviewer.goto(`${base}/supervisions?year=2026&lang=en`);
    expect(await reviewer.locator('h1').innerText()).toBe('2026 supervision of network ideology work');
    expect(await reviewer.locator('[data-stage-count=scored]').innerText()).toBe('1');
    await reviewer.close();
  }, 90_000);

  it('staff read their own unit’s result only; the department’s page and forms answer 403 pages', async () => {
    const staff = await signedIn('a.drafter', 390);
    const own = await staff.goto(`${base}/supervisions/${sa}`);
    expect(own!.status()).toBe(200);
    expect(await staff.locator('form[action*="/supervisions/"]').count()).toBe(0);
    const year = await staff.goto(`${base}/supervisions`);
    expect(year!.status()).toBe(403);
    expect(await staff.locator('main').innerText()).toContain('无权');
    await staff.close();
    const other = await signedIn('b.secretary');
    const foreign = await other.goto(`${base}/supervisions/${sa}`);
    expect(foreign!.status()).toBe(403);
    expect(await other.locator('main').innerText()).not.toContain('上半年未专题研究');
    await other.close();

    // Forged posts from a staff session: 403 pages, nothing changed.
    const { cookie, csrf } = await t.signIn(email['a.drafter']!);
    const forged = await t.request('POST', `/supervisions/${sa}/score`, { cookie, form: { _csrf: csrf, ...Object.fromEntries(SUPERVISION_ITEMS.map((i) => [`score-${i.key}`, '0'])) } });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('content-type')).toContain('text/html');
    expect((await t.request('POST', '/supervisions', { cookie, form: { _csrf: csrf, year: '2027' } })).status).toBe(403);
    expect((await t.request('POST', `/supervisions/${sa}/rectification`, { cookie, form: { _csrf: csrf, note: 'x' } })).status).toBe(403);
    expect((await t.request('GET', `/api/v1/supervisions/${sa}`, { token: a.tokens.publicity })).body).toMatchObject({ stage: 'scored', total: 100 });
    const anonymous = await browser.newPage();
    await anonymous.goto(`${base}/supervisions`);
    expect(new URL(anonymous.url()).pathname).toBe('/login');
    await anonymous.close();
  }, 60_000);
});
