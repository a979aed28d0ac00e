import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAs, hasChromium, noSideways, seededBrowser } from './browser';
import { LOOPBACK_RECEIVERS, submitDraft, type TestEnv } from './harness';
import { startReceiver } from './support/receiver';
import type { Demo } from './registry-fixtures';

/**
 * The console's operations pages in Chromium: a unit's robots (refused private address, set, test
 * message through the outbox to a real HTTP receiver that refuses it, removed), the failed send on
 * the deliveries page and its 重新发送, the audit log (filter by draft, person, action; the chain
 * check from its button); screenshots at 1280 and 390 px, and a staff member's 403 pages.
 */
describe.skipIf(!hasChromium && !process.env.CI)('operations pages in Chromium', () => {
  let t: TestEnv;
  let demo: Demo;
  let browser: Browser;
  let base: string;
  let robotAnswer = { status: 400, body: { errcode: 93000, errmsg: 'invalid webhook url' } as unknown };
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let emailOf: (personId: string) => Promise<string>;

  beforeAll(async () => {
    receiver = await startReceiver(() => robotAnswer);
  });
  afterAll(async () => receiver?.close());
  seededBrowser((s) => ({ t, demo, browser, base, emailOf } = s), { env: LOOPBACK_RECEIVERS });

  it('an admin sets a unit’s robots, tests one, finds the failed send and sends it again', async () => {
    const admin = await browserAs(t, browser, base, await emailOf(demo.people.admin!));
    const page = await admin.newPage();
    page.on('dialog', (d) => d.accept());
    await page.goto(`${base}/units/${demo.unitId}`);
    await page.getByRole('link', { name: '设置群机器人' }).click();
    await page.waitForURL(/\/units\/[0-9a-f-]{36}\/robots$/);
    const wecom = page.locator('#robot-wecom');
    expect(await wecom.innerText()).toContain('未配置');

    // A private address is refused by field, as the API refuses it; nothing is saved.
    await wecom.getByLabel('Webhook 地址').fill('https://192.168.1.10/cgi-bin/webhook/send?key=abc');
    await wecom.getByRole('button', { name: '保存企业微信群机器人' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.error-summary').innerText()).toContain('企业微信群机器人地址');
    expect(await page.locator('#robot-wecom').innerText()).toContain('未配置');

    const wecomUrl = `${receiver.url}/cgi-bin/webhook/send?key=WECOMKEY-never-shown`;
    await page.locator('#robot-wecom').getByLabel('Webhook 地址').fill(wecomUrl);
    await page.locator('#robot-wecom').getByRole('button', { name: '保存企业微信群机器人' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.notice.ok').innerText()).toContain('企业微信群机器人已保存');
    expect(await page.locator('#robot-wecom').innerText()).toContain('已配置');

    const ding = page.locator('#robot-dingtalk');
    await ding.getByLabel('Webhook 地址').fill(`${receiver.url}/robot/send?access_token=DINGTOKEN-never-shown`);
    await ding.getByLabel('签名密钥（可选）').fill('SECdingsecret-never-shown');
    await ding.getByRole('button', { name: '保存钉钉群机器人' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#robot-dingtalk').innerText()).toContain('已配置（签名）');
    // Changing the URL with the secret left empty keeps the secret.
    await page.locator('#robot-dingtalk').getByLabel('新的 Webhook 地址').fill(`${receiver.url}/robot/send?access_token=DINGTOKEN2-never-shown`);
    await page.locator('#robot-dingtalk').getByRole('button', { name: '更换钉钉群机器人' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#robot-dingtalk').innerText()).toContain('已配置（签名）');
    expect(await page.content()).not.toMatch(/never-shown/);
    await page.screenshot({ path: 'test/artifacts/console-robots-1280.png', fullPage: true });

    // The test message goes through the outbox to the receiver, which refuses it: a failed send.
    await page.locator('#robot-wecom').getByRole('button', { name: '向企业微信群机器人发送测试消息' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.notice.ok').innerText()).toContain('测试消息已排队');
    const before = receiver.received.length;
    await t.deliver();
    expect(receiver.received.length).toBe(before + 1);
    expect(JSON.stringify(receiver.received.at(-1)!.body)).toContain('测试消息');

    await page.getByRole('link', { name: '消息发送记录' }).click();
    await page.waitForURL(/\/deliveries$/);
    const row = page.locator('table.data tbody tr', { hasText: '群机器人测试消息' });
    expect(await row.count()).toBe(1);
    expect(await row.innerText()).toContain('发送失败');
    expect(await row.innerText()).toContain('93000');
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await noSideways(page), `/deliveries at ${width}`).toBe(true);
      await page.screenshot({ path: `test/artifacts/console-deliveries-${width}.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });

    // Fixed at the platform's end: 重新发送 queues it again, and it goes out.
    robotAnswer = { status: 200, body: { errcode: 0, errmsg: 'ok' } };
    await row.getByRole('button', { name: '重新发送' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.notice.ok').innerText()).toContain('已重新排队发送');
    await t.deliver();
    expect(receiver.received.length).toBe(before + 2);
    await page.getByLabel('状态').selectOption({ label: '已发送' });
    await page.getByLabel('渠道').selectOption({ label: '企业微信群机器人' });
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForLoadState();
    expect(await page.locator('table.data tbody tr', { hasText: '群机器人测试消息' }).innerText()).toContain('已发送');

    // Removed: the card says so.
    await page.goto(`${base}/units/${demo.unitId}/robots`);
    await page.locator('#robot-dingtalk').getByRole('button', { name: '移除钉钉群机器人' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#robot-dingtalk').innerText()).toContain('未配置');
    await page.setViewportSize({ width: 390, height: 900 });
    expect(await noSideways(page), '/robots at 390').toBe(true);
    await page.screenshot({ path: 'test/artifacts/console-robots-390.png', fullPage: true });
    await admin.close();

    // The publicity department reads both pages, with no form and no 重新发送.
    const publicity = await browserAs(t, browser, base, await emailOf(demo.people.publicity!));
    const reader = await publicity.newPage();
    await reader.goto(`${base}/units/${demo.unitId}`);
    await reader.getByRole('link', { name: '查看群机器人' }).click();
    await reader.waitForURL(/\/robots$/);
    expect(await reader.locator('#robot-wecom').innerText()).toContain('已配置');
    expect(await reader.locator('main form').count()).toBe(0);
    await reader.screenshot({ path: 'test/artifacts/console-robots-publicity-1280.png', fullPage: true });
    await reader.goto(`${base}/deliveries?status=`);
    expect(await reader.locator('table.data').innerText()).toContain('群机器人测试消息');
    expect(await reader.getByRole('button', { name: '重新发送' }).count()).toBe(0);
    await publicity.close();

    const staff = await browserAs(t, browser, base, await emailOf(demo.people.drafter!));
    const denied = await staff.newPage();
    for (const path of [`/units/${demo.unitId}/robots`, '/deliveries']) {
      const res = await denied.goto(`${base}${path}`);
      expect(res!.status(), path).toBe(403);
      expect(await denied.locator('main').innerText()).not.toContain('群机器人测试消息');
    }
    await staff.close();
  }, 120_000);

  it('publicity reads the audit log by draft, person and action, and checks the chain', async () => {
    const draftId = await submitDraft(t, demo, '审计浏览测试稿');
    const ctx = await browserAs(t, browser, base, await emailOf(demo.people.publicity!));
    const page = await ctx.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: '审计日志' }).click();
    await page.waitForURL(/\/audit$/);

    await page.getByLabel('稿件编号').fill(draftId);
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForLoadState();
    const rows = page.locator('table.data tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).innerText()).toContain('draft.submitted');
    expect(await rows.nth(0).locator('.mono.hash').last().innerText()).toMatch(/^[0-9a-f]{64}$/);

    await page.getByLabel('稿件编号').fill('');
    await page.getByLabel('人员').selectOption({ label: `李撰稿 · ${await emailOf(demo.people.drafter!)}` });
    await page.getByLabel('动作', { exact: true }).fill('draft');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForLoadState();
    const actions = await page.locator('table.data tbody td:nth-child(4)').allInnerTexts();
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((a) => a.startsWith('draft.'))).toBe(true);

    await page.getByRole('button', { name: '校验审计链' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.notice.ok').innerText()).toMatch(/审计链完整：共 \d+ 个事件/);

    // A filter that does not parse is named in the error summary, which links to its field.
    await page.goto(`${base}/audit?draftId=abc`);
    expect(await page.locator('.error-summary').innerText()).toContain('稿件编号');

    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${base}/audit`);
      expect(await noSideways(page), `/audit at ${width}`).toBe(true);
      await page.screenshot({ path: `test/artifacts/console-audit-${width}.png`, fullPage: true });
    }
    await ctx.close();

    const staff = await browserAs(t, browser, base, await emailOf(demo.people.drafter!));
    const denied = await staff.newPage();
    const res = await denied.goto(`${base}/audit`);
    expect(res!.status()).toBe(403);
    expect(await denied.locator('h1').innerText()).toBe('无权访问');
    expect(await denied.locator('nav.sidenav').innerText()).not.toContain('审计日志');
    await staff.close();
  }, 120_000);
});
