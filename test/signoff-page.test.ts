import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ALL_TICKED, createTestEnv, type TestEnv } from './harness';
import { hasChromium, openBrowser } from './browser';

mkdirSync('test/artifacts', { recursive: true });
const shot = (page: Page, name: string) => page.screenshot({ path: `test/artifacts/${name}.png`, fullPage: true });

// A shared machine runs these slowly; the page itself answers in milliseconds.
describe.skipIf(!hasChromium && !process.env.CI)('sign-off page in headless Chromium', { timeout: 120_000 }, () => {
  let t: TestEnv;
  let browser: Browser;
  let base: string;
  let closeBrowser: (() => Promise<void>) | undefined;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  const phone = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };

  beforeAll(async () => {
    t = await createTestEnv('postgres');
    demo = await t.seed();
    ({ base, browser, close: closeBrowser } = await openBrowser(t));
  });
  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  async function pendingLink(level: string, title: string, body = '第一段。\n第二段：<script>alert(1)</script>') {
    const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title, body, bodyFormat: 'text', unitId: demo.unitId, accountIds: [demo.accountId], urgency: 'urgent' } });
    await t.request('POST', `/api/v1/drafts/${created.body.id}/submit`, { token: demo.tokens.drafter });
    return { draftId: created.body.id as string, token: await t.linkFor(demo.people[level]!) };
  }
  const accountName = async () => (await t.request('GET', `/api/v1/accounts/${demo.accountId}`, { token: demo.tokens.publicity })).body.name as string;

  it('on a phone: who wrote it for which accounts; a refused approve is seen at the top by its items; the record then includes the decision', async () => {
    const { draftId, token } = await pendingLink('section_head', '关于开展安全检查的通知');
    const page = await browser.newPage(phone);
    await page.goto(`${base}/s/${token}`);
    expect(await page.locator('h1').textContent()).toBe('关于开展安全检查的通知');
    expect(await page.locator('.drafter').textContent()).toBe('李撰稿');
    expect(await page.locator('.unit').textContent()).toContain('示范学院');
    expect(await page.locator('.target-accounts').textContent()).toContain(await accountName());
    // A plain-text body is shown as text, never run as markup; times carry their zone.
    expect(await page.locator('.body').textContent()).toContain('<script>alert(1)</script>');
    expect(await page.locator('.tag.urgent').count()).toBe(1);
    expect(await page.locator('main').textContent()).toContain('北京时间');
    await shot(page, 'signoff-live-390');

    // Two of five ticked, approve: refused, the summary at the top takes focus and names the three others.
    await page.check('#check-suitable_now');
    await page.check('#check-accurate');
    await page.locator('button.approve').click();
    await page.waitForURL(`${base}/s/${token}`);
    const summary = page.locator('.error-summary');
    expect(await summary.evaluate((el) => el === document.activeElement)).toBe(true);
    const box = (await summary.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(-1);
    expect(box.y + box.height).toBeLessThanOrEqual(844);
    const said = (await summary.textContent())!;
    expect(said).toContain('不含涉密信息（涉密信息不上网）');
    expect(said).toContain('不含身份证号、名单等个人信息');
    expect(said).not.toContain('no_classified_info');
    expect(said).not.toContain('适宜当前公开发布');
    // What the reviewer ticked is still ticked.
    expect(await page.isChecked('#check-suitable_now')).toBe(true);
    expect(await page.isChecked('#check-no_classified_info')).toBe(false);
    await shot(page, 'signoff-refused-390');
    // The summary's link leads to the item.
    await summary.locator('a').first().click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('check-no_classified_info');

    for (const box of await page.locator('input[name=checklist]').all()) await box.check();
    await page.fill('#comment', '同意发布');
    await page.locator('button.approve').click();
    await page.waitForURL(/\?done=1$/);
    expect(await page.locator('.notice.ok').textContent()).toContain('已记录您的决定');
    const justMade = page.locator('ol.record li.just-made');
    expect(await justMade.textContent()).toContain('王系主任');
    expect(await justMade.textContent()).toContain('同意');
    expect(await justMade.textContent()).toContain('同意发布');
    expect(await page.locator('.standing').textContent()).toContain('张副院长');
    await shot(page, 'signoff-done-390');

    const view = await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter });
    expect(view.body).toMatchObject({ status: 'in_review', currentLevel: 'deputy_leader' });
    expect(view.body.reviews[0]).toMatchObject({ decision: 'approve', level: 'section_head' });

    // The used link, opened again: what was decided, when, by whom, where the draft stands.
    // Information, not an error: the leader only opened it to look.
    const again = await page.goto(`${base}/s/${token}`);
    expect(again!.status()).toBe(200);
    expect(await page.title()).toMatch(/^已决定：/);
    expect(await page.locator('.notice.bad').count()).toBe(0);
    const state = (await page.locator('.spent').textContent())!;
    expect(state).toContain('此审核链接已用于作出以下决定');
    expect(state).toContain('王系主任于');
    expect(state).toContain('北京时间');
    expect(state).toContain('作出决定：同意');
    expect(state).toContain('等待“分管院领导”张副院长审核');
    expect(await page.locator('button.resend').count()).toBe(0);
    await page.close();
  });

  it('on a 375-px phone a long link, a long word and a wide table are read whole, without the page going sideways', async () => {
    const url = 'https://www.example.edu.cn/very/long/path/to/the/registration/form?id=20261207&ref=announcement-of-the-college-office';
    const cells = (tag: string) => Array.from({ length: 7 }, (_, i) => `<${tag}>计算机科学与技术学院${i}</${tag}>`).join('');
    const body = `<h1>一、报名方式</h1><p>报名：<a href="${url}">${url}</a></p><p>${'Donaudampfschifffahrtsgesellschaft'.repeat(3)}</p><table><tr>${cells('th')}</tr><tr>${cells('td')}</tr></table>`;
    const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '长链接与宽表格', body, bodyFormat: 'html', unitId: demo.unitId, accountIds: [demo.accountId] } });
    await t.request('POST', `/api/v1/drafts/${created.body.id}/submit`, { token: demo.tokens.drafter });
    const page = await browser.newPage({ ...phone, viewport: { width: 375, height: 812 } });
    await page.goto(`${base}/s/${await t.linkFor(demo.people.section_head!)}`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    // The link ends inside the card; the table scrolls in its own box, its cells wider than one character.
    const card = (await page.locator('.body').boundingBox())!;
    const link = (await page.locator('.body a').boundingBox())!;
    expect(link.x + link.width).toBeLessThanOrEqual(card.x + card.width + 1);
    const table = page.locator('.body table');
    expect(await table.evaluate((el) => el.scrollWidth > el.clientWidth && getComputedStyle(el).overflowX === 'auto')).toBe(true);
    expect((await page.locator('.body td').first().boundingBox())!.width).toBeGreaterThan(60);
    // The text's own headings sit below the page's: one h1 (the title), the text's h1 shown as an h3.
    expect(await page.locator('h1').count()).toBe(1);
    expect(await page.locator('.body h3').textContent()).toBe('一、报名方式');
    await shot(page, 'signoff-wide-content-375');
    await page.close();
  });

  it('without JavaScript a refused post comes back with the error and the input kept; then it records the return', async () => {
    const { draftId, token } = await pendingLink('section_head', '退回页面测试');
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${base}/s/${token}`);
    await page.check('#check-accurate');
    await page.click('button.return');
    await page.waitForLoadState();
    expect(await page.locator('.error-summary').textContent()).toContain('退回或不予通过时须填写意见');
    expect(await page.locator('.error-summary a').getAttribute('href')).toBe('#comment');
    expect(await page.isChecked('#check-accurate')).toBe(true);
    // Focused without script too (autofocus).
    expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);

    await page.fill('textarea[name=comment]', '第二段数据有误，请核实');
    await page.click('button.return');
    await page.waitForLoadState();
    expect(await page.locator('.notice.ok').textContent()).toContain('已记录您的决定');
    const view = await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter });
    expect(view.body.status).toBe('returned');
    expect(view.body.reviews[0].comment).toBe('第二段数据有误，请核实');

    // The drafter mends and resubmits: the section head sees what changed since the version they returned.
    await t.request('PATCH', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter, body: { body: '第一段。\n第二段：数据已核实。' } });
    await t.request('POST', `/api/v1/drafts/${draftId}/submit`, { token: demo.tokens.drafter });
    const fresh = await t.linkFor(demo.people.section_head!);
    await page.goto(`${base}/s/${fresh}`);
    expect(await page.locator('.changes h2').textContent()).toContain('自您上次审阅的第 1 版以来的修改');
    expect(await page.locator('ol.record').textContent()).toContain('第二段数据有误，请核实');
    // What the return left unticked reads as not ticked, never as a ✗ against 「不含涉密信息」.
    const ticks = (await page.locator('ol.record ul.ticks').first().textContent())!;
    expect(ticks).toContain('✓ 文字、数据、图表、图片准确无误');
    expect(ticks).toContain('○ 不含涉密信息（涉密信息不上网）（未勾选）');
    expect(ticks).not.toContain('✗');
    await context.close();
  });

  it('works without JavaScript through the plain form post', async () => {
    const { draftId, token } = await pendingLink('section_head', '无脚本测试');
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${base}/s/${token}`);
    for (const box of await page.locator('input[name=checklist]').all()) await box.check();
    await page.click('button.approve');
    await page.waitForLoadState();
    expect(await page.locator('.notice.ok').textContent()).toContain('已记录您的决定');
    const view = await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter });
    expect(view.body.currentLevel).toBe('deputy_leader');

    // The next level sees the earlier level's checklist, item by item.
    const next = await t.linkFor(demo.people.deputy_leader!);
    await page.goto(`${base}/s/${next}`);
    const record = page.locator('ol.record li').first();
    expect(await record.textContent()).toContain('王系主任');
    expect(await record.locator('ul.ticks li.yes').count()).toBe(5);
    await context.close();
  });

  it('speaks English with ?lang=en or Accept-Language: en, and keeps the language through a refused post', async () => {
    const { token } = await pendingLink('section_head', 'English page');
    const context = await browser.newContext({ locale: 'en-GB', extraHTTPHeaders: { 'Accept-Language': 'en-GB,en;q=0.9' }, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/s/${token}`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.title()).toMatch(/^Awaiting your review: English page/); // English punctuation, not 「：」
    expect(await page.locator('button.approve').textContent()).toBe('Approve');
    expect(await page.locator('main').textContent()).toContain('Beijing time');
    await shot(page, 'signoff-live-1280-en');
    await page.click('button.approve');
    await page.waitForLoadState();
    expect(await page.locator('.error-summary').textContent()).toContain('Tick "Contains no classified information"');
    await context.close();

    const zhBrowser = await browser.newPage({ locale: 'zh-CN' });
    await zhBrowser.goto(`${base}/s/${token}?lang=en`);
    expect(await zhBrowser.locator('button.reject').textContent()).toBe('Reject');
    expect(await zhBrowser.locator('form#decision').getAttribute('action')).toBe(`/s/${token}?lang=en`);
    await zhBrowser.goto(`${base}/s/${token}?lang=zh-CN`);
    expect(await zhBrowser.locator('button.reject').textContent()).toBe('不予通过');
    await zhBrowser.close();
  });

  it('an expired link shows its title and sends a fresh link to the assignee, once per interval', async () => {
    const { token } = await pendingLink('section_head', '过期链接测试');
    t.clock.advance(24 * 8);
    const page = await browser.newPage(phone);
    const res = await page.goto(`${base}/s/${token}`);
    expect(res!.status()).toBe(410);
    expect(await page.locator('h1').textContent()).toBe('过期链接测试');
    expect(await page.locator('.spent').textContent()).toContain('已过期');
    await shot(page, 'signoff-expired-390');
    await t.deliver();
    await page.click('button.resend');
    await page.waitForURL(/\?resent=1$/);
    expect(await page.locator('.notice.ok').textContent()).toContain('发送到您本人的邮箱或通知渠道，请使用新链接');
    // Sent: the button is not offered again until another may be asked for.
    expect(await page.locator('button.resend').count()).toBe(0);
    const sent = await t.deliver();
    const fresh = sent.filter((m) => m.kind === 'review_resent');
    expect(fresh).toHaveLength(1);
    expect(fresh[0]!.to.personId).toBe(demo.people.section_head);
    expect(fresh[0]!.link).not.toContain(token);
    // The fresh link works; asking again at once is refused with the time to wait.
    const again = await t.request('POST', `/s/${token}/resend`);
    expect(again.status).toBe(429);
    expect(again.text).toContain('北京时间');
    const live = await t.request('GET', `/s/${fresh[0]!.link!.split('/s/')[1]}`);
    expect(live.status).toBe(200);
    expect(live.text).toContain('过期链接测试');
    await page.close();
  });

  it('hands the review on from the page with a reason; the old link then says who has it', async () => {
    const { draftId, token } = await pendingLink('section_head', '转交测试');
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${base}/s/${token}`);
    await page.click('#transfer summary');
    // Refused without a reason (required is bypassed to test the server): the form comes back open, choice kept.
    await page.selectOption('#toPersonId', demo.people.publicity_officer!);
    await page.evaluate(() => document.querySelector('#reason')?.removeAttribute('required'));
    await page.click('button.transfer');
    await page.waitForLoadState();
    expect(await page.locator('.error-summary a').getAttribute('href')).toBe('#reason');
    expect(await page.locator('#transfer').getAttribute('open')).not.toBeNull();
    expect(await page.locator('#toPersonId').inputValue()).toBe(demo.people.publicity_officer);
    await page.fill('#reason', '本人出差，无法及时审核');
    await page.click('button.transfer');
    await page.waitForURL(/\?transferred=1$/);
    expect(await page.locator('.notice.ok').textContent()).toContain('现由赵宣传员审核');
    const view = await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter });
    expect(view.body.reviews.at(-1)).toMatchObject({ level: 'section_head', status: 'pending', reviewer: { id: demo.people.publicity_officer } });
    expect(await t.linkFor(demo.people.publicity_officer!)).toBeTruthy();
    const old = await t.request('GET', `/s/${token}`);
    expect(old.status).toBe(410);
    expect(old.text).toContain('该审核已转交他人');
    expect(old.text).not.toContain('重新发送链接');
    await page.close();
  });

  it('a holder of another level is marked in the picker; having signed one level, their other level’s page says so before any form', async () => {
    // A dean, so that the leader in charge's own level can still be signed by someone once he has signed the section head's
    // (without one the picker leaves him out: see test/signoff-handon.test.ts).
    const dean = await t.request('POST', '/api/v1/people', { token: demo.tokens.admin, body: { name: '郑院长', email: 'dean.picker@demo.imprimatur.local', roles: ['staff'], unitId: demo.unitId } });
    expect((await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/dean`, { token: demo.tokens.admin, body: { personId: dean.body.id } })).status).toBe(200);
    const { token } = await pendingLink('section_head', '回避测试');
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${base}/s/${token}`);
    expect(await page.locator(`#toPersonId option[value="${demo.people.deputy_leader}"]`).textContent()).toContain('另审本稿件“分管院领导”级别，届时须再转交');
    await page.click('#transfer summary');
    await page.selectOption('#toPersonId', demo.people.deputy_leader!);
    await page.fill('#reason', '系主任回避');
    await page.click('button.transfer');
    await page.waitForURL(/\?transferred=1$/);
    // Handed on: a notice of it, not an error, and no promise of a new link (it will not come back).
    expect(await page.locator('.notice.ok').textContent()).toContain('现由张副院长审核');
    expect(await page.locator('.notice.bad').count()).toBe(0);
    expect(await page.locator('body').textContent()).not.toContain('轮到您审核时');

    const first = await t.linkFor(demo.people.deputy_leader!);
    expect((await t.request('POST', `/api/v1/signoff/${first}`, { body: { decision: 'approve', checklist: ALL_TICKED } })).status).toBe(200);
    const second = await t.linkFor(demo.people.deputy_leader!);
    expect(second).not.toBe(first);
    await page.goto(`${base}/s/${second}`);
    expect(await page.locator('#barred-title').textContent()).toBe('您不能审核此级别');
    expect(await page.locator('.barred [role=alert]').textContent()).toContain('已以“系室负责人”身份签署');
    expect(await page.locator('#decision').count()).toBe(0);
    expect(await page.locator('#transfer').getAttribute('open')).not.toBeNull();
    await shot(page, 'signoff-barred');
    await page.close();
  });

  it('a forged link is not a dead end but tells nothing about any draft', async () => {
    const page = await browser.newPage(phone);
    const res = await page.goto(`${base}/s/imp_forged_${'x'.repeat(40)}`);
    expect(res!.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('审核链接无效');
    expect(await page.locator('a[href="/"]').count()).toBe(1);
    const resend = await t.request('POST', `/s/forged/resend`);
    expect(resend.status).toBe(404);
    await page.close();
  });

  it('the API names unticked items by label too', async () => {
    const { token } = await pendingLink('section_head', 'API 文案');
    const res = await t.request('POST', `/api/v1/signoff/${token}`, { body: { decision: 'approve', checklist: { ...ALL_TICKED, accurate: false } } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('批准前须勾选全部审核项：“文字、数据、图表、图片准确无误”');
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'checklist.accurate' })]);
  });
});
