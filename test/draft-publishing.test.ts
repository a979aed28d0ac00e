import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ALL_TICKED, createTestEnv, submitDraft, type TestEnv } from './harness';
import { application, applyFor, registered, rowsOf, type Demo } from './registry-fixtures';

/**
 * PATCH /api/v1/drafts/{id} changes a draft's target accounts and urgency with the checks a new
 * draft passes (publish gate, own unit's accounts only). Targets are part of what reviewers
 * approve: changed under review, the chain restarts at the first level as an edit of the text
 * does (old links dead, a new round), and a returned draft's standing approvals stop counting.
 * Urgency only moves the open review's deadline. Every change is on the audit chain.
 */
let t: TestEnv;
let demo: Demo;
let second: { id: string; name: string };
let foreign: string;

beforeAll(async () => {
  t = await createTestEnv('postgres');
  demo = await t.seed();
  second = await registered(t, demo, { name: '学院视频号' });
  const unit = await t.request('POST', '/api/v1/units', { token: demo.tokens.admin, body: { name: '外国语学院', code: 'FL' } });
  expect(unit.status, unit.text).toBe(201);
  const applied = await t.request('POST', '/api/v1/accounts', { token: demo.tokens.publicity, body: application(demo, { unitId: unit.body.id, name: '外院公众号' }) });
  expect(applied.status, applied.text).toBe(201);
  expect((await t.request('POST', `/api/v1/accounts/${applied.body.id}/approve`, { token: demo.tokens.publicity })).status).toBe(200);
  foreign = applied.body.id;
});
afterAll(() => t?.close());

const drafter = () => demo.tokens.drafter;
const patch = (id: string, body: unknown, headers?: Record<string, string>) => t.request('PATCH', `/api/v1/drafts/${id}`, { token: drafter(), body, headers });
const get = async (id: string) => (await t.request('GET', `/api/v1/drafts/${id}`, { token: drafter() })).body;
async function newDraft(): Promise<string> {
  const res = await t.request('POST', '/api/v1/drafts', { token: drafter(), body: { title: '发布账号测试', body: '正文。', unitId: demo.unitId, accountIds: [demo.accountId] } });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}
async function audit(draftId: string) {
  return rowsOf<{ action: string; data: any }>(await t.runtime.database.db.execute(sql`select action, data from audit_events where draft_id = ${draftId} order by seq`));
}
async function decide(personId: string, decision: 'approve' | 'return') {
  const res = await t.request('POST', `/api/v1/signoff/${await t.linkFor(personId)}`, { body: { decision, checklist: ALL_TICKED, ...(decision === 'return' ? { comment: '请改', returnTo: 'drafter' } : {}) } });
  expect(res.status, res.text).toBe(200);
}

describe('changing target accounts and urgency of a draft', () => {
  it('a draft: other accounts and urgency, no new version, audited', async () => {
    const id = await newDraft();
    const res = await patch(id, { accountIds: [demo.accountId, second.id], urgency: 'urgent' });
    expect(res.status, res.text).toBe(200);
    expect([...res.body.accountIds].sort()).toEqual([demo.accountId, second.id].sort());
    expect(res.body).toMatchObject({ urgency: 'urgent', currentVersion: 1, status: 'draft' });
    const events = await audit(id);
    expect(events.at(-1)).toMatchObject({ action: 'draft.publishing_changed', data: { added: [second.id], removed: [], urgency: 'urgent', previousUrgency: 'normal', restartedAt: null } });
    // The same accounts again change nothing and write nothing.
    const again = await patch(id, { accountIds: [second.id, demo.accountId] });
    expect(again.status, again.text).toBe(200);
    expect((await audit(id)).length).toBe(events.length);
  });

  it('another unit’s account: 400 account_of_other_unit naming accountIds; nothing changes', async () => {
    const id = await newDraft();
    const res = await patch(id, { accountIds: [foreign], urgency: 'urgent' });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'account_of_other_unit', details: { field: 'accountIds', stage: 'edit', accounts: [foreign] } });
    expect(await get(id)).toMatchObject({ accountIds: [demo.accountId], urgency: 'normal' });
  });

  it('an account the gate refuses (not yet registered): 409 account_not_publishable; none at all: 400 naming accountIds', async () => {
    const id = await newDraft();
    const pending = await applyFor(t, demo);
    const refused = await patch(id, { accountIds: [pending.id] });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'account_not_publishable', details: { stage: 'edit', accounts: [{ id: pending.id, reason: 'pending' }] } });
    const empty = await patch(id, { accountIds: [] });
    expect(empty.status, empty.text).toBe(400);
    expect(empty.body.error.details[0].path).toBe('accountIds');
    const bad = await patch(id, { urgency: 'tomorrow' });
    expect(bad.status).toBe(400);
    expect((await get(id)).accountIds).toEqual([demo.accountId]);
  });

  it('under review, other targets restart the chain at the first level: old link dead, a new round, approvals void', async () => {
    const id = await submitDraft(t, demo, '审核中改账号');
    const oldLink = await t.linkFor(demo.people.section_head!);
    await decide(demo.people.section_head!, 'approve');
    const before = await get(id);
    expect(before.currentLevel).toBe('deputy_leader');
    const deputyLink = await t.linkFor(demo.people.deputy_leader!);

    const res = await patch(id, { accountIds: [demo.accountId, second.id] });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'in_review', currentLevel: 'section_head', round: before.round + 1, currentVersion: 1 });
    const dead = await t.request('POST', `/api/v1/signoff/${deputyLink}`, { body: { decision: 'approve', checklist: ALL_TICKED } });
    expect(dead.status).toBe(410);
    expect(dead.body.error.message).toContain('发布账号已更改');
    expect((await t.linkFor(demo.people.section_head!))).not.toBe(oldLink);
    expect((await audit(id)).at(-1)).toMatchObject({ action: 'draft.publishing_changed', data: { restartedAt: 'section_head', added: [second.id] } });
  });

  it('under review, text and targets changed together restart once', async () => {
    const id = await submitDraft(t, demo, '一起改');
    const round = (await get(id)).round;
    const res = await patch(id, { body: '新正文。', accountIds: [second.id] });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ currentVersion: 2, round: round + 1, currentLevel: 'section_head', accountIds: [second.id] });
    expect(res.body.reviews.filter((r: any) => r.status === 'pending')).toHaveLength(1);
  });

  it('under review, urgency moves the open review’s deadline without a restart', async () => {
    const id = await submitDraft(t, demo, '改为加急');
    const before = (await get(id)).reviews.find((r: any) => r.status === 'pending');
    const res = await patch(id, { urgency: 'urgent' });
    expect(res.status, res.text).toBe(200);
    const after = res.body.reviews.find((r: any) => r.status === 'pending');
    expect(after.id).toBe(before.id);
    expect(new Date(after.dueAt).getTime()).toBeLessThan(new Date(before.dueAt).getTime());
    expect((await audit(id)).at(-1)).toMatchObject({ action: 'draft.publishing_changed', data: { urgency: 'urgent', restartedAt: null } });
  });

  it('returned with standing approvals, then retargeted: the resubmission climbs from the first level', async () => {
    const id = await submitDraft(t, demo, '退回后改账号');
    await decide(demo.people.section_head!, 'approve');
    await decide(demo.people.deputy_leader!, 'return');
    expect((await get(id)).status).toBe('returned');
    expect((await patch(id, { accountIds: [second.id] })).status).toBe(200);
    const resubmitted = await t.request('POST', `/api/v1/drafts/${id}/submit`, { token: drafter() });
    expect(resubmitted.status, resubmitted.text).toBe(200);
    expect(resubmitted.body.currentLevel).toBe('section_head');
  });

  it('an approved draft’s targets cannot change (409), nor can anyone but the drafter change them (403)', async () => {
    const id = await newDraft();
    const other = await t.request('PATCH', `/api/v1/drafts/${id}`, { token: demo.tokens.section_head, body: { urgency: 'urgent' } });
    expect(other.status).toBe(403);
    const done = await submitDraft(t, demo, '已通过');
    for (const level of ['section_head', 'deputy_leader', 'publicity_officer', 'secretary'] as const) await decide(demo.people[level]!, 'approve');
    expect((await get(done)).status).toBe('approved');
    const res = await patch(done, { accountIds: [second.id] });
    expect(res.status, res.text).toBe(409);
    expect(res.body.error.code).toBe('invalid_transition');
  });
});

describe('登记发布 on the draft page', () => {
  it('the drafter records where the approved draft went live (Beijing time typed); a bad address is refused by its field', async () => {
    const id = await submitDraft(t, demo, '登记发布测试');
    for (const level of ['section_head', 'deputy_leader', 'publicity_officer', 'secretary'] as const) await decide(demo.people[level]!, 'approve');
    const me = (await t.request('GET', '/api/v1/me', { token: drafter() })).body;
    const s = await t.signIn(me.email);
    const page = await t.request('GET', `/drafts/${id}`, { cookie: s.cookie });
    expect(page.text).toContain(`action="/drafts/${id}/publish"`);
    const bad = await t.request('POST', `/drafts/${id}/publish`, { cookie: s.cookie, form: { _csrf: s.csrf, url: 'javascript:alert(1)' } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('href="#f-url"');
    // The time is typed in Beijing time, to the minute (a minute from now: after the approval).
    const live = new Date(Math.floor((t.clock.now.getTime() + 60_000) / 60_000) * 60_000);
    const typed = new Date(live.getTime() + 8 * 3_600_000).toISOString().slice(0, 16);
    const ok = await t.request('POST', `/drafts/${id}/publish`, { cookie: s.cookie, form: { _csrf: s.csrf, url: 'https://mp.weixin.qq.com/s/abc', publishedAt: typed, accountId: demo.accountId } });
    expect(ok.status, ok.text.slice(0, 200)).toBe(303);
    const listed = (await t.request('GET', `/api/v1/drafts/${id}/publications`, { token: drafter() })).body.items;
    expect(listed).toEqual([expect.objectContaining({ url: 'https://mp.weixin.qq.com/s/abc', accountId: demo.accountId, publishedAt: live.toISOString() })]);
    // The same form sent again records nothing more, and says so on the page.
    const resent = await t.request('POST', `/drafts/${id}/publish`, { cookie: s.cookie, form: { _csrf: s.csrf, url: 'https://mp.weixin.qq.com/s/abc', publishedAt: typed, accountId: demo.accountId } });
    expect(resent.status).toBe(409);
    expect(resent.text).toContain('此网址已登记过');
    const after = await t.request('GET', `/drafts/${id}?done=published`, { cookie: s.cookie });
    expect(after.text).toContain('已登记发布');
    expect(after.text).toContain('href="https://mp.weixin.qq.com/s/abc"');
    // Anyone of the draft's unit may record it too (as the API lets them); someone of another unit may not see the page at all.
    const head = await t.signIn((await t.request('GET', '/api/v1/me', { token: demo.tokens.section_head })).body.email);
    expect((await t.request('GET', `/drafts/${id}`, { cookie: head.cookie })).text).toContain(`action="/drafts/${id}/publish"`);
    // Not offered before approval.
    const fresh = await newDraft();
    expect((await t.request('GET', `/drafts/${fresh}`, { cookie: s.cookie })).text).not.toContain('/publish"');
  });
});

describe('登记发布 only on an account in service', () => {
  /** A draft for these accounts, approved by every level. */
  async function approvedFor(accountIds: string[], title: string): Promise<string> {
    const created = await t.request('POST', '/api/v1/drafts', { token: drafter(), body: { title, body: '正文。', unitId: demo.unitId, accountIds } });
    expect(created.status, created.text).toBe(201);
    expect((await t.request('POST', `/api/v1/drafts/${created.body.id}/submit`, { token: drafter() })).status).toBe(200);
    for (const level of ['section_head', 'deputy_leader', 'publicity_officer', 'secretary'] as const) await decide(demo.people[level]!, 'approve');
    expect((await get(created.body.id)).status).toBe('approved');
    return created.body.id;
  }
  const move = async (accountId: string, command: string) => {
    const res = await t.request('POST', `/api/v1/accounts/${accountId}/${command}`, { token: demo.tokens.publicity, body: { reason: '内容整顿' } });
    expect(res.status, res.text).toBe(200);
  };
  const record = (id: string, body: Record<string, unknown>, headers?: Record<string, string>) => t.request('POST', `/api/v1/drafts/${id}/publications`, { token: drafter(), body, headers });
  const publishForm = (html: string) => /<form[^>]*id="publish"[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';

  it('suspended or rectifying since the approval: 409 naming the account and its status, nothing recorded; the page does not offer it', async () => {
    const weibo = await registered(t, demo, { name: '学院微博' });
    const id = await approvedFor([demo.accountId, weibo.id], '暂停账号的发布登记');
    await move(weibo.id, 'suspend');

    const refused = await record(id, { url: 'https://weibo.com/1/abc', accountId: weibo.id });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'account_not_publishable', details: { field: 'accountId', stage: 'publish', accounts: [{ id: weibo.id, status: 'suspended', reason: 'suspended' }] } });
    expect(refused.body.error.message).toContain('学院微博（已暂停）');
    const english = await record(id, { url: 'https://weibo.com/1/abc', accountId: weibo.id }, { 'accept-language': 'en' });
    expect(english.status).toBe(409);
    expect(english.body.error.message).toContain('学院微博 (suspended)');
    expect((await t.request('GET', `/api/v1/drafts/${id}/publications`, { token: drafter() })).body.items).toEqual([]);

    // The draft page's form offers the account still in service, and names the other with why.
    const me = (await t.request('GET', '/api/v1/me', { token: drafter() })).body;
    const s = await t.signIn(me.email);
    const form = publishForm((await t.request('GET', `/drafts/${id}`, { cookie: s.cookie })).text);
    expect(form).toContain(`<option value="${demo.accountId}"`);
    expect(form).not.toContain(`value="${weibo.id}"`);
    expect(form).toContain('学院微博（已暂停）');
    // A form sent with it all the same (the page was open before the suspension) is refused on the page, by name.
    const posted = await t.request('POST', `/drafts/${id}/publish`, { cookie: s.cookie, form: { _csrf: s.csrf, url: 'https://weibo.com/1/abc', accountId: weibo.id } });
    expect(posted.status).toBe(409);
    expect(posted.text).toContain('学院微博（已暂停）');
    expect(posted.text).toContain('href="#f-accountId"');

    // 整改中 does not publish either, until the department reinstates the account.
    await move(weibo.id, 'rectify');
    const rectifying = await record(id, { url: 'https://weibo.com/1/abc', accountId: weibo.id });
    expect(rectifying.status).toBe(409);
    expect(rectifying.body.error.details.accounts).toEqual([{ id: weibo.id, status: 'rectifying', reason: 'rectifying' }]);
    expect(rectifying.body.error.message).toContain('学院微博（整改中）');

    // Reinstated, then changed (变更登记 keeps the status): in service, recorded.
    await move(weibo.id, 'reinstate');
    const changed = await t.request('PATCH', `/api/v1/accounts/${weibo.id}`, { token: demo.tokens.publicity, body: { name: '学院官方微博', reason: '更名' } });
    expect(changed.status, changed.text).toBe(200);
    const ok = await record(id, { url: 'https://weibo.com/1/abc', accountId: weibo.id });
    expect(ok.status, ok.text).toBe(201);
    expect(publishForm((await t.request('GET', `/drafts/${id}`, { cookie: s.cookie })).text)).toContain(`<option value="${weibo.id}"`);
  });

  it('no account named, and none of the draft’s accounts in service (shut down): 409 naming them; the page offers no form', async () => {
    const site = await registered(t, demo, { name: '学院网站', platform: 'website' });
    const id = await approvedFor([site.id], '关停账号的发布登记');
    await move(site.id, 'shut-down');
    const refused = await record(id, { url: 'https://example.edu.cn/news/1' });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'account_not_publishable', details: { field: 'accountId', accounts: [{ id: site.id, status: 'shut_down' }] } });
    expect(refused.body.error.message).toContain('学院网站（已关停）');
    const me = (await t.request('GET', '/api/v1/me', { token: drafter() })).body;
    const s = await t.signIn(me.email);
    const form = publishForm((await t.request('GET', `/drafts/${id}`, { cookie: s.cookie })).text);
    expect(form).toContain('学院网站（已关停）');
    expect(form).not.toContain('name="url"');
  });
});
