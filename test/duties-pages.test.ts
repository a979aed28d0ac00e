import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPeriodObligations } from '../src/services/duties';
import { browserAs, emailsOf, hasChromium, noSideways, openBrowser } from './browser';
import { createTestEnv, type TestEnv } from './harness';
import { pdf } from './support/fixtures';
import type { Demo } from './registry-fixtures';

/**
 * The duty pages in Chromium, signed in by the mailed link: my duties, submitting files and a note,
 * the reviewer returning (the comment is required) and accepting, the department's board with
 * done and missing and one click to the evidence, the templates, and who may see what.
 */
describe.skipIf(!hasChromium && !process.env.CI)('duty pages in Chromium', () => {
  let t: TestEnv;
  let a: Demo;
  let b: Demo;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  const email: Record<string, string> = {};
  const cst = (local: string) => new Date(`${local}+08:00`);

  beforeAll(async () => {
    t = await createTestEnv('postgres');
    t.clock.now = cst('2026-04-02T10:00:00');
    a = await t.seed();
    b = await t.seed();
    Object.assign(email, await emailsOf(t, { a }));
    await createPeriodObligations(t.runtime.database.db, t.runtime.deps, t.clock.now);
    await t.deliver();
    ({ base, browser, close } = await openBrowser(t));
  }, 60_000);
  afterAll(async () => {
    await close?.();
    await t?.close();
  });

  const signedIn = async (who: string, width = 1280): Promise<Page> => (await browserAs(t, browser, base, email[who]!, { width, height: 900 })).newPage();

  it('the officer sees the quarter’s 舆情研判 under 待办 and submits a report with a note', async () => {
    const page = await signedIn('a.publicity_officer');
    // The workspace lists what the person still owes.
    await page.goto(`${base}/`);
    expect(await page.locator('#duties').innerText()).toContain('舆情研判');
    await page.goto(`${base}/duties`);
    expect(await page.locator('h1').innerText()).toBe('我的职责');
    const upcoming = page.locator('#upcoming');
    expect(await upcoming.innerText()).toContain('舆情研判');
    expect(await upcoming.innerText()).toContain('2026年第二季度');
    await upcoming.getByRole('link', { name: '舆情研判' }).first().click();
    await page.waitForURL(/\/duties\/[0-9a-f-]{36}$/);
    expect(await page.locator('main').innerText()).toContain('北京时间');
    // Nothing chosen: the browser's own check stops it; without that check the server names the field.
    await page.locator('input[name=files]').evaluate((el: HTMLInputElement) => el.removeAttribute('required'));
    await page.getByRole('button', { name: '提交' }).click();
    expect(await page.locator('.error-summary').innerText()).toContain('请选择要上传的文件');
    await page.locator('input[name=files]').setInputFiles([{ name: '二季度舆情研判.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf('Q2 report')) }]);
    await page.locator('textarea[name=note]').fill('二季度研判报告，请审核');
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForURL(/done=submitted/);
    expect(await page.locator('.notice').innerText()).toContain('材料已提交');
    expect(await page.locator('#submissions').innerText()).toContain('二季度研判报告，请审核');
    await page.screenshot({ path: 'test/artifacts/duty-submitted.png', fullPage: true });
    await page.close();
  }, 60_000);

  it('publicity returns it (the comment is required), the officer resubmits, publicity accepts', async () => {
    const reviewer = await signedIn('a.publicity');
    await reviewer.goto(`${base}/duties`);
    await reviewer.locator('#to-review').getByRole('link', { name: '舆情研判' }).click();
    await reviewer.getByRole('button', { name: '退回' }).click();
    expect(await reviewer.locator('.error-summary').innerText()).toContain('须填写意见');
    await reviewer.locator('textarea[name=comment]').fill('请补充三月下旬的数据');
    await reviewer.getByRole('button', { name: '退回' }).click();
    await reviewer.waitForURL(/done=return/);
    const dutyUrl = reviewer.url().split('?')[0]!;

    const officer = await signedIn('a.publicity_officer');
    await officer.goto(dutyUrl);
    expect(await officer.locator('#submit h2, #submit .card-title, #submit').first().innerText()).toContain('重新提交');
    await officer.locator('input[name=files]').setInputFiles([{ name: '二季度舆情研判（补充）.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf('Q2 report v2')) }]);
    await officer.getByRole('button', { name: '提交' }).click();
    await officer.waitForURL(/done=submitted/);
    // The officer may not decide.
    expect(await officer.locator('#decide').count()).toBe(0);
    await officer.close();

    await reviewer.goto(dutyUrl);
    await reviewer.getByRole('button', { name: '通过' }).click();
    await reviewer.waitForURL(/done=accept/);
    expect(await reviewer.locator('[data-standing]').first().getAttribute('data-standing')).toBe('done');
    // One click to the evidence (downloads: the file is an attachment).
    const [download] = await Promise.all([reviewer.waitForEvent('download'), reviewer.locator('a[data-evidence]').last().click()]);
    expect(download.suggestedFilename()).toContain('补充');
    await reviewer.close();
  }, 60_000);

  it('the board shows done and missing per unit and prints as the year’s summary; the templates page lists the seeds’ duties', async () => {
    t.clock.now = cst('2026-07-20T10:00:00'); // after the Q2 due day (15 July)
    const page = await signedIn('a.publicity');
    await page.goto(`${base}/duties/board?year=2026`);
    const q2 = page.locator('#period-2026-Q2');
    const rowOf = (unit: string) => q2.locator('tr', { hasText: '舆情研判' }).filter({ hasText: unit });
    const [unitA, unitB] = await Promise.all([a, b].map(async (d) => (await t.request('GET', `/api/v1/units/${d.unitId}`, { token: d.tokens.admin })).body.name as string));
    expect(await rowOf(unitA!).locator('[data-standing]').getAttribute('data-standing')).toBe('done');
    expect(await rowOf(unitB!).locator('[data-standing]').getAttribute('data-standing')).toBe('missing');
    await rowOf(unitA!).locator('a[data-evidence-for]').click();
    await page.waitForURL(/#submissions$/);
    expect(await page.locator('#submissions a[data-evidence]').count()).toBe(2);
    await page.goto(`${base}/duties/board?year=2026`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.sidenav').isVisible()).toBe(false);
    expect(await page.locator('#summary').isVisible()).toBe(true);
    await page.pdf({ path: 'test/artifacts/duty-board.pdf', format: 'A4' });
    await page.emulateMedia({ media: 'screen' });
    await page.goto(`${base}/duties/templates?lang=en`);
    expect(await page.locator('h1').innerText()).toBe('Duty templates');
    expect(await page.locator('main').innerText()).toContain('舆情研判');
    expect(await page.locator('main').innerText()).toContain('15 days after the end of the quarter');
    await page.close();
  }, 60_000);

  it('fits a 390-px phone; the board is the department’s only; signed out goes to sign-in', async () => {
    const phone = await signedIn('a.publicity_officer', 390);
    await phone.goto(`${base}/duties`);
    expect(await noSideways(phone)).toBe(true);
    const refused = await phone.goto(`${base}/duties/board`);
    expect(refused!.status()).toBe(403);
    expect(await phone.locator('main').innerText()).toContain('无权');
    // Another unit's duty: a 403 page, never its data.
    const other = (await t.request('GET', `/api/v1/duties?unitId=${b.unitId}&period=2026-Q2`, { token: b.tokens.publicity })).body.items[0].id;
    const foreign = await phone.goto(`${base}/duties/${other}`);
    expect(foreign!.status()).toBe(403);
    await phone.close();
    const anonymous = await browser.newPage();
    await anonymous.goto(`${base}/duties`);
    expect(new URL(anonymous.url()).pathname).toBe('/login');
    expect(new URL(anonymous.url()).searchParams.get('next')).toBe('/duties');
    await anonymous.close();
  }, 60_000);
});
