import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { REGISTRY_COLUMNS } from '../src/services/registry-exports';
import { browserAs, hasChromium, noSideways, seededBrowser } from './browser';
import type { TestEnv } from './harness';
import { pick } from './console-support';
import { newPerson, registered, type Demo } from './registry-fixtures';

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

  it('names 第一责任人, 分管领导 and students until an end date (required, checked, shown, flagged once past), at 1280 and 375 px', async () => {
    const zhou = await newPerson(t, demo, '学生周同学');
    const wu = await newPerson(t, demo, '学生吴同学');
    const cstDay = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const day = (days: number) => cstDay(new Date(t.clock.now.getTime() + days * 86_400_000));
    const saved = t.clock.now;
    try {
      const ctx = await browserAs(t, browser, base, await emailOf(demo.people.publicity!));
      const page = await ctx.newPage();
      await page.goto(`${base}/registry/apply`);
      await page.getByLabel('账号名称').fill('学院团委公众号');
      await page.getByLabel('平台', { exact: true }).selectOption('wechat_official');
      await page.getByLabel('平台账号').fill('gh_tw_students');
      await page.getByLabel('单位', { exact: true }).selectOption(demo.unitId);
      await pick(page, 'ownerId', '赵宣传员');
      await pick(page, 'responsibleLeaderId', '陈书记');
      await pick(page, 'leaderInChargeId', '张副院长');
      await pick(page, 'adminIds', '赵宣传员');
      await pick(page, 'commentatorIds', '李撰稿');
      await pick(page, 'student0', '学生周同学');
      expect(await page.locator('#f-student0Role').inputValue()).toBe('operator');
      const submit = () => page.getByRole('button', { name: '提交登记申请' }).click().then(() => page.waitForLoadState());

      // A student without an end date: the API's own rule, said on the row's date, with everything chosen kept.
      await submit();
      expect(await page.locator('.error-summary').innerText()).toContain('第 1 名学生的结束日期：学生担任的岗位须填写结束日期');
      expect(await page.locator('#f-student0EndsAt').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#f-student0 input:checked').inputValue()).toBe(zhou.id);
      expect(await page.locator('#f-responsibleLeaderId input:checked').inputValue()).toBe(demo.people.secretary);
      await page.screenshot({ path: 'test/artifacts/console-apply-students-error-1280.png', fullPage: true });

      // A day already over (the browser's own check set aside): refused by the service, nothing made.
      const date = page.locator('#f-student0EndsAt');
      await date.evaluate((el) => el.removeAttribute('min'));
      await date.fill(day(-1));
      await submit();
      expect(await page.locator('.error-summary').innerText()).toContain('第 1 名学生的结束日期：须晚于当前时间');
      const graduation = day(200);
      await page.locator('#f-student0EndsAt').fill(graduation);
      await submit();
      await page.waitForURL(/done=applied$/);
      const accountId = new URL(page.url()).pathname.split('/').pop()!;
      const facts = await page.locator('dl.facts').first().innerText();
      expect(facts).toMatch(/第一责任人\s+陈书记/);
      expect(facts).toMatch(/分管领导\s+张副院长/);
      expect(await page.locator('.card', { hasText: '人员（按任期）' }).innerText()).toMatch(new RegExp(`运营人员\\s+学生周同学\\s+学生[\\s\\S]*${graduation} 23:59`));

      // The change page shows them as they are; another leader in charge, a longer term, a student commentator.
      await page.getByRole('link', { name: '变更', exact: true }).click();
      await page.waitForURL(/\/change$/);
      expect(await page.locator('#f-leaderInChargeId input:checked').inputValue()).toBe(demo.people.deputy_leader);
      expect(await page.locator('#f-student0 input:checked').inputValue()).toBe(zhou.id);
      expect(await page.locator('#f-student0EndsAt').inputValue()).toBe(graduation);
      await pick(page, 'leaderInChargeId', '王系主任');
      const later = day(380);
      await page.locator('#f-student0EndsAt').fill(later);
      await pick(page, 'student1', '学生吴同学');
      await page.locator('#f-student1Role').selectOption('commentator');
      await page.locator('#f-student1EndsAt').fill(day(100));
      await page.getByRole('button', { name: '保存变更' }).click();
      await page.waitForURL(/done=change$/);
      const roles = (await t.request('GET', `/api/v1/accounts/${accountId}`, { token: demo.tokens.publicity })).body.roles as { personId: string; role: string; kind: string; endsAt: string | null; current: boolean }[];
      const now = roles.filter((r) => r.current);
      expect(now.find((r) => r.role === 'leader_in_charge')?.personId).toBe(demo.people.section_head);
      expect(now.find((r) => r.role === 'responsible_leader')?.personId).toBe(demo.people.secretary);
      expect(now.find((r) => r.personId === zhou.id)).toMatchObject({ role: 'operator', kind: 'student', endsAt: new Date(`${later}T23:59:59+08:00`).toISOString() });
      expect(now.find((r) => r.personId === wu.id)).toMatchObject({ role: 'commentator', kind: 'student' });
      // Saved again untouched: nothing changes (the students go back as they are).
      await page.goto(`${base}/registry/${accountId}/change`);
      await page.getByRole('button', { name: '保存变更' }).click();
      await page.waitForLoadState();
      expect(await page.locator('.error-summary').innerText()).toContain('没有要修改的内容');
      await ctx.close();

      // Past the commentator's end date: flagged on the account page and on its row of the change form, at 375 px.
      t.clock.now = new Date(t.clock.now.getTime() + 102 * 86_400_000);
      const phone = await browserAs(t, browser, base, await emailOf(demo.people.publicity!), { width: 375, height: 900 });
      const p = await phone.newPage();
      await p.goto(`${base}/registry/${accountId}`);
      const people = await p.locator('.card', { hasText: '人员（按任期）' }).innerText();
      expect(people).toContain('任期已结束：学生吴同学（网络评论员）');
      expect(people).toContain('已到期');
      expect(await noSideways(p)).toBe(true);
      await p.screenshot({ path: 'test/artifacts/console-account-students-375.png', fullPage: true });
      await p.goto(`${base}/registry/${accountId}/change`);
      const lapsed = p.locator('.student-row.lapsed');
      expect(await lapsed.count()).toBe(1);
      expect(await lapsed.locator('input[type=radio]:checked').inputValue()).toBe(wu.id);
      expect(await lapsed.innerText()).toContain('任期已于');
      expect(await noSideways(p)).toBe(true);
      await p.screenshot({ path: 'test/artifacts/console-change-students-375.png', fullPage: true });
      // Removed: the role ends, and the record keeps it.
      await lapsed.getByLabel('移除此学生（卸任）').check();
      await p.getByRole('button', { name: '保存变更' }).click();
      await p.waitForURL(/done=change$/);
      const after = (await t.request('GET', `/api/v1/accounts/${accountId}`, { token: demo.tokens.publicity })).body.roles as { personId: string; endedAt: string | null }[];
      expect(after.find((r) => r.personId === wu.id)?.endedAt).toBe(t.clock.now.toISOString());
      expect(await p.locator('.card', { hasText: '人员（按任期）' }).innerText()).not.toContain('任期已结束');
      await phone.close();

      // In English: the same refusal in the reader's language.
      const en = await browserAs(t, browser, base, await emailOf(demo.people.publicity!), { width: 1280, height: 900 }, { locale: 'en-US' });
      const e = await en.newPage();
      await e.goto(`${base}/registry/${accountId}/change`);
      await pick(e, 'student1', '学生吴同学');
      await e.getByRole('button', { name: 'Save the change' }).click();
      await e.waitForLoadState();
      expect(await e.locator('.error-summary').innerText()).toContain("Student 2's end date: a student's role needs an end date");
      await e.screenshot({ path: 'test/artifacts/console-change-students-en-1280.png', fullPage: true });
      await en.close();
    } finally {
      t.clock.now = saved;
    }
  }, 120_000);
});
