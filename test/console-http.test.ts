import { cstYear } from '../src/domain/cst';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from './harness';
import { applyFor, type Demo } from './registry-fixtures';

/**
 * The publicity console over HTTP with real sessions: who may see which page (403 pages, never
 * data), forms that refuse bad input by field (4xx, nothing changed), and the people/units API.
 */
describe('publicity console over HTTP', () => {
  let t: TestEnv;
  let demo: Demo;
  const sessions: Record<string, { cookie: string; csrf: string }> = {};
  const emailOf = async (id: string) => (await t.request('GET', `/api/v1/people/${id}`, { token: demo.tokens.admin })).body.email as string;

  beforeAll(async () => {
    t = await createTestEnv('postgres');
    demo = await t.seed();
    for (const key of ['drafter', 'publicity', 'admin', 'publicity_officer']) sessions[key] = await t.signIn(await emailOf(demo.people[key]!));
  });
  afterAll(async () => t?.close());

  const get = (who: string, path: string) => t.request('GET', path, { cookie: sessions[who]!.cookie });
  const post = (who: string, path: string, form: Record<string, string>) => t.request('POST', path, { cookie: sessions[who]!.cookie, form: { _csrf: sessions[who]!.csrf, ...form } });

  it('sends a signed-out visitor to sign in', async () => {
    for (const path of ['/registry', `/registry/${demo.accountId}`, '/registry/apply', '/inspections/campaigns', '/people', '/units']) {
      const res = await t.request('GET', path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
  });

  it('lists the registry with filters and search; a staff member sees only their units', async () => {
    const all = await get('publicity', '/registry');
    expect(all.status).toBe(200);
    expect(all.text).toContain('示范学院官方微信');
    expect(all.text).toContain(demo.inspectionCode);
    expect(all.text).toContain('/api/v1/exports/accounts.csv');
    expect((await get('publicity', '/registry?q=%E4%B8%8D%E5%AD%98%E5%9C%A8')).text).toContain('没有符合条件的账号');
    expect((await get('publicity', '/registry?code=none')).text).not.toContain(demo.inspectionCode);
    expect((await get('publicity', '/registry?code=valid&lang=en')).text).toContain(demo.inspectionCode);
    // A filter that does not parse is ignored, never a 500.
    expect((await get('publicity', '/registry?unitId=nope&status=bogus')).status).toBe(200);
    // Another unit's account is not listed for a staff member, and its page is a 403 page.
    const unit = await t.request('POST', '/api/v1/units', { token: demo.tokens.admin, body: { name: '外单位', code: `OTHER${Date.now()}` } });
    const other = await t.request('POST', '/api/v1/people', { token: demo.tokens.admin, body: { name: '外单位员工', email: `other${Date.now()}@test.imprimatur.local`, roles: ['staff'], unitId: unit.body.id } });
    const otherSession = await t.signIn(other.body.email);
    const list = await t.request('GET', '/registry', { cookie: otherSession.cookie });
    expect(list.status).toBe(200);
    expect(list.text).not.toContain('示范学院官方微信');
    expect(list.text).not.toContain('/api/v1/exports/accounts.csv');
    const page = await t.request('GET', `/registry/${demo.accountId}`, { cookie: otherSession.cookie });
    expect(page.status).toBe(403);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).not.toContain(demo.inspectionCode);
    expect((await t.request('GET', `/registry/${demo.accountId}/poster`, { cookie: otherSession.cookie })).status).toBe(403);
  });

  it('a refused application reads as such, not as a deregistered account; a 变更 shows what it changed', async () => {
    const refused = await applyFor(t, demo, { name: '被驳回的公众号' });
    expect((await t.request('POST', `/api/v1/accounts/${refused.id}/reject`, { token: demo.tokens.publicity, body: { reason: '材料不全' } })).status).toBe(200);
    const page = (await get('publicity', `/registry/${refused.id}`)).text;
    expect(page).toContain('申请已驳回');
    expect(page).toContain('不可发布（申请已驳回）');
    expect(page).not.toContain('已注销');
    const renamed = await applyFor(t, demo, { name: '旧名称公众号' });
    await t.request('PATCH', `/api/v1/accounts/${renamed.id}`, { token: demo.tokens.publicity, body: { name: '新名称公众号', reason: '更名' } });
    expect((await get('publicity', `/registry/${renamed.id}`)).text).toMatch(/账号名称<\/span>：旧名称公众号 → 新名称公众号/);
  });

  it('refuses a lifecycle move without its reason by field, and a staff member’s move with a 403 page', async () => {
    const before = (await t.request('GET', `/api/v1/accounts/${demo.accountId}`, { token: demo.tokens.admin })).body;
    const empty = await post('publicity', `/registry/${demo.accountId}/actions/suspend`, { suspendReason: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('error-summary');
    expect(empty.text).toContain('href="#f-suspendReason"');
    const staff = await post('publicity_officer', `/registry/${demo.accountId}/actions/suspend`, { suspendReason: '越权' });
    expect(staff.status).toBe(403);
    expect(staff.headers.get('content-type')).toContain('text/html');
    // Not allowed from the account's state: 409 with the reason shown, nothing changed.
    const approve = await post('publicity', `/registry/${demo.accountId}/actions/approve`, {});
    expect(approve.status).toBe(409);
    expect(approve.text).toContain('不能批准登记');
    expect(await post('publicity', `/registry/${demo.accountId}/actions/explode`, { explodeReason: 'x' })).toMatchObject({ status: 404 });
    // No CSRF token: refused.
    const forged = await t.request('POST', `/registry/${demo.accountId}/actions/suspend`, { cookie: sessions.publicity!.cookie, form: { suspendReason: '无令牌' } });
    expect(forged.status).toBe(403);
    const after = (await t.request('GET', `/api/v1/accounts/${demo.accountId}`, { token: demo.tokens.admin })).body;
    expect(after.status).toBe(before.status);
    expect(after.events.length).toBe(before.events.length);
  });

  it('approves and refuses applications from the page, as the API does', async () => {
    const a = await applyFor(t, demo);
    const ok = await post('publicity', `/registry/${a.id}/actions/approve`, { approveReason: '材料齐全' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/registry/${a.id}?done=approve`);
    const view = (await t.request('GET', `/api/v1/accounts/${a.id}`, { token: demo.tokens.admin })).body;
    expect(view.status).toBe('registered');
    expect(view.registrationNo).toBeTruthy();
    const b = await applyFor(t, demo);
    expect((await post('publicity', `/registry/${b.id}/actions/reject`, { rejectReason: '材料不全' })).status).toBe(303);
    expect((await t.request('GET', `/api/v1/accounts/${b.id}`, { token: demo.tokens.admin })).body.status).toBe('deregistered');
    const page = await get('publicity', `/registry/${b.id}`);
    expect(page.text).toContain('材料不全');
  });

  it('the application form refuses by field and keeps what was typed', async () => {
    const res = await post('drafter', '/registry/apply', { name: '新账号', platform: 'weibo', platformId: '', unitId: demo.unitId, ownerId: demo.people.drafter!, adminIds: demo.people.drafter! });
    expect(res.status).toBe(400);
    expect(res.text).toContain('href="#f-platformId"');
    expect(res.text).toContain('value="新账号"');
    const noCommentator = await post('drafter', '/registry/apply', { name: '新账号', platform: 'weibo', platformId: `wb${Date.now()}`, unitId: demo.unitId, ownerId: demo.people.drafter!, adminIds: demo.people.drafter! });
    expect(noCommentator.status).toBe(400);
    expect(noCommentator.text).toContain('href="#f-commentatorIds"');
    // The picker names people, never asks for an id.
    const form = await get('drafter', '/registry/apply');
    expect(form.text).toContain('李撰稿');
    expect(form.text).not.toMatch(/<input type="text"[^>]*name="(ownerId|adminIds|commentatorIds)"/);
    // The whole team is named on the page, operators and reviewers too, not only through the API.
    expect(form.text).toContain('运营人员');
    expect(form.text).toContain('审核人员');
    const made = await post('drafter', '/registry/apply', { name: '团队齐全的账号', platform: 'weibo', platformId: `wb-team-${Date.now()}`, unitId: demo.unitId, ownerId: demo.people.drafter!, adminIds: demo.people.drafter!, commentatorIds: demo.people.drafter!, operatorIds: demo.people.publicity_officer!, reviewerIds: demo.people.section_head! });
    expect(made.status, made.text.slice(0, 500)).toBe(303);
    const id = made.headers.get('location')!.split('/')[2]!.split('?')[0]!;
    const roles = (await t.request('GET', `/api/v1/accounts/${id}`, { token: demo.tokens.publicity })).body.roles as { role: string; personId: string }[];
    expect(roles).toEqual(expect.arrayContaining([
      expect.objectContaining({ role: 'operator', personId: demo.people.publicity_officer }), expect.objectContaining({ role: 'reviewer', personId: demo.people.section_head }),
    ]));
  });

  it('a self-report filed again starts from what was filed: the declared incident and the team notes are not lost', async () => {
    const applied = await applyFor(t, demo);
    const account = (await t.request('POST', `/api/v1/accounts/${applied.id}/approve`, { token: demo.tokens.publicity })).body;
    const inspectionId = account.inspections[0].id as string;
    const filed = await t.request('POST', `/api/v1/inspections/${inspectionId}/self-report`, { token: demo.tokens.publicity_officer, body: {
      team: { notes: '团委学生干部运营' }, incidents: [{ kind: 'rumour', description: '转发未经核实的消息', at: `${cstYear(new Date())}-03-01` }, { kind: 'unreviewed_publication', description: '一篇未经审核发布' }],
    } });
    expect(filed.status, filed.text).toBe(200);
    const page = await get('publicity_officer', `/inspections/${inspectionId}`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<option value="rumour" selected/);
    expect(page.text).toContain('转发未经核实的消息</textarea>');
    expect(page.text).toContain('团委学生干部运营</textarea>');
    expect(page.text).toContain(`value="${cstYear(new Date())}-03-01"`);
    expect(page.text).toContain('另有 1 项已填报的事件');
    // Filed again through the form (one incident slot): the second incident is kept.
    const again = await post('publicity_officer', `/inspections/${inspectionId}/self-report`, {
      updateFrequency: '每周', teamAdmins: '1', teamOperators: '0', teamReviewers: '0', teamCommentators: '1', commentatorPresent: 'true', unreviewedPublications: '0',
      incidentKind: 'rumour', incidentDescription: '转发未经核实的消息（已更正）', incidentAt: `${cstYear(new Date())}-03-01`,
    });
    expect(again.status, again.text.slice(0, 300)).toBe(303);
    const kept = (await t.request('GET', `/api/v1/inspections/${inspectionId}`, { token: demo.tokens.publicity })).body.selfReport.incidents as { kind: string; description: string }[];
    expect(kept.map((x) => x.kind)).toEqual(['rumour', 'unreviewed_publication']);
    expect(kept[0]!.description).toBe('转发未经核实的消息（已更正）');
  });

  it('inspection pages: staff get 403 pages; bad campaign and interview input is refused by field', async () => {
    const campaigns = (await t.request('GET', '/api/v1/inspections/campaigns', { token: demo.tokens.publicity })).body.items as { id: string; year: number }[];
    const campaign = (await t.request('GET', `/api/v1/inspections/campaigns/${campaigns[0]!.id}`, { token: demo.tokens.publicity })).body;
    for (const path of ['/inspections/campaigns', `/inspections/campaigns/${campaign.id}`]) {
      const res = await get('drafter', path);
      expect(res.status, path).toBe(403);
      expect(res.text).not.toContain('示范学院官方微信');
    }
    expect((await post('drafter', `/inspections/campaigns/${campaign.id}/close`, {})).status).toBe(403);
    // The form offers the first year without a campaign (this year's is open already).
    const years = new Set(campaigns.map((x) => x.year));
    let free = cstYear(new Date());
    while (years.has(free)) free++;
    expect((await get('publicity', '/inspections/campaigns')).text).toMatch(new RegExp(`name="year"[^>]*value="${free}"`));
    const bad = await post('publicity', '/inspections/campaigns', { year: '2099', deadline: 'next week' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('href="#f-deadline"');
    // A rule of the form's own says its problem in the page's language.
    const backwards = await post('publicity', '/inspections/campaigns', { year: '2099', deadline: '2099-03-31T18:00', graceUntil: '2099-03-01T18:00' });
    expect(backwards.status).toBe(400);
    expect(backwards.text).toContain('宽限至：不能早于自查截止时间');
    expect(backwards.text).not.toContain('must not be before');
    const past = await post('publicity', '/inspections/campaigns', { year: '2099', deadline: '2020-01-01T10:00' });
    expect(past.status).toBe(400);
    expect(past.text).toContain('href="#f-deadline"');
    expect(past.text).toContain('自查截止时间须晚于当前时间');
    const again = await post('publicity', '/inspections/campaigns', { year: String(campaign.year), deadline: '2099-03-31T18:00' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('href="#f-year"');
    const inspectionId = campaign.inspections[0].id as string;
    const noNotes = await post('publicity', `/inspections/${inspectionId}/interviews`, { heldAt: '2026-04-01T10:00', attendees: '赵宣传员', interviewSummary: '' });
    expect(noNotes.status).toBe(400);
    expect(noNotes.text).toContain('href="#f-interviewSummary"');
    // The passed inspection cannot be graded again: 409 on the page, nothing changed.
    const regrade = await post('publicity', `/inspections/${inspectionId}/grade`, { result: 'fail', findings: '长期未审先发' });
    expect(regrade.status).toBe(409);
    expect((await t.request('GET', `/api/v1/inspections/${inspectionId}`, { token: demo.tokens.publicity })).body.status).toBe('passed');
    // A staff member outside the account cannot grade or see it.
    const unit = await t.request('POST', '/api/v1/units', { token: demo.tokens.admin, body: { name: '另一单位', code: `O2${Date.now()}` } });
    const stranger = await t.request('POST', '/api/v1/people', { token: demo.tokens.admin, body: { name: '陌生人', email: `s${Date.now()}@test.imprimatur.local`, roles: ['staff'], unitId: unit.body.id } });
    const s = await t.signIn(stranger.body.email);
    expect((await t.request('GET', `/inspections/${inspectionId}`, { cookie: s.cookie })).status).toBe(403);
    expect((await t.request('POST', `/inspections/${inspectionId}/self-report`, { cookie: s.cookie, form: { _csrf: s.csrf, updateFrequency: 'x' } })).status).toBe(403);
  });

  it('deactivation: admin only, never oneself, not while holding a position; the record and audit stay', async () => {
    const leaver = await t.request('POST', '/api/v1/people', { token: demo.tokens.admin, body: { name: '离职者', email: `leaver${Date.now()}@test.imprimatur.local`, roles: ['staff'], unitId: demo.unitId } });
    const id = leaver.body.id as string;
    const token = await t.tokenFor(id);
    expect((await t.request('POST', `/api/v1/people/${id}/deactivate`, { token: demo.tokens.publicity })).status).toBe(403);
    expect((await t.request('POST', `/api/v1/people/${id}/deactivate`, { token: demo.tokens.drafter })).status).toBe(403);
    expect((await t.request('POST', `/api/v1/people/${demo.people.admin}/deactivate`, { token: demo.tokens.admin })).status).toBe(409);
    const holder = await t.request('POST', `/api/v1/people/${demo.people.secretary}/deactivate`, { token: demo.tokens.admin });
    expect(holder.status).toBe(409);
    expect(holder.body.error.details).toMatchObject({ field: 'positions', positions: [{ unitId: demo.unitId, position: 'secretary' }] });
    expect((await t.request('GET', '/api/v1/me', { token: demo.tokens.secretary })).status).toBe(200);
    // A staff session's form post to deactivate is a 403 page.
    expect((await post('drafter', `/people/${id}/deactivate`, {})).status).toBe(403);
    // A sign-in link asked for before the deactivation, still unopened.
    const asked = await t.request('POST', '/login', { form: { email: leaver.body.email } });
    expect(asked.status).toBe(200);
    await t.deliver();
    const mailed = t.sent.filter((m) => m.kind === 'sign_in' && m.to.email === leaver.body.email).at(-1)!;
    const linkPath = new URL(mailed.link!).pathname;
    const done = await t.request('POST', `/api/v1/people/${id}/deactivate`, { token: demo.tokens.admin });
    expect(done.status).toBe(200);
    // It lapsed with the person: its page says so, and its button starts no session.
    expect((await t.request('GET', linkPath)).status).toBe(410);
    const pressed = await t.request('POST', linkPath, { form: {} });
    expect(pressed.status).toBe(410);
    expect(pressed.headers.get('set-cookie') ?? '').not.toContain('imp_session=');
    expect(done.body).toMatchObject({ tokensRevoked: 1, sessionsEnded: 0, person: { id, deactivatedAt: expect.any(String) } });
    expect((await t.request('GET', '/api/v1/me', { token })).status).toBe(401);
    expect((await t.request('POST', `/api/v1/people/${id}/deactivate`, { token: demo.tokens.admin })).status).toBe(409);
    const audit = await t.request('GET', `/api/v1/people?q=${encodeURIComponent('离职者')}`, { token: demo.tokens.admin });
    expect(audit.body.items[0].deactivatedAt).toBeTruthy();
    // Back again: signs in anew; the old token stays dead.
    expect((await t.request('POST', `/api/v1/people/${id}/reactivate`, { token: demo.tokens.admin })).status).toBe(200);
    expect((await t.request('GET', '/api/v1/me', { token })).status).toBe(401);
    await expect(t.signIn(leaver.body.email)).resolves.toMatchObject({ cookie: expect.stringContaining('imp_session=') });
    expect((await t.request('POST', `/api/v1/people/${id}/reactivate`, { token: demo.tokens.admin })).status).toBe(409);
  });

  it('organisation pages: staff get 403 pages; publicity reads; a bad appointment is refused by field', async () => {
    for (const path of ['/people', '/units', `/units/${demo.unitId}`]) {
      const res = await get('drafter', path);
      expect(res.status, path).toBe(403);
      expect(res.text).not.toContain('王系主任');
      expect((await get('publicity', path)).status, path).toBe(200);
    }
    const none = await post('publicity', `/units/${demo.unitId}/positions/secretary`, {});
    expect(none.status).toBe(400);
    expect(none.text).toContain('href="#f-holder-secretary"');
    const bad = await post('publicity', '/people', { name: '', email: 'not-an-email', roles: 'staff' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('href="#f-email"');
    // Publicity may add people but not grant admin.
    const admin = await post('publicity', '/people', { name: '想当管理员', email: `x${Date.now()}@test.imprimatur.local`, roles: 'admin' });
    expect(admin.status).toBe(403);
    expect(admin.text).toContain('href="#f-roles"');
  });

  it('people and units: API search and pagination for admin and publicity, 403 for staff', async () => {
    const people = await t.request('GET', '/api/v1/people?q=%E6%9D%8E%E6%92%B0&limit=5', { token: demo.tokens.publicity });
    expect(people.status).toBe(200);
    expect(people.body.items.map((p: { name: string }) => p.name)).toContain('李撰稿');
    expect(people.body).toMatchObject({ limit: 5, offset: 0 });
    const holders = await t.request('GET', `/api/v1/people?unitId=${demo.unitId}&limit=50`, { token: demo.tokens.admin });
    const head = holders.body.items.find((p: { id: string }) => p.id === demo.people.section_head);
    expect(head.positions).toEqual([expect.objectContaining({ unitId: demo.unitId, position: 'section_head' })]);
    const paged = await t.request('GET', '/api/v1/people?limit=2&offset=2', { token: demo.tokens.admin });
    expect(paged.body.items).toHaveLength(2);
    expect(paged.body.total).toBeGreaterThanOrEqual(7);
    const units = await t.request('GET', '/api/v1/units?q=DEMO', { token: demo.tokens.admin });
    expect(units.status).toBe(200);
    expect(units.body.items[0]).toMatchObject({ id: demo.unitId, robots: { wecom: { configured: false } } });
    expect(units.body.items[0].positions).toHaveLength(4);
    expect((await t.request('GET', '/api/v1/people', { token: demo.tokens.drafter })).status).toBe(403);
    expect((await t.request('GET', '/api/v1/units', { token: demo.tokens.drafter })).status).toBe(403);
    expect((await t.request('GET', '/api/v1/people?limit=0', { token: demo.tokens.admin })).status).toBe(400);
    expect((await t.request('GET', '/api/v1/people?role=king', { token: demo.tokens.admin })).status).toBe(400);
  });

  it('the people picker searches (limited, only whom the caller may see) instead of shipping the directory', async () => {
    const other = await t.seed();
    const outsider = (await t.request('GET', `/api/v1/people/${other.people.drafter}`, { token: other.tokens.admin })).body.email as string;
    // The form itself names nobody until one searches.
    const form = await get('drafter', '/registry/apply');
    expect(form.status).toBe(200);
    expect(form.text.match(/@demo\.imprimatur\.local/g)).toHaveLength(1); // the signed-in person's own, in the header
    expect(form.text).toContain('name="ownerIdQ"');

    // A staff member finds the people of their own unit, never another college's.
    const mine = await get('drafter', `/api/v1/directory/people?q=${encodeURIComponent('李')}`);
    expect(mine.status, mine.text).toBe(200);
    expect(mine.body.items.map((p: { id: string }) => p.id)).toEqual([demo.people.drafter]);
    expect(Object.keys(mine.body.items[0]).sort()).toEqual(['email', 'id', 'name', 'unitName']);
    expect((await get('drafter', `/api/v1/directory/people?q=${encodeURIComponent(outsider)}`)).body.items).toEqual([]);
    const byToken = await t.request('GET', `/api/v1/directory/people?q=${encodeURIComponent('李')}`, { token: demo.tokens.drafter });
    expect(byToken.body.items).toHaveLength(1);
    // Publicity staff find everyone; results are capped.
    const all = await get('publicity', `/api/v1/directory/people?q=${encodeURIComponent('李撰稿')}`);
    expect(all.body.items.map((p: { id: string }) => p.id).sort()).toEqual([demo.people.drafter, other.people.drafter].sort());
    expect((await get('publicity', '/api/v1/directory/people?q=%40&limit=3')).body.items).toHaveLength(3);
    expect((await get('publicity', '/api/v1/directory/people?q=%40&limit=21')).status).toBe(400);
    expect((await get('publicity', '/api/v1/directory/people')).status).toBe(400);
    expect((await t.request('GET', '/api/v1/directory/people?q=a')).status).toBe(401);

    // Without script: the search button posts the form back; the matches come as choices, what was typed stays, nothing is created.
    const before = (await t.request('GET', '/api/v1/accounts', { token: demo.tokens.publicity })).body.items.length;
    const searched = await post('drafter', '/registry/apply', { name: '无脚本申请', platformId: 'gh_nojs', ownerIdQ: '赵宣', commentatorIdsQ: outsider, pickerSearch: 'ownerId' });
    expect(searched.status).toBe(200);
    expect(searched.text).toContain('value="无脚本申请"');
    expect(searched.text).toMatch(new RegExp(`name="ownerId" value="${demo.people.publicity_officer}"`));
    expect(searched.text).not.toContain(other.people.drafter!);
    expect(searched.text).toContain('没有找到');
    expect(searched.text).not.toContain('error-summary');
    expect((await t.request('GET', '/api/v1/accounts', { token: demo.tokens.publicity })).body.items.length).toBe(before);
    // A chosen person outside the caller's units is not named back to them.
    const posted = await post('drafter', '/registry/apply', { ownerId: other.people.drafter!, pickerSearch: 'ownerId' });
    expect(posted.text).not.toContain(other.people.drafter);
  });
});
