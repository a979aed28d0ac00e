import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq, sql } from 'drizzle-orm';
import { auditEvents } from '../db/schema';
import { ALL_TICKED, LEVELS, createTestEnv, type DbKind, type TestEnv } from './harness';

// The core flows run on real PostgreSQL and on the embedded PGlite alike.
describe.each<DbKind>(['postgres', 'pglite'])('sign-off chain on %s', (kind) => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  beforeAll(async () => {
    t = await createTestEnv(kind);
    demo = await t.seed();
  });
  afterAll(() => t?.close());

  async function newDraft(title = '关于举办学术讲座的通知', extra: Record<string, unknown> = {}) {
    const res = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title, body: '讲座时间：周五下午。', unitId: demo.unitId, accountIds: [demo.accountId], ...extra } });
    expect(res.status, res.text).toBe(201);
    return res.body as { id: string; status: string };
  }
  async function submit(id: string) {
    const res = await t.request('POST', `/api/v1/drafts/${id}/submit`, { token: demo.tokens.drafter });
    expect(res.status, res.text).toBe(200);
    return res.body;
  }
  const decide = (token: string, body: Record<string, unknown>) => t.request('POST', `/api/v1/signoff/${token}`, { body });
  const approve = (token: string) => decide(token, { decision: 'approve', checklist: ALL_TICKED, comment: '同意' });
  const linkOf = (level: (typeof LEVELS)[number]) => t.linkFor(demo.people[level]!);

  it('climbs all five levels by link to approved, with a full record', async () => {
    const draft = await newDraft();
    expect(draft.status).toBe('draft');
    const submitted = await submit(draft.id);
    expect(submitted).toMatchObject({ status: 'in_review', currentLevel: 'section_head' });
    for (const [i, level] of LEVELS.entries()) {
      const token = await linkOf(level);
      const page = await t.request('GET', `/s/${token}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('关于举办学术讲座的通知');
      const res = await approve(token);
      expect(res.status, res.text).toBe(200);
      expect(res.body.status).toBe(i === LEVELS.length - 1 ? 'approved' : 'in_review');
      expect(res.body.currentLevel).toBe(LEVELS[i + 1] ?? null);
    }
    const view = await t.request('GET', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter });
    expect(view.body.status).toBe('approved');
    expect(view.body.reviews.map((r: any) => [r.level, r.decision, r.reviewer.id])).toEqual(LEVELS.map((l) => [l, 'approve', demo.people[l]]));
    expect(view.body.reviews[0].checklist).toEqual(ALL_TICKED);
    expect(view.body.reviews.every((r: any) => r.contentSha256 === view.body.contentSha256)).toBe(true);
    const notices = await t.deliver();
    expect(notices.some((n) => n.kind === 'draft_closed' && n.to.personId === demo.people.drafter)).toBe(true);
    // Approved text is frozen.
    const edit = await t.request('PATCH', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter, body: { body: '改' } });
    expect(edit.status).toBe(409);
    expect(edit.body.error).toMatchObject({ code: 'invalid_transition', details: { status: 'approved' } });
    expect(edit.body.error.message).toContain('已批准');
  });

  it('returns to an earlier level, then to the drafter; unchanged content resumes, changed content restarts', async () => {
    const draft = await newDraft('退回测试');
    await submit(draft.id);
    expect((await approve(await linkOf('section_head'))).status).toBe(200);
    expect((await approve(await linkOf('deputy_leader'))).status).toBe(200);
    // The publicity officer sends it back to level 2 (deputy leader).
    const back = await decide(await linkOf('publicity_officer'), { decision: 'return', returnTo: 'deputy_leader', comment: '请分管领导再核对数据', checklist: { accurate: false } });
    expect(back.status, back.text).toBe(200);
    expect(back.body).toMatchObject({ status: 'in_review', currentLevel: 'deputy_leader' });
    // Level 2 returns it to the drafter.
    const toDrafter = await decide(await linkOf('deputy_leader'), { decision: 'return', comment: '数据需更正', checklist: {} });
    expect(toDrafter.body).toMatchObject({ status: 'returned', currentLevel: null });
    // Resubmitting the same text resumes at the level that returned it (section head's approval still stands).
    const resumed = await submit(draft.id);
    expect(resumed).toMatchObject({ status: 'in_review', currentLevel: 'deputy_leader' });
    // Returning to the drafter again, then editing, starts over at the first level.
    await decide(await linkOf('deputy_leader'), { decision: 'return', comment: '仍需修改', checklist: {} });
    const edited = await t.request('PATCH', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter, body: { body: '更正后的数据' } });
    expect(edited.body).toMatchObject({ status: 'returned', currentVersion: 2 });
    expect((await submit(draft.id))).toMatchObject({ currentLevel: 'section_head' });
  });

  it('reject is terminal and needs a comment', async () => {
    const draft = await newDraft('驳回测试');
    await submit(draft.id);
    const token = await linkOf('section_head');
    const noComment = await decide(token, { decision: 'reject', checklist: {} });
    expect(noComment.status).toBe(400);
    expect(noComment.body.error.code).toBe('comment_required');
    const res = await decide(token, { decision: 'reject', comment: '含个人信息，不予发布', checklist: { no_personal_data: false } });
    expect(res.body.status).toBe('rejected');
    const again = await t.request('POST', `/api/v1/drafts/${draft.id}/submit`, { token: demo.tokens.drafter });
    expect(again.status).toBe(409);
    expect(again.body.error.details.status).toBe('rejected');
  });

  it('approving with an unticked box is refused and changes nothing', async () => {
    const draft = await newDraft('勾选测试');
    await submit(draft.id);
    const token = await linkOf('section_head');
    const res = await decide(token, { decision: 'approve', checklist: { ...ALL_TICKED, political_direction: false } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'checklist_incomplete' });
    // People read the item, programs read the path.
    expect(res.body.error.message).toContain('政治方向正确，导向正确');
    expect(res.body.error.message).not.toContain('political_direction');
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'checklist.political_direction' })]);
    expect((await approve(token)).status).toBe(200); // the link is still good
  });

  it('a withdrawal supersedes the open link, which then says there is nothing more to do (no newer link will come)', async () => {
    const draft = await newDraft('撤回测试');
    await submit(draft.id);
    const link = await linkOf('section_head');
    expect((await t.request('POST', `/api/v1/drafts/${draft.id}/withdraw`, { token: demo.tokens.drafter, body: { reason: '活动取消' } })).status).toBe(200);
    const dead = await approve(link);
    expect(dead.status).toBe(410);
    expect(dead.body.error.message).toBe('此审核链接已失效（稿件已撤回），您无需再处理');
    expect((await t.request('POST', `/api/v1/signoff/${link}`, { body: { decision: 'approve', checklist: ALL_TICKED }, headers: { 'accept-language': 'en' } })).body.error.message).toBe('This sign-off link is no longer valid (the draft was withdrawn); there is nothing more for you to do here');
    expect((await t.request('GET', `/s/${link}`)).text).not.toContain('最新通知');
  });

  it('an edit during review supersedes the open link and restarts at the first level', async () => {
    const draft = await newDraft('修改测试');
    await submit(draft.id);
    expect((await approve(await linkOf('section_head'))).status).toBe(200);
    const stale = await linkOf('deputy_leader');
    const edited = await t.request('PATCH', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter, body: { title: '修改测试（更正）' } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ status: 'in_review', currentLevel: 'section_head', currentVersion: 2 });
    const dead = await approve(stale);
    expect(dead.status).toBe(410);
    expect(dead.body.error.code).toBe('link_superseded');
    expect(dead.body.error.message).toBe('此审核链接已失效（稿件已修改，审核从第一级重新开始），请使用最新通知中的链接');
    const page = await t.request('GET', `/s/${stale}`);
    expect(page.status).toBe(410);
    expect(page.text).toContain('已失效');
    const fresh = await linkOf('section_head');
    const view = await t.request('GET', `/api/v1/signoff/${fresh}`);
    expect(view.body).toMatchObject({ level: 'section_head', version: 2 });
  });

  it('a PATCH that changes nothing (an autosave, 保存 clicked twice) is no edit: same version, nothing recorded, the review goes on', async () => {
    const draft = await newDraft('原样保存', { urgency: 'urgent', body: '讲座时间：周五下午。\n地点：报告厅。' });
    const patch = (body: Record<string, unknown>, headers: Record<string, string> = {}) => t.request('PATCH', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter, body, headers });
    const recorded = async () => (await t.runtime.database.db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.draftId, draft.id)))[0]!.n;
    const same = { title: '原样保存', body: '讲座时间：周五下午。\n地点：报告厅。' };
    // Still a draft: the same fields again, and again with the targets and urgency it has, and with the body's line ends as a browser sends them.
    const before = (await t.request('GET', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter })).body;
    const events = await recorded();
    for (const body of [same, { ...same, accountIds: [demo.accountId], urgency: 'urgent' }, { ...same, body: same.body.replace('\n', '\r\n') }]) {
      const res = await patch(body);
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ currentVersion: 1, contentSha256: before.contentSha256, updatedAt: before.updatedAt });
      expect(res.body.versions).toHaveLength(1);
    }
    expect(await recorded()).toBe(events);

    // Under review: the open link stays live, no round starts, no link is sent, nothing is recorded.
    await submit(draft.id);
    expect((await approve(await linkOf('section_head'))).status).toBe(200);
    const live = await linkOf('deputy_leader');
    const inReview = (await t.request('GET', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter })).body;
    const reviewEvents = await recorded();
    await t.deliver();
    const twice = [await patch(same, { 'idempotency-key': 'autosave-1' }), await patch(same, { 'idempotency-key': 'autosave-2' })];
    for (const res of twice) {
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ status: 'in_review', currentLevel: 'deputy_leader', currentVersion: 1, round: inReview.round, updatedAt: inReview.updatedAt });
      expect(res.body.reviews).toEqual(inReview.reviews);
    }
    // The same key again is the first answer, as for any write.
    const replayed = await patch(same, { 'idempotency-key': 'autosave-1' });
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body.currentVersion).toBe(1);
    expect(await recorded()).toBe(reviewEvents);
    expect(await t.deliver()).toEqual([]);
    expect((await approve(live)).status).toBe(200);

    // A real change still makes a version; a closed draft refuses even an unchanged PATCH.
    const changed = await patch({ title: '原样保存（更正）' });
    expect(changed.body).toMatchObject({ currentVersion: 2, currentLevel: 'section_head' });
    await t.request('POST', `/api/v1/drafts/${draft.id}/withdraw`, { token: demo.tokens.drafter });
    const closed = await patch({ title: '原样保存（更正）' });
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe('invalid_transition');
  });

  it('forged, reused and expired links never give a second decision', async () => {
    const forged = await approve('A'.repeat(43));
    expect(forged.status).toBe(404);
    expect(forged.body.error.code).toBe('link_not_found');
    const draft = await newDraft('链接测试');
    await submit(draft.id);
    const token = await linkOf('section_head');
    expect((await approve(token)).status).toBe(200);
    const reused = await approve(token);
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('link_used');
    // The decision the link recorded, for a phone that lost the first answer.
    expect(reused.body.error.details).toEqual({ decision: 'approve', decidedAt: t.clock.now.toISOString() });
    const next = await linkOf('deputy_leader');
    t.clock.advance(24 * 8);
    const expired = await approve(next);
    t.clock.advance(-24 * 8);
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe('link_expired');
    const view = await t.request('GET', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter });
    expect(view.body.reviews.filter((r: any) => r.decision)).toHaveLength(1);
  });

  it('50 concurrent clicks on one link give exactly one success', async () => {
    const draft = await newDraft('并发测试');
    await submit(draft.id);
    const token = await linkOf('section_head');
    const results = await Promise.all(Array.from({ length: 50 }, () => approve(token)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const view = await t.request('GET', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter });
    expect(view.body.reviews.filter((r: any) => r.decision === 'approve')).toHaveLength(1);
    expect(view.body.currentLevel).toBe('deputy_leader');
  });

  it('succession hands pending reviews to the new holder; the old link dies', async () => {
    const draft = await newDraft('接任测试');
    await submit(draft.id);
    const old = await linkOf('section_head');
    const successor = await t.request('POST', '/api/v1/people', { token: demo.tokens.admin, body: { name: '新系主任', email: `succ-${kind}@demo.local`, roles: ['staff'], unitId: demo.unitId } });
    expect(successor.status, successor.text).toBe(201);
    const put = await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/section_head`, { token: demo.tokens.admin, body: { personId: successor.body.id } });
    expect(put.status, put.text).toBe(200);
    expect(put.body.handedOver).toBeGreaterThanOrEqual(1);
    expect((await approve(old)).status).toBe(410);
    const fresh = await t.linkFor(successor.body.id);
    expect((await approve(fresh)).status).toBe(200);
    const awaiting = await t.request('GET', '/api/v1/drafts?awaiting=me', { token: demo.tokens.deputy_leader });
    expect(awaiting.body.items.map((d: any) => d.id)).toContain(draft.id);
    // Restore the demo holder for the other tests.
    await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/section_head`, { token: demo.tokens.admin, body: { personId: demo.people.section_head } });
  });

  it('separation of duties: one person never signs two levels; refused, recorded, level not skipped', async () => {
    // The deputy leader also becomes the publicity officer.
    await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/publicity_officer`, { token: demo.tokens.admin, body: { personId: demo.people.deputy_leader } });
    const draft = await newDraft('职责分离测试');
    await submit(draft.id);
    await approve(await linkOf('section_head'));
    await approve(await t.linkFor(demo.people.deputy_leader!));
    const second = await t.linkFor(demo.people.deputy_leader!);
    const refused = await approve(second);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('separation_of_duties');
    // A code in the details, the words in the caller's language (the record keeps the code too).
    expect(refused.body.error.details).toEqual({ reason: 'signed_other_level', signedAs: 'deputy_leader' });
    expect(refused.body.error.message).toContain('已以“分管院领导”身份签署');
    const drafter = await t.request('GET', '/api/v1/me', { token: demo.tokens.drafter });
    const { cookie } = await t.signIn(drafter.body.email);
    for (const [lang, said, not] of [['zh-CN', '同一人不能签署同一稿件的两个审核级别', 'One person'], ['en', 'One person cannot sign two levels of one draft (already signed as', '同一人']] as const) {
      const page = await t.request('GET', `/drafts/${draft.id}`, { cookie, headers: { 'accept-language': lang } });
      expect(page.text).toContain(said);
      expect(page.text).not.toContain(not);
    }
    const view = await t.request('GET', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter });
    expect(view.body).toMatchObject({ status: 'in_review', currentLevel: 'publicity_officer' });
    const audit = await t.runtime.database.db.execute(sql`select count(*)::int as n from audit_events where action = 'signoff.refused' and draft_id = ${draft.id}`);
    const rows = (Array.isArray(audit) ? audit : (audit as any).rows) as { n: number }[];
    expect(rows[0]!.n).toBe(1);
    // Transfer to the real publicity officer resolves it.
    const review = view.body.reviews.find((r: any) => r.status === 'pending');
    const moved = await t.request('POST', `/api/v1/signoff/${second}/transfer`, { body: { toPersonId: demo.people.publicity_officer, reason: '本人已签署分管领导一级' } });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.reviews.find((r: any) => r.id === review.id).reviewer.id).toBe(demo.people.publicity_officer);
    expect((await approve(await linkOf('publicity_officer'))).status).toBe(200);
    await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/publicity_officer`, { token: demo.tokens.admin, body: { personId: demo.people.publicity_officer } });
  });

  it('allowedActions are what the caller may do, not every move of the status: no one approves through the draft API', async () => {
    const draft = await newDraft('各人可做之事');
    const actions = async (who: 'drafter' | 'deputy_leader' | 'publicity') => (await t.request('GET', `/api/v1/drafts/${draft.id}`, { token: demo.tokens[who] })).body.allowedActions;
    expect(await actions('drafter')).toEqual(['edit', 'submit', 'withdraw']);
    expect(await actions('publicity')).toEqual([]);
    const submitted = await submit(draft.id);
    expect(submitted.allowedActions).toEqual(['edit', 'withdraw', 'urge']);
    expect(await actions('deputy_leader')).toEqual([]);
    expect(await actions('publicity')).toEqual(['urge']);
    // The link's holder: the link's decisions while it works, none once it is spent.
    const link = await linkOf('section_head');
    expect((await t.request('GET', `/api/v1/signoff/${link}`)).body.draft.allowedActions).toEqual(['approve', 'return', 'reject']);
    const decided = await approve(link);
    expect(decided.body.allowedActions).toEqual([]);
  });

  it('a leader’s level is handed only to the unit’s leadership, the secretary’s only to the dean (seed 001: 分管领导初审、主要领导审批), never to staff', async () => {
    const draft = await newDraft('转交领导级别');
    await submit(draft.id);
    await approve(await linkOf('section_head'));
    await approve(await linkOf('deputy_leader'));
    await approve(await linkOf('publicity_officer'));
    const secretaryLink = await linkOf('secretary');
    const staff = await t.request('POST', '/api/v1/people', { token: demo.tokens.admin, body: { name: '普通职员', email: 'staff.transfer@demo.imprimatur.local', roles: ['staff'], unitId: demo.unitId } });
    // The page offers no staff member for the secretary's level, and the service refuses one.
    const page = await t.request('GET', `/s/${secretaryLink}`);
    expect(page.text).toContain('转交他人审核');
    expect(page.text).toContain('学院书记的审核只能转交本单位的院长');
    expect(page.text).not.toContain(`value="${staff.body.id}"`);
    const refused = await t.request('POST', `/api/v1/signoff/${secretaryLink}/transfer`, { body: { toPersonId: staff.body.id, reason: '出差，请代签' } });
    expect(refused.status, refused.text).toBe(403);
    expect(refused.body.error.details).toMatchObject({ field: 'toPersonId' });
    expect(refused.body.error.details.reason).toBe('学院书记的审核只能转交本单位的院长，普通职员 不符合');
    // 主要领导审批: the secretary's approval is not for a deputy (the leader in charge, a deputy dean).
    const deputy = await t.request('POST', `/api/v1/signoff/${secretaryLink}/transfer`, { body: { toPersonId: demo.people.deputy_leader, reason: '请分管领导代签' } });
    expect(deputy.status).toBe(403);
    // The dean, appointed to the office, may take it.
    const dean = await t.request('POST', '/api/v1/people', { token: demo.tokens.admin, body: { name: '郑院长', email: 'dean.transfer@demo.imprimatur.local', roles: ['staff'], unitId: demo.unitId } });
    expect((await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/dean`, { token: demo.tokens.admin, body: { personId: dean.body.id } })).status).toBe(200);
    expect((await t.request('GET', `/s/${secretaryLink}`)).text).toContain(`value="${dean.body.id}"`);
    const moved = await t.request('POST', `/api/v1/signoff/${secretaryLink}/transfer`, { body: { toPersonId: dean.body.id, reason: '出差，请院长代签' } });
    expect(moved.status, moved.text).toBe(200);
    const deanLink = await t.linkFor(dean.body.id);
    // The dean leaves the office before deciding: the review goes back to the secretary, the dean's link dies.
    const successor = await t.request('POST', '/api/v1/people', { token: demo.tokens.admin, body: { name: '新院长', email: 'dean.next@demo.imprimatur.local', roles: ['staff'], unitId: demo.unitId } });
    expect((await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/dean`, { token: demo.tokens.admin, body: { personId: successor.body.id } })).status).toBe(200);
    expect((await approve(deanLink)).status).toBe(410);
    const back = (await t.request('GET', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter })).body.reviews.find((r: { status: string }) => r.status === 'pending');
    expect(back.reviewer.id).toBe(demo.people.secretary);
    // Handed to the new dean instead, who decides.
    const again = await t.request('POST', `/api/v1/signoff/${await linkOf('secretary')}/transfer`, { body: { toPersonId: successor.body.id, reason: '出差，请院长代签' } });
    expect(again.status, again.text).toBe(200);
    expect((await approve(await t.linkFor(successor.body.id))).status).toBe(200);
    expect((await t.request('GET', `/api/v1/drafts/${draft.id}`, { token: demo.tokens.drafter })).body.status).toBe('approved');
  });

  it('the audit chain verifies, refuses UPDATE/DELETE, and detects a row altered behind the trigger', async () => {
    const ok = await t.request('GET', '/api/v1/audit/verify', { token: demo.tokens.admin });
    expect(ok.body.ok).toBe(true);
    expect(ok.body.events).toBeGreaterThan(10);
    const db = t.runtime.database;
    await expect(db.exec(`update audit_events set action = 'x' where seq = 3`)).rejects.toThrow(/append-only/);
    await expect(db.exec(`delete from audit_events where seq = 3`)).rejects.toThrow(/append-only/);
    await expect(db.exec(`update draft_versions set body = 'x'`)).rejects.toThrow(/append-only/);
    await db.exec(`alter table audit_events disable trigger audit_events_append_only; update audit_events set data = '{"forged":true}' where seq = 5; alter table audit_events enable trigger audit_events_append_only;`);
    const broken = await t.request('GET', '/api/v1/audit/verify', { token: demo.tokens.admin });
    expect(broken.body).toMatchObject({ ok: false, brokenAt: { seq: 5, problem: 'altered', reason: '内容与其哈希不符（事件被改动过）' } });
    const inEnglish = await t.request('GET', '/api/v1/audit/verify', { token: demo.tokens.admin, headers: { 'accept-language': 'en' } });
    expect(inEnglish.body.brokenAt).toEqual({ seq: 5, problem: 'altered', reason: 'content does not match its hash (the event was altered)' });
  });
});
