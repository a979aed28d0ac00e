import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { people, reviews } from '../db/schema';
import { runReminders } from '../src/services/reminders';
import { ALL_TICKED, createTestEnv, LEVELS, submitDraft, type TestEnv } from './harness';
import { emailsOf } from './browser';

/**
 * The web workspace over HTTP with real sessions (signed in by the mailed link): `/` lists what
 * waits for me, `/reviews/{id}/open` leads the assignee (and only them) to a sign-off page, the
 * 审核单 prints with the session. Browser behaviour is in workspace-browser.test.ts.
 */
describe('web workspace pages', () => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  const email: Record<string, string> = {};
  const session: Record<string, { cookie: string; csrf: string; sessionId: string }> = {};
  let draftId: string;

  beforeAll(async () => {
    t = await createTestEnv();
    demo = await t.seed();
    Object.assign(email, await emailsOf(t, demo));
    for (const role of ['drafter', 'section_head', 'deputy_leader']) session[role] = await t.signIn(email[role]!);
    draftId = await submitDraft(t, demo, '工作台测试稿件');
  });
  afterAll(() => t?.close());

  const page = (path: string, who?: string) => t.request('GET', path, { cookie: who ? session[who]!.cookie : undefined, headers: { accept: 'text/html' } });

  it('sends a signed-out visitor of / to /login', async () => {
    const res = await page('/');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2F');
  });

  it('lists the review awaiting the section head, with the link that opens it', async () => {
    const res = await page('/', 'section_head');
    expect(res.status).toBe(200);
    expect(res.text).toContain('待我审核');
    expect(res.text).toContain('工作台测试稿件');
    expect(res.text).toMatch(/<b data-count="awaiting">1<\/b>/);
    const open = /href="(\/reviews\/[0-9a-f-]{36}\/open)"/.exec(res.text)?.[1];
    expect(open).toBeDefined();

    // The drafter sees the draft among their own, in review with the section head; nothing awaits them.
    const mine = await page('/', 'drafter');
    expect(mine.text).toMatch(/<b data-count="awaiting">0<\/b>/);
    expect(mine.text).toContain('审核中');
    expect(mine.text).toContain(`/drafts/${draftId}`);

    // Anyone but the assignee is refused with a page, and no link is minted.
    const stranger = await page(open!, 'deputy_leader');
    expect(stranger.status).toBe(403);
    expect(stranger.headers.get('content-type')).toContain('text/html');
    expect(stranger.text).not.toContain('/s/');

    const opened = await page(open!, 'section_head');
    expect(opened.status).toBe(303);
    const signoff = opened.headers.get('location')!;
    expect(signoff).toMatch(/^\/s\/[A-Za-z0-9_-]{40,}$/);
    const live = await page(signoff);
    expect(live.status).toBe(200);
    expect(live.text).toContain('工作台测试稿件');

    // Deciding on it: the workspace no longer lists it, and the record shows the decision.
    const token = signoff.slice(3);
    const decided = await t.request('POST', `/api/v1/signoff/${token}`, { body: { decision: 'approve', checklist: ALL_TICKED } });
    expect(decided.status, decided.text).toBe(200);
    const after = await page('/', 'section_head');
    expect(after.text).toMatch(/<b data-count="awaiting">0<\/b>/);
    expect(after.text).toContain('最近的审核意见');
    const closed = await page(open!, 'section_head');
    expect(closed.status).toBe(409);
    // The state in the page's language, not the enum value.
    expect(closed.text).toContain('此审核已结束（已批准）');
  });

  it('prints the 审核单 for a signed-in reader, and refuses one who may not read the draft', async () => {
    const sheet = await page(`/drafts/${draftId}/sheet`, 'drafter');
    expect(sheet.status).toBe(200);
    expect(sheet.text).toContain('审核单');
    const other = await t.seed();
    const outsider = await t.signIn((await t.runtime.database.db.select({ email: people.email }).from(people).where(inArray(people.id, [other.people.drafter!])))[0]!.email);
    const refused = await t.request('GET', `/drafts/${draftId}/sheet`, { cookie: outsider.cookie, headers: { accept: 'text/html' } });
    expect(refused.status).toBe(403);
    expect(refused.text).not.toContain('工作台测试稿件');
  });

  it('shows the draft page to those who may read it, with its timeline and the actions its state allows', async () => {
    const drafterView = await page(`/drafts/${draftId}`, 'drafter');
    expect(drafterView.status).toBe(200);
    expect(drafterView.text).toContain('审核进程');
    expect(drafterView.text).toContain('起草（第 1 版）');
    expect(drafterView.text).toContain('北京时间');
    // In review with the deputy leader now: the drafter may urge and withdraw, not submit.
    expect(drafterView.text).toContain(`action="/drafts/${draftId}/urge"`);
    expect(drafterView.text).toContain(`action="/drafts/${draftId}/withdraw"`);
    expect(drafterView.text).not.toContain(`action="/drafts/${draftId}/submit"`);
    // The deputy leader, whose review is open, is offered it from the page.
    const deputy = await page(`/drafts/${draftId}`, 'deputy_leader');
    expect(deputy.text).toMatch(/href="\/reviews\/[0-9a-f-]{36}\/open"/);
    // A person of another unit gets a 403 page that says nothing of the draft.
    const other = await t.seed();
    const [row] = await t.runtime.database.db.select({ email: people.email }).from(people).where(inArray(people.id, [other.people.drafter!]));
    const outsider = await t.signIn(row!.email);
    const refused = await t.request('GET', `/drafts/${draftId}`, { cookie: outsider.cookie, headers: { accept: 'text/html' } });
    expect(refused.status).toBe(403);
    expect(refused.text).not.toContain('工作台测试稿件');
  });

  it('says so when the address asks to compare a version the draft does not have, and which versions it shows instead', async () => {
    const made = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '对比测试', body: '第一稿。', unitId: demo.unitId, accountIds: [demo.accountId] } });
    const id = made.body.id as string;
    const single = (await page(`/drafts/${id}?from=2`, 'drafter')).text;
    expect(single).toContain('对比的旧版本第 2 版（from=2）不存在：本稿件共 1 版。');
    expect(single).toContain('本稿件只有一个版本，没有可对比的内容。');
    for (const body of ['第二稿。', '第三稿。']) await t.request('PATCH', `/api/v1/drafts/${id}`, { token: demo.tokens.drafter, body: { body } });
    const diffOf = (html: string) => html.slice(html.indexOf('id="diff"'));

    // Version 99: said, with the pair shown instead (the default from: the one before the `to` asked for).
    const missing = diffOf((await page(`/drafts/${id}?from=99&to=2`, 'drafter')).text);
    expect(missing).toContain('对比的旧版本第 99 版（from=99）不存在：本稿件共 3 版。');
    expect(missing).toContain('下面显示第 1 版与第 2 版的对比。');
    expect(missing).toContain('第 1 版 → 第 2 版');
    // Not a number, on either side; in English too.
    const bad = diffOf((await page(`/drafts/${id}?from=abc&to=0`, 'drafter')).text);
    expect(bad).toContain('对比的旧版本（from=abc）不是版本号，应为 1 至 3 的整数。');
    expect(bad).toContain('对比的新版本第 0 版（to=0）不存在：本稿件共 3 版。');
    expect(bad).toContain('下面显示第 2 版与第 3 版的对比。');
    const en = diffOf((await page(`/drafts/${id}?from=99&lang=en`, 'drafter')).text);
    expect(en).toContain('There is no version 99 to compare from (from=99): this draft has 3 versions.');
    expect(en).toContain('Shown below: version 2 against version 3.');
    // Versions it has: compared as asked, nothing to say; one side given, the other is its default.
    const asked = diffOf((await page(`/drafts/${id}?from=1&to=3`, 'drafter')).text);
    expect(asked).toContain('第 1 版 → 第 3 版');
    expect(asked).not.toContain('class="notice');
    expect(diffOf((await page(`/drafts/${id}?from=1`, 'drafter')).text)).toContain('第 1 版 → 第 3 版');
  });

  it('urges from the page with a comment (once an hour: the second is refused on the page), then withdraws', async () => {
    const s = session.drafter!;
    const urged = await t.request('POST', `/drafts/${draftId}/urge`, { cookie: s.cookie, form: { _csrf: s.csrf, comment: '请今天审完' }, headers: { accept: 'text/html' } });
    expect(urged.status).toBe(303);
    expect(urged.headers.get('location')).toBe(`/drafts/${draftId}?done=urged`);
    const sent = await t.deliver();
    expect(sent.some((m) => m.to.personId === demo.people.deputy_leader && m.link && m.text.includes('请今天审完'))).toBe(true);
    const shown = await page(`/drafts/${draftId}?done=urged`, 'drafter');
    expect(shown.text).toContain('已催办');
    expect(shown.text).toContain('请今天审完');

    const again = await t.request('POST', `/drafts/${draftId}/urge`, { cookie: s.cookie, form: { _csrf: s.csrf, comment: '再催一次' }, headers: { accept: 'text/html' } });
    expect(again.status).toBe(429);
    expect(again.headers.get('content-type')).toContain('text/html');
    expect(again.text).toContain('error-summary');
    expect(again.text).toContain('操作过于频繁');
    expect(again.text).toContain('再催一次');

    // Without the session's CSRF token nothing happens.
    const forged = await t.request('POST', `/drafts/${draftId}/withdraw`, { cookie: s.cookie, form: { _csrf: 'x'.repeat(64) }, headers: { accept: 'text/html' } });
    expect(forged.status).toBe(403);
    expect((await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter })).body.status).toBe('in_review');

    // Someone who is not the drafter cannot withdraw: the page says so.
    const d = session.deputy_leader!;
    const notMine = await t.request('POST', `/drafts/${draftId}/withdraw`, { cookie: d.cookie, form: { _csrf: d.csrf }, headers: { accept: 'text/html' } });
    expect(notMine.status).toBe(403);
    expect(notMine.text).toContain('无权执行此操作');

    const withdrawn = await t.request('POST', `/drafts/${draftId}/withdraw`, { cookie: s.cookie, form: { _csrf: s.csrf, reason: '活动取消' } });
    expect(withdrawn.status).toBe(303);
    const after = await page(`/drafts/${draftId}?done=withdrawn`, 'drafter');
    expect(after.text).toContain('已撤回');
    expect(after.text).toContain('原因：活动取消'); // a reason, not a reviewer's 意见
    expect(after.text).not.toContain(`action="/drafts/${draftId}/urge"`);
  });

  it('submits a saved draft from its page, and the approved draft is retracted from its page with a reason', async () => {
    const s = session.drafter!;
    const saved = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '页面提交测试', body: '正文。', unitId: demo.unitId, accountIds: [demo.accountId] } });
    const id = saved.body.id as string;
    expect((await page(`/drafts/${id}`, 'drafter')).text).toContain(`action="/drafts/${id}/submit"`);
    const submitted = await t.request('POST', `/drafts/${id}/submit`, { cookie: s.cookie, form: { _csrf: s.csrf } });
    expect(submitted.status).toBe(303);
    expect(submitted.headers.get('location')).toBe(`/drafts/${id}?done=submitted`);
    expect((await page(`/drafts/${id}?done=submitted`, 'drafter')).text).toContain('已提交审核');
    for (const level of LEVELS) {
      const decided = await t.request('POST', `/api/v1/signoff/${await t.linkFor(demo.people[level]!)}`, { body: { decision: 'approve', checklist: ALL_TICKED } });
      expect(decided.status, decided.text).toBe(200);
    }
    const approved = await page(`/drafts/${id}`, 'drafter');
    expect(approved.text).toContain(`action="/drafts/${id}/retract"`);
    // The reason is kept in the record, and the page says what was done.
    const retracted = await t.request('POST', `/drafts/${id}/retract`, { cookie: s.cookie, form: { _csrf: s.csrf, reason: '活动延期' } });
    expect(retracted.status).toBe(303);
    const after = await page(retracted.headers.get('location')!, 'drafter');
    expect(after.text).toContain('已撤销发布');
    expect(after.text).toContain('活动延期');
    expect(after.text).not.toContain(`action="/drafts/${id}/retract"`);
    expect((await t.request('GET', `/api/v1/drafts/${id}`, { token: demo.tokens.drafter })).body.status).toBe('retracted');
  });

  it('personal tokens over the API: created with a name and shown once, listed without the secret, revoked at once', async () => {
    const token = demo.tokens.secretary!;
    const created = await t.request('POST', '/api/v1/tokens', { token, body: { label: '排版脚本' } });
    expect(created.status, created.text).toBe(201);
    expect(created.body.token).toMatch(/^imp_/);
    const me = await t.request('GET', '/api/v1/me', { token: created.body.token });
    expect(me.body.id).toBe(demo.people.secretary);
    const listed = await t.request('GET', '/api/v1/tokens', { token });
    expect(listed.body.items.map((i: { label: string }) => i.label)).toContain('排版脚本');
    expect(listed.text).not.toContain(created.body.token);
    expect((await t.request('POST', '/api/v1/tokens', { token, body: {} })).body.error.message).toContain('label');
    // Another person can neither see nor revoke it.
    expect((await t.request('DELETE', `/api/v1/tokens/${created.body.id}`, { token: demo.tokens.drafter })).status).toBe(404);
    expect((await t.request('GET', '/api/v1/tokens', { token: demo.tokens.drafter })).text).not.toContain(created.body.id);
    expect((await t.request('DELETE', `/api/v1/tokens/${created.body.id}`, { token })).status).toBe(204);
    expect((await t.request('DELETE', `/api/v1/tokens/${created.body.id}`, { token })).status).toBe(204);
    expect((await t.request('GET', '/api/v1/me', { token: created.body.token })).status).toBe(401);
  });

  it('the settings page: channels in order, a token shown once and revoked, another session ended and signed out', async () => {
    const s = session.deputy_leader!;
    const view = await page('/settings', 'deputy_leader');
    expect(view.status).toBe(200);
    expect(view.text).toContain('当前设备');

    const dup = await t.request('POST', '/settings/notifications', { cookie: s.cookie, raw: new URLSearchParams([['_csrf', s.csrf], ['channels', 'email'], ['channels', 'email']]).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } });
    expect(dup.status).toBe(400);
    expect(dup.text).toContain('error-summary');
    expect(dup.text).toContain('通知渠道不能重复');
    expect(dup.text).not.toContain('must not repeat');
    // What was chosen stays chosen, to be put right.
    expect(dup.text.match(/<option value="email" selected/g)?.length).toBe(2);
    const unnamed = await t.request('POST', '/settings/tokens', { cookie: s.cookie, form: { _csrf: s.csrf, label: '' } });
    expect(unnamed.status).toBe(400);
    expect(unnamed.text).toContain('请填写新令牌的名称');
    expect(unnamed.text).not.toMatch(/Too small|expected string/);
    const saved = await t.request('POST', '/settings/notifications', { cookie: s.cookie, raw: new URLSearchParams([['_csrf', s.csrf], ['channels', 'wecom'], ['channels', 'email'], ['channels', ''], ['wecomUserId', 'wang01']]).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(saved.status).toBe(303);
    const person = await t.request('GET', '/api/v1/me', { token: demo.tokens.deputy_leader });
    expect(person.body.channels).toEqual(['wecom', 'email']);
    expect(person.body.wecomUserId).toBe('wang01');

    const made = await t.request('POST', '/settings/tokens', { cookie: s.cookie, form: { _csrf: s.csrf, label: '周报脚本' } });
    expect(made.status).toBe(200);
    const raw = /id="new-token">(imp_[A-Za-z0-9_-]+)</.exec(made.text)![1]!;
    expect((await t.request('GET', '/api/v1/me', { token: raw })).status).toBe(200);
    // The same form sent again (a reload of that answer): refused by name, no second token.
    const resent = await t.request('POST', '/settings/tokens', { cookie: s.cookie, form: { _csrf: s.csrf, label: '周报脚本' } });
    expect(resent.status).toBe(409);
    expect(resent.text).toContain('已有名为「周报脚本」的令牌');
    expect(resent.text).not.toMatch(/id="new-token"/);
    expect((await t.request('GET', '/api/v1/tokens', { token: demo.tokens.deputy_leader })).body.items.filter((k: { label: string }) => k.label === '周报脚本')).toHaveLength(1);
    const again = await page('/settings', 'deputy_leader');
    expect(again.text).toContain('周报脚本');
    expect(again.text).not.toContain(raw);
    const tokenId = /周报脚本[\s\S]*?action="\/settings\/tokens\/([0-9a-f-]{36})\/revoke"/.exec(again.text)![1]!;
    const revoked = await t.request('POST', `/settings/tokens/${tokenId}/revoke`, { cookie: s.cookie, form: { _csrf: s.csrf } });
    expect(revoked.status).toBe(303);
    expect((await t.request('GET', '/api/v1/me', { token: raw })).status).toBe(401);

    // A second browser of the same person, ended from the first: it is signed out at its next request.
    const other = await t.signIn(email.deputy_leader!);
    expect((await t.request('GET', '/', { cookie: other.cookie })).status).toBe(200);
    const ended = await t.request('POST', `/settings/sessions/${other.sessionId}/end`, { cookie: s.cookie, form: { _csrf: s.csrf } });
    expect(ended.status).toBe(303);
    const gone = await t.request('GET', '/', { cookie: other.cookie });
    expect(gone.status).toBe(303);
    expect(gone.headers.get('location')).toBe('/login?next=%2F');
    // Nobody ends another person's session from their page.
    const d = session.drafter!;
    const foreign = await t.request('POST', `/settings/sessions/${s.sessionId}/end`, { cookie: d.cookie, form: { _csrf: d.csrf }, headers: { accept: 'text/html' } });
    expect(foreign.status).toBe(404);
    expect((await t.request('GET', '/', { cookie: s.cookie })).status).toBe(200);
  });

  it('every link a message carries leads to a page, never to /api/', async () => {
    const id = await submitDraft(t, demo, '退回通知测试');
    const token = await t.linkFor(demo.people.section_head!);
    const returned = await t.request('POST', `/api/v1/signoff/${token}`, { body: { decision: 'return', comment: '请补充时间地点', checklist: ALL_TICKED } });
    expect(returned.status, returned.text).toBe(200);
    // An appointment notice too (to the outgoing holder and the secretary).
    const appointed = await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/section_head`, { token: demo.tokens.admin, body: { personId: demo.people.secretary } });
    expect(appointed.status, appointed.text).toBe(200);
    await t.deliver();
    expect(t.sent.some((m) => m.kind === 'position_assigned')).toBe(true);
    const notice = t.sent.find((m) => m.kind === 'draft_closed' && m.to.personId === demo.people.drafter && m.text.includes('退回通知测试'));
    expect(notice?.text).toContain(`http://imprimatur.test/drafts/${id}`);
    const links = t.sent.flatMap((m) => [...`${m.text}\n${m.html ?? ''}`.matchAll(/http:\/\/imprimatur\.test\/[^\s"<>）)]*/g)].map((x) => x[0]));
    expect(links.length).toBeGreaterThan(3);
    expect(links.filter((l) => l.includes('/api/'))).toEqual([]);
    // The notice's link opens the draft page for the drafter, and sends a signed-out reader to sign in first.
    const path = new URL(`http://imprimatur.test/drafts/${id}`).pathname;
    expect((await page(path, 'drafter')).text).toContain('请补充时间地点');
    expect((await page(path)).headers.get('location')).toBe(`/login?next=${encodeURIComponent(path)}`);
  });

  it('answers a page route it does not know, and a refused form, with a page in the browser', async () => {
    const missing = await page('/no-such-page', 'drafter');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('text/html');
    const forged = await t.request('POST', '/logout', { cookie: session.drafter!.cookie, form: { _csrf: 'forged' }, headers: { accept: 'text/html' } });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('content-type')).toContain('text/html');
    expect(forged.text).toContain('表单已失效');
    // The API keeps answering JSON.
    const api = await t.request('GET', '/api/v1/nothing', { headers: { accept: 'text/html' } });
    expect(api.body.error.code).toBeDefined();
  });
  it('shows reminders, escalation and a transfer in the timeline, and the late review in both workspaces (last: it moves the clock)', async () => {
    const id = await submitDraft(t, demo, '逾期提醒测试');
    const pending = async () => (await t.runtime.database.db.select().from(reviews).where(and(eq(reviews.draftId, id), eq(reviews.status, 'pending'))))[0]!;
    // Chased to the end: every reminder, then escalation (the same sweep the workers run).
    for (let i = 0; i < 10; i++) {
      const at = (await pending()).nextReminderAt;
      if (!at) break;
      t.clock.now = at;
      await runReminders(t.runtime.database.db, t.runtime.deps, at);
      await t.deliver();
    }
    expect((await pending()).escalationsSent).toBeGreaterThan(0);
    const assignee = (await pending()).assigneeId;
    const role = Object.entries(demo.people).find(([, pid]) => pid === assignee)![0];
    // The clock moved past the sessions' idle limit: sign in again.
    const reviewer = await t.signIn(email[role]!);
    const drafter = await t.signIn(email.drafter!);
    const theirs = await t.request('GET', '/', { cookie: reviewer.cookie });
    expect(theirs.text).toMatch(/<b data-count="overdue">[1-9]/);
    expect(theirs.text).toContain('去审核');
    const mine = await t.request('GET', '/', { cookie: drafter.cookie });
    expect(mine.text).toMatch(/<b data-count="overdue">[1-9]/);
    expect(mine.text).toContain(`/drafts/${id}#urge`);

    // Handed on with a reason (by the API, as the sign-off page's 转交 does).
    const transferred = await t.request('POST', `/api/v1/reviews/${(await pending()).id}/transfer`, { token: await t.tokenFor(assignee), body: { toPersonId: demo.people.publicity_officer!, reason: '出差一周' } });
    expect(transferred.status, transferred.text).toBe(200);
    const timeline = (await t.request('GET', `/drafts/${id}`, { cookie: drafter.cookie })).text;
    expect(timeline).toContain('提醒');
    expect(timeline).toContain('逾期升级');
    expect(timeline).toContain('已通知');
    expect(timeline).toContain('转交给');
    expect(timeline).toContain('出差一周');
    const en = await t.request('GET', `/drafts/${id}?lang=en`, { cookie: drafter.cookie });
    expect(en.text).toContain('Timeline');
    expect(en.text).toContain('Beijing time');
    expect(en.text).toMatch(/Escalated \(step 1\)/);
    expect((await t.request('GET', '/?lang=en', { cookie: drafter.cookie })).text).toContain('My drafts');
  });
});
