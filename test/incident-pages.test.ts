import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAs, emailsOf, hasChromium, noSideways, openBrowser } from './browser';
import { ALL_TICKED, createTestEnv, LEVELS, submitDraft, type TestEnv } from './harness';
import { png } from './support/fixtures';

/**
 * The 舆情 pages in Chromium: a commentator reports from a 390-px phone; the leader in charge opens
 * the mailed link and acknowledges; a refusal (a drafter deciding, a missing field) shows in the
 * error summary; 研判, handling done and the closing review close it; the board, English, and who
 * may not see an incident.
 */
describe.skipIf(!hasChromium && !process.env.CI)('incident pages in Chromium', () => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  let incidentPath = '';
  const email: Record<string, string> = {};
  const cst = (local: string) => new Date(`${local}+08:00`);

  beforeAll(async () => {
    t = await createTestEnv('postgres');
    t.clock.now = cst('2026-11-30T10:00:00');
    demo = await t.seed();
    Object.assign(email, await emailsOf(t, demo));
    const roster = await t.request('PUT', `/api/v1/units/${demo.unitId}/duty-roster`, {
      token: demo.tokens.admin, body: { entries: [{ personId: demo.people.publicity_officer, from: '2026-11-29T00:00:00+08:00', to: '2026-12-31T00:00:00+08:00' }] },
    });
    expect(roster.status, roster.text).toBe(200);
    await t.deliver();
    ({ base, browser, close } = await openBrowser(t));
  }, 60_000);
  afterAll(async () => {
    await close?.();
    await t?.close();
  });

  const signedIn = async (who: string, width = 1280): Promise<Page> => (await browserAs(t, browser, base, email[who]!, { width, height: 900 })).newPage();
  const stage = (page: Page) => page.locator('ol.stages li[aria-current]').getAttribute('data-stage');

  it('a commentator reports from a 390-px phone; a missing field is named first, then the report goes', async () => {
    const phone = await signedIn('drafter', 390);
    await phone.goto(`${base}/incidents`);
    await phone.getByRole('link', { name: '报告舆情' }).first().click();
    await phone.waitForURL(/\/incidents\/new$/);
    // When defaults to now, in Beijing time.
    expect(await phone.locator('input[name=occurredAt]').inputValue()).toBe('2026-11-30T10:00');
    expect(await noSideways(phone)).toBe(true);
    await phone.locator('input[name=summary]').fill('学生在微博发帖质疑食堂涨价');
    await phone.locator('input[name=place]').fill('新浪微博');
    await phone.locator('input[name=people]').fill('本院学生若干');
    // Without the browser's own check, the server names the empty field.
    await phone.locator('textarea[name=development]').evaluate((el: HTMLTextAreaElement) => el.removeAttribute('required'));
    await phone.getByRole('button', { name: '立即报告' }).click();
    expect(await phone.locator('.error-summary').innerText()).toContain('请填写事态发展情况');
    expect(await phone.locator('.error-summary a').first().getAttribute('href')).toBe('#f-development');
    expect(await phone.locator('input[name=summary]').inputValue()).toBe('学生在微博发帖质疑食堂涨价');
    await phone.locator('textarea[name=development]').fill('帖子转发 200 余次，评论持续增加');
    // A photo from the phone's camera (the input offers it: accept image/*, capture, several at once).
    const input = phone.locator('input[type=file][name=files]');
    expect(await input.getAttribute('accept')).toBe('image/*');
    expect(await input.getAttribute('capture')).not.toBeNull();
    expect(await input.getAttribute('multiple')).not.toBeNull();
    await input.setInputFiles([{ name: '微博截图.png', mimeType: 'image/png', buffer: Buffer.from(png(8, 6, [200, 30, 30])) }]);
    await phone.getByRole('button', { name: '立即报告' }).click();
    await phone.waitForURL(/\/incidents\/[0-9a-f-]{36}\?done=reported$/);
    incidentPath = new URL(phone.url()).pathname;
    // Says whom it reached, by name (a post may be vacant, a roster empty).
    expect(await phone.locator('.notice').innerText()).toMatch(/^已报告，已通知：.*张副院长/);
    expect(await stage(phone)).toBe('reported');
    expect(await phone.locator('#deadlines').innerText()).toContain('2026-11-30 11:00 北京时间');
    expect(await phone.locator('#timeline').innerText()).toContain('帖子转发 200 余次');
    // The photo shows as a thumbnail that loaded (served to the signed-in reporter).
    const thumb = phone.locator('#evidence [data-evidence="微博截图.png"] img');
    await thumb.waitFor();
    // Polled: on a busy machine the image loads a moment after its element appears.
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(8);
    // Another one added from the incident's page.
    await phone.locator('#add-evidence input[name=files]').setInputFiles([{ name: '评论截图.png', mimeType: 'image/png', buffer: Buffer.from(png(5, 5, [30, 30, 200])) }]);
    await phone.locator('#add-evidence input[name=evidenceNote]').fill('最新评论');
    await phone.locator('#add-evidence button').click();
    await phone.waitForURL(/done=evidence/);
    expect(await phone.locator('#evidence [data-evidence]').count()).toBe(2);
    expect(await phone.locator('#timeline').innerText()).toContain('最新评论');
    expect(await noSideways(phone)).toBe(true);
    await phone.screenshot({ path: 'test/artifacts/incident-reported-390.png', fullPage: true });
    await phone.close();
  }, 60_000);

  it('the leader in charge opens the mailed link and acknowledges; a drafter cannot assess', async () => {
    const sent = (await t.deliver()).filter((m) => m.kind === 'incident');
    const mail = sent.find((m) => m.to.personId === demo.people.deputy_leader)!;
    const link = /http:\/\/imprimatur\.test(\/incidents\/[0-9a-f-]{36})/.exec(mail.text)![1]!;
    expect(link).toBe(incidentPath);
    // Signed out, the link goes to sign-in first.
    const anon = await browser.newPage();
    await anon.goto(`${base}${link}`);
    expect(new URL(anon.url()).pathname).toBe('/login');
    await anon.close();

    const leader = await signedIn('deputy_leader');
    await leader.goto(`${base}${link}`);
    await leader.locator('#acknowledge textarea[name=note]').fill('已接报，正在了解情况');
    await leader.getByRole('button', { name: '确认接报并上报' }).click();
    await leader.waitForURL(/done=acknowledge/);
    expect(await stage(leader)).toBe('acknowledged');
    expect(await leader.locator('.notice').innerText()).toMatch(/^已确认接报，并已上报：.*陈书记/);
    expect(await leader.locator('#timeline').innerText()).toContain('已接报，正在了解情况');
    expect(await leader.locator('#acknowledge').count()).toBe(0);

    // The drafter is offered no decision, and a decision posted anyway is refused on the page.
    const drafter = await signedIn('drafter');
    await drafter.goto(`${base}${link}`);
    expect(await drafter.locator('#assess').count()).toBe(0);
    expect(await drafter.locator('#follow-up').count()).toBe(1);
    const s = await t.signIn(email.drafter!);
    const posted = await t.request('POST', `${link}/assess`, { cookie: s.cookie, form: { _csrf: s.csrf, severity: 'major', class: 'inquiry', note: '我来研判' }, headers: { accept: 'text/html' } });
    expect(posted.status).toBe(403);
    expect(posted.text).toContain('error-summary');
    expect(posted.text).toContain('无权');
    await drafter.reload();
    expect(await stage(drafter)).toBe('acknowledged');
    await drafter.close();
    await leader.close();
  }, 60_000);

  it('assess, handling done and the closing review close it; screenshots at 1280 and 390 px', async () => {
    // An empty 研判 posted anyway: each field named by its label, in the page's language, never the validator's words.
    const ls = await t.signIn(email.deputy_leader!);
    for (const [lang, says] of [['', ['请选择严重程度', '请选择处置类别', '请填写研判意见']], ['?lang=en', ['Choose Severity', 'Choose Class of handling', 'Enter Assessment']]] as const) {
      const empty = await t.request('POST', `${incidentPath}/assess${lang}`, { cookie: ls.cookie, form: { _csrf: ls.csrf }, headers: { accept: 'text/html' } });
      expect(empty.status).toBe(400);
      const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(empty.text)![0];
      for (const s of says) expect(summary).toContain(s);
      expect(summary).not.toMatch(/期望|expected|Too small|Invalid/);
    }
    let leader = await signedIn('deputy_leader');
    await leader.goto(`${base}${incidentPath}`);
    await leader.locator('select[name=severity]').selectOption('major');
    await leader.locator('#assess input[value=inquiry]').check();
    await leader.locator('#assess textarea[name=note]').fill('属询问、诉求类，须当日回复');
    await leader.getByRole('button', { name: '保存研判' }).click();
    await leader.waitForURL(/done=assess/);
    expect(await stage(leader)).toBe('handling');
    // Class (1): the same-day reply is owed by the end of the Beijing day; once passed it is overdue.
    expect(await leader.locator('[data-deadline=replyBy]').innerText()).toContain('2026-11-30 23:59 北京时间');
    expect(await leader.locator('[data-deadline=replyBy]').getAttribute('data-overdue')).toBe('false');
    t.clock.now = cst('2026-12-01T00:30:00');
    // Fourteen hours on, the idle session has ended: sign in again.
    await leader.close();
    leader = await signedIn('deputy_leader');
    await leader.goto(`${base}${incidentPath}`);
    expect(await leader.locator('[data-deadline=replyBy]').getAttribute('data-overdue')).toBe('true');
    expect(await leader.locator('#deadlines').innerText()).toContain('已超时');
    // No approved draft yet: the reply form says where to write one.
    expect(await leader.locator('#reply').innerText()).toContain('还没有可作为此舆情回复的已批准稿件');
    await leader.screenshot({ path: 'test/artifacts/incident-handling-1280.png', fullPage: true });

    const publicity = await signedIn('publicity');
    await publicity.goto(`${base}/incidents`);
    const row = publicity.locator('#open tr', { hasText: '学生在微博发帖质疑食堂涨价' });
    expect(await row.innerText()).toContain('重大');
    expect(await row.locator('[data-overdue]').getAttribute('data-overdue')).toBe('true');
    await publicity.screenshot({ path: 'test/artifacts/incident-board-1280.png', fullPage: true });
    await publicity.close();

    // The reply: a draft of the unit approved through the sign-off chain, chosen on the page, with the promised result date.
    const draftId = await submitDraft(t, demo, '关于食堂价格调整的情况说明');
    for (const level of LEVELS) {
      const token = await t.linkFor(demo.people[level]!);
      const decided = await t.request('POST', `/api/v1/signoff/${token}`, { body: { decision: 'approve', checklist: ALL_TICKED } });
      expect(decided.status, decided.text).toBe(200);
    }
    await leader.reload();
    await leader.locator('#reply select[name=draftId]').selectOption(draftId);
    await leader.locator('#reply input[name=promisedBy]').fill('2026-12-03T18:00');
    await leader.getByRole('button', { name: '记录回复' }).click();
    await leader.waitForURL(/done=reply/);
    expect(await leader.locator('[data-deadline=replyBy]').count()).toBe(0);
    expect(await leader.locator('[data-deadline=resultBy]').innerText()).toContain('2026-12-03 18:00 北京时间');
    expect(await leader.locator(`#timeline a[href="/drafts/${draftId}"]`).count()).toBe(1);
    await leader.locator('#follow-up textarea[name=text]').fill('价格调整已暂缓，结果已公布');
    await leader.locator('#follow-up input[name=result]').check();
    await leader.getByRole('button', { name: '记录跟进' }).click();
    await leader.waitForURL(/done=follow-up/);
    expect(await leader.locator('[data-deadline=resultBy]').count()).toBe(0);

    await leader.locator('#finish textarea[name=finishText]').fill('已在官方微博发布情况说明');
    await leader.getByRole('button', { name: '处置完毕，进入总结评估' }).click();
    await leader.waitForURL(/done=finish/);
    expect(await stage(leader)).toBe('reviewing');
    await leader.locator('#close textarea[name=summary]').fill('总结评估：回复及时，未再发酵。');
    await leader.getByRole('button', { name: '结束此事件' }).click();
    await leader.waitForURL(/done=close/);
    expect(await stage(leader)).toBe('closed');
    expect(await leader.locator('form[action*="/incidents/"]').count()).toBe(0);
    expect(await leader.locator('#timeline [data-entry]').evaluateAll((els) => els.map((e) => e.getAttribute('data-entry')))).toEqual(
['reported', 'evidence', 'evidence', 'acknowledged', 'reported_up', 'assessed', 'reported_up', 'reply', 'follow_up', 'handling_done', 'closed']);
    await leader.close();

    const phone = await signedIn('deputy_leader', 390);
    await phone.goto(`${base}${incidentPath}`);
    expect(await noSideways(phone)).toBe(true);
    await phone.screenshot({ path: 'test/artifacts/incident-closed-390.png', fullPage: true });
    await phone.goto(`${base}${incidentPath}?lang=en`);
    expect(await phone.locator('ol.stages li[aria-current]').innerText()).toBe('closed');
    expect(await phone.locator('main').innerText()).toContain('Beijing time');
    await phone.close();
  }, 90_000);

  it('a double-clicked acknowledge: one step, the second post answered on the page with the stage, not as JSON; a forged form changes nothing', async () => {
    t.clock.now = cst('2026-12-02T09:00:00');
    const created = await t.request('POST', '/api/v1/incidents', {
      token: demo.tokens.drafter, body: { unitId: demo.unitId, summary: '论坛帖子', occurredAt: '2026-12-02T08:30:00+08:00', place: '校园论坛', people: '匿名用户', development: '有跟帖', group: 'other' },
    });
    expect(created.status, created.text).toBe(201);
    const s = await t.signIn(email.deputy_leader!);
    const post = (csrf: string) => t.request('POST', `/incidents/${created.body.id}/acknowledge`, { cookie: s.cookie, form: { _csrf: csrf, note: '已接报' }, headers: { accept: 'text/html' } });
    const forged = await post('x'.repeat(64));
    expect(forged.status).toBe(403);
    const both = await Promise.all([post(s.csrf), post(s.csrf)]);
    expect(both.map((r) => r.status).sort()).toEqual([303, 409]);
    const refused = both.find((r) => r.status === 409)!;
    expect(refused.headers.get('content-type')).toContain('text/html');
    expect(refused.text).toContain('error-summary');
    const after = await t.request('GET', `/api/v1/incidents/${created.body.id}`, { token: demo.tokens.deputy_leader });
    expect(after.body.stage).toBe('acknowledged');
    expect(after.body.entries.filter((e: { kind: string }) => e.kind === 'acknowledged')).toHaveLength(1);
  }, 60_000);

  it('someone of another unit gets a 404 page, never the incident', async () => {
    const unit = await t.request('POST', '/api/v1/units', { token: demo.tokens.admin, body: { name: '另一学院', code: 'OTHER-INC-PAGES' } });
    const stranger = await t.request('POST', '/api/v1/people', { token: demo.tokens.admin, body: { name: '外院人员', email: 'stranger.pages@demo.imprimatur.local', roles: ['staff'], unitId: unit.body.id } });
    expect(stranger.status, stranger.text).toBe(201);
    email.stranger = 'stranger.pages@demo.imprimatur.local';
    const page = await signedIn('stranger');
    const res = await page.goto(`${base}${incidentPath}`);
    expect(res!.status()).toBe(404);
    expect(await page.locator('main').innerText()).not.toContain('食堂');
    // Nor its photos, by the address a member's page shows.
    const s = await t.signIn(email.deputy_leader!);
    const shown = await t.request('GET', incidentPath, { cookie: s.cookie });
    const src = /src="(\/api\/v1\/incidents\/[^"]+\/files\/[0-9a-f]{64})"/.exec(shown.text)![1]!;
    expect((await page.goto(`${base}${src}`))!.status()).toBe(404);
    const board = await page.goto(`${base}/incidents`);
    expect(board!.status()).toBe(200);
    expect(await page.locator('main').innerText()).not.toContain('食堂');
    await page.close();
  }, 60_000);
});
