import { describe, expect, it } from 'vitest';
import { browserAs, hasChromium, noSideways, seededBrowser, type SeededBrowser } from './browser';

/**
 * Another person's notification preferences in Chromium: an admin finds the person on /people,
 * opens 通知方式, is refused a bad phone number by field, then sets the channels in order and the
 * robot ids; the person's own /settings shows exactly that. The publicity department reads the same
 * page with no form; a staff member gets the 403 page. Screenshots at 1280 and 390 px.
 */
describe.skipIf(!hasChromium && !process.env.CI)('notification preferences pages in Chromium', () => {
  let fixture: SeededBrowser;
  seededBrowser((s) => { fixture = s; });

  it('an admin changes another person’s channels; the person’s settings show them; publicity reads them', async () => {
    const { t, demo, browser, base, emailOf } = fixture;
    const admin = await browserAs(t, browser, base, await emailOf(demo.people.admin!));
    const page = await admin.newPage();
    await page.goto(`${base}/people?q=${encodeURIComponent('王系主任')}`);
    await page.getByRole('link', { name: '王系主任的通知方式' }).click();
    await page.waitForURL(/\/people\/[0-9a-f-]{36}\/notifications$/);
    expect(await page.locator('h1').innerText()).toBe('王系主任 · 通知方式');

    const form = page.locator('#notification-prefs');
    await form.getByLabel('第一选择').selectOption({ label: '企业微信' });
    await form.getByLabel('第二选择').selectOption({ label: '电子邮件' });
    await form.getByLabel('手机号（可选）').fill('请打电话');
    await form.getByLabel('企业微信账号（可选）').fill('wang.xzr');
    await form.getByRole('button', { name: '保存通知方式' }).click();
    await page.waitForLoadState();
    // Refused by field; what was typed stays.
    expect(await page.locator('.error-summary').innerText()).toContain('手机号：须为手机号码');
    expect(await form.getByLabel('第一选择').inputValue()).toBe('wecom');
    expect(await form.getByLabel('企业微信账号（可选）').inputValue()).toBe('wang.xzr');
    await page.screenshot({ path: 'test/artifacts/console-person-notifications-error-1280.png', fullPage: true });

    await form.getByLabel('手机号（可选）').fill('13800138000');
    await form.getByRole('button', { name: '保存通知方式' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.notice.ok').innerText()).toContain('王系主任 的通知方式已保存');
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await noSideways(page), `admin's page at ${width}`).toBe(true);
      await page.screenshot({ path: `test/artifacts/console-person-notifications-admin-${width}.png`, fullPage: true });
    }
    const path = new URL(page.url()).pathname;
    await admin.close();

    // The person sees the admin's change as their own settings.
    const person = await browserAs(t, browser, base, await emailOf(demo.people.section_head!));
    const settings = await person.newPage();
    await settings.goto(`${base}/settings`);
    const mine = settings.locator('#notifications');
    expect(await mine.getByLabel('第一选择').inputValue()).toBe('wecom');
    expect(await mine.getByLabel('第二选择').inputValue()).toBe('email');
    expect(await mine.getByLabel('第三选择').inputValue()).toBe('');
    expect(await mine.getByLabel('手机号（可选）').inputValue()).toBe('13800138000');
    expect(await mine.getByLabel('企业微信账号（可选）').inputValue()).toBe('wang.xzr');
    await settings.screenshot({ path: 'test/artifacts/console-person-notifications-settings-1280.png', fullPage: true });
    // Not theirs to open for anyone else.
    const denied = await settings.goto(`${base}${path}`);
    expect(denied!.status()).toBe(403);
    expect(await settings.locator('main').innerText()).not.toContain('wang.xzr');
    await person.close();

    // Publicity reads the same preferences, with no form.
    const publicity = await browserAs(t, browser, base, await emailOf(demo.people.publicity!));
    const read = await publicity.newPage();
    await read.goto(`${base}${path}`);
    expect(await read.locator('#notification-prefs').count()).toBe(0);
    expect(await read.locator('select, input[name="phone"]').count()).toBe(0);
    const card = await read.locator('#notifications').innerText();
    expect(card).toMatch(/企业微信\s*电子邮件/);
    expect(card).toContain('13800138000');
    expect(card).toContain('只有管理员');
    for (const width of [1280, 390]) {
      await read.setViewportSize({ width, height: 900 });
      expect(await noSideways(read), `publicity's page at ${width}`).toBe(true);
      await read.screenshot({ path: `test/artifacts/console-person-notifications-publicity-${width}.png`, fullPage: true });
    }
    await publicity.close();
  }, 120_000);
});
