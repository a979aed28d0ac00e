import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAs, hasChromium, noSideways, seededBrowser } from './browser';
import { pick } from './console-support';
import type { TestEnv } from './harness';
import type { Demo } from './registry-fixtures';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';

/**
 * The duty roster and 越级上报 in Chromium, with mail through a real SMTP server: publicity puts
 * someone on a unit's roster by picking them by name (1280 and 390 px); a commentator reports
 * from a 390-px phone with 越级上报 ticked, the secretary gets the report directly (the link in
 * the mail opens the incident, which says 越级上报) and the skipped leader in charge is told.
 */
describe.skipIf(!hasChromium && !process.env.CI)('duty roster and 越级上报 in Chromium', () => {
  let t: TestEnv;
  let demo: Demo;
  let browser: Browser;
  let base: string;
  let emailOf: (personId: string) => Promise<string>;
  let sink: SmtpSink;
  const cst = (local: string) => new Date(`${local}+08:00`);
  // Filled before the fixture's service starts, so its mail goes to the sink.
  const env: Record<string, string> = {};

  beforeAll(async () => {
    sink = await startSmtpSink();
    env.SMTP_URL = sink.url;
  });
  seededBrowser((s) => ({ t, demo, browser, base, emailOf } = s), { env, prepare: async (t) => { t.clock.now = cst('2026-12-04T10:00:00'); } });
  afterAll(() => sink?.close());

  const as = async (personId: string, width: number): Promise<Page> => (await browserAs(t, browser, base, await emailOf(personId), { width, height: 900 })).newPage();
  const mailTo = async (personId: string, subject: string) => {
    const email = await emailOf(personId);
    return sink.messages.find((m) => !Array.isArray(m.to) && m.to?.value[0]?.address === email && m.subject?.includes(subject));
  };

  it('publicity picks a person by name for the unit’s roster; the roster and the overview show them on duty (1280 and 390 px)', async () => {
    const page = await as(demo.people.publicity!, 1280);
    await page.goto(`${base}/incidents`);
    await page.locator('.page-head').getByRole('link', { name: '值班表' }).click();
    await page.waitForURL(/\/incidents\/roster$/);
    const unitRow = page.locator('#units tr', { hasText: demo.unitName });
    expect(await unitRow.innerText()).toContain('无人值班');
    await unitRow.getByRole('link', { name: demo.unitName }).click();
    await page.waitForURL(new RegExp(`/incidents/roster/${demo.unitId}$`));
    expect(await page.locator('#now').innerText()).toContain('本单位当前无人值班');

    await pick(page, 'personId', '王系主任');
    await page.getByLabel('开始时间（北京时间）').fill('2026-12-04T08:00');
    await page.getByLabel('结束时间（北京时间）').fill('2026-12-05T08:00');
    await page.getByRole('button', { name: '添加到值班表' }).click();
    await page.waitForURL(/done=added/);
    expect(await page.locator('.notice').innerText()).toContain('已加入值班表');
    expect(await page.locator('#now').innerText()).toContain('王系主任');
    const entry = await page.locator('#entries tr', { hasText: '王系主任' }).innerText();
    expect(entry).toContain('2026-12-04 08:00 北京时间');
    expect(entry).toContain('2026-12-05 08:00 北京时间');
    expect(entry).toContain('正在值班');
    const api = await t.request('GET', `/api/v1/units/${demo.unitId}/duty-roster`, { token: demo.tokens.publicity });
    expect(api.body.entries).toMatchObject([{ personId: demo.people.section_head, from: cst('2026-12-04T08:00:00').toISOString(), to: cst('2026-12-05T08:00:00').toISOString() }]);

    // The same person again that evening overlaps: the form comes back naming 开始时间, as typed.
    await pick(page, 'personId', '王系主任');
    await page.getByLabel('开始时间（北京时间）').fill('2026-12-04T20:00');
    await page.getByLabel('结束时间（北京时间）').fill('2026-12-05T20:00');
    await page.getByRole('button', { name: '添加到值班表' }).click();
    expect(await page.locator('.error-summary').innerText()).toContain('开始时间：同一人员的值班时间重叠');
    expect(await page.locator('.error-summary a').first().getAttribute('href')).toBe('#f-from');
    expect(await page.getByLabel('开始时间（北京时间）').inputValue()).toBe('2026-12-04T20:00');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: 'test/artifacts/duty-roster-unit-1280.png', fullPage: true });

    await page.goto(`${base}/incidents/roster`);
    expect(await page.locator('#units tr', { hasText: demo.unitName }).innerText()).toContain('王系主任');
    await page.screenshot({ path: 'test/artifacts/duty-roster-overview-1280.png', fullPage: true });
    await page.close();

    const phone = await as(demo.people.publicity!, 390);
    await phone.goto(`${base}/incidents/roster/${demo.unitId}`);
    expect(await phone.locator('#entries').innerText()).toContain('王系主任');
    expect(await noSideways(phone)).toBe(true);
    await phone.screenshot({ path: 'test/artifacts/duty-roster-unit-390.png', fullPage: true });
    // A member of the unit reads it, with nothing to change.
    const member = await as(demo.people.drafter!, 390);
    await member.goto(`${base}/incidents/roster/${demo.unitId}`);
    expect(await member.locator('#now').innerText()).toContain('王系主任');
    expect(await member.locator('#add').count()).toBe(0);
    expect(await member.locator('#entries form').count()).toBe(0);
    await phone.close();
    await member.close();
  }, 90_000);

  it('越级上报 from a 390-px phone: the secretary gets it directly by mail, the skipped leader in charge is told, the incident says 越级上报', async () => {
    const phone = await as(demo.people.drafter!, 390);
    await phone.goto(`${base}/incidents/new`);
    await phone.locator('input[name=summary]').fill('教师课堂言论被断章取义传播');
    await phone.locator('input[name=place]').fill('抖音');
    await phone.locator('input[name=people]').fill('本院教师一名');
    await phone.locator('textarea[name=development]').fill('视频播放量两小时内超过十万');
    await phone.locator('input[name=group][value=teachers]').check();
    const urgent = phone.getByLabel('特别紧急，越级上报');
    await urgent.check();
    expect(await urgent.isChecked()).toBe(true);
    expect(await noSideways(phone)).toBe(true);
    await phone.evaluate(() => window.scrollTo(0, 0));
    await phone.screenshot({ path: 'test/artifacts/incident-urgent-form-390.png', fullPage: true });
    await phone.getByRole('button', { name: '立即报告' }).click();
    await phone.waitForURL(/\/incidents\/[0-9a-f-]{36}\?done=reported$/);
    const path = new URL(phone.url()).pathname;
    expect(await phone.locator('#timeline').innerText()).toContain('越级上报');
    await phone.close();

    await t.deliver();
    // The secretary directly, with the incident's link; the leader in charge, skipped, is told so.
    await expect.poll(() => mailTo(demo.people.secretary!, '越级上报】'), { timeout: 10_000 }).toBeTruthy();
    await expect.poll(() => mailTo(demo.people.deputy_leader!, '【越级上报知会】'), { timeout: 10_000 }).toBeTruthy();
    const direct = (await mailTo(demo.people.secretary!, '越级上报】'))!;
    expect(direct.subject).toContain('教师课堂言论被断章取义传播');
    const link = new RegExp(`http://imprimatur\\.test(${path})\\b`).exec(direct.text!)?.[1];
    expect(link).toBe(path);
    const told = (await mailTo(demo.people.deputy_leader!, '【越级上报知会】'))!;
    expect(told.text).toContain('教师课堂言论被断章取义传播');
    // The leader in charge is told, not asked: no mail to them as a first receiver.
    expect(await mailTo(demo.people.deputy_leader!, '【舆情报告】')).toBeUndefined();

    const secretary = await as(demo.people.secretary!, 390);
    await secretary.goto(`${base}${link}`);
    expect(await secretary.locator('main').innerText()).toContain('越级上报');
    expect(await secretary.locator('ol.stages li[aria-current]').getAttribute('data-stage')).toBe('reported');
    // The secretary acts on it: acknowledging is offered.
    expect(await secretary.locator('#acknowledge').count()).toBe(1);
    expect(await noSideways(secretary)).toBe(true);
    await secretary.screenshot({ path: 'test/artifacts/incident-urgent-390.png', fullPage: true });
    await secretary.close();
  }, 90_000);
});
