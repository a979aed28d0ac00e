import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cstYear } from '../src/domain/cst';
import { ALL_TICKED, LEVELS, createTestEnv, type TestEnv } from './harness';
import { itChecksAccess, type AccessCase } from './support/access';
import { applyFor, application, newPerson, registered, rowsOf, sweep, type Demo } from './registry-fixtures';

/** The registry (登记备案) over HTTP: applying, numbering, the lifecycle, the publish gate, exports and who may do what. */
let t: TestEnv;
let demo: Demo;
let other: Demo;

beforeAll(async () => {
  t = await createTestEnv('postgres');
  demo = await t.seed();
  other = await t.seed();
});
afterAll(() => t?.close());

const post = (path: string, token: string | undefined, body?: unknown) => t.request('POST', path, { token, body });
const get = (path: string, token?: string) => t.request('GET', path, { token });

async function counts() {
  const res = await t.runtime.database.db.execute(sql`select (select count(*) from accounts)::int as accounts, (select count(*) from account_events)::int as events, (select count(*) from account_roles)::int as roles`);
  return rowsOf<Record<'accounts' | 'events' | 'roles', number>>(res)[0]!;
}

describe('applying and registering', () => {
  it('a unit member applies; publicity approves with 宣备〔YYYY〕NNN号, sequential within the year', async () => {
    const first = await applyFor(t, demo, { name: '示范学院团委', platform: 'weibo', url: 'https://weibo.com/u/1' }, demo.tokens.drafter);
    expect(first).toMatchObject({ status: 'pending', registrationNo: null, publishable: false, publishBlock: 'pending', allowedActions: expect.arrayContaining(['approve', 'reject']) });
    expect(first.roles.filter((r: any) => r.current).map((r: any) => r.role).sort()).toEqual(['admin', 'commentator']);

    const second = await applyFor(t, demo);
    const a = await post(`/api/v1/accounts/${first.id}/approve`, demo.tokens.publicity);
    const b = await post(`/api/v1/accounts/${second.id}/approve`, demo.tokens.publicity);
    expect(a.status, a.text).toBe(200);
    const year = cstYear(t.clock.now);
    const pattern = new RegExp(`^宣备〔${year}〕(\\d{3})号$`);
    expect(a.body.registrationNo).toMatch(pattern);
    const n = (no: string) => Number(pattern.exec(no)![1]);
    expect(n(b.body.registrationNo)).toBe(n(a.body.registrationNo) + 1);
    expect(a.body).toMatchObject({ status: 'registered', registeredAt: t.clock.now.toISOString() });
    expect(a.body.events.map((e: any) => [e.type, e.from, e.to])).toEqual([['applied', null, 'pending'], ['approve', 'pending', 'registered']]);
    // Registered during this year's campaign: it is inspected in it, and may publish meanwhile.
    expect(a.body.inspections).toEqual([expect.objectContaining({ year, status: 'open' })]);
    expect(a.body).toMatchObject({ publishable: true, publishBlock: null });

    const again = await post(`/api/v1/accounts/${first.id}/approve`, demo.tokens.publicity);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'account_transition', details: { status: 'registered', action: 'approve' } });
    expect(again.body.error.message).toContain('已登记备案');
  });

  it('numbers restart at 001 in a new year (CST)', async () => {
    const saved = t.clock.now;
    const year = cstYear(saved) + 1;
    try {
      // 00:30 on 1 January in Beijing is still the old year in UTC: the number follows the CST year.
      t.clock.now = new Date(`${year}-01-01T00:30:00+08:00`);
      const applied = await applyFor(t, demo);
      const approved = await post(`/api/v1/accounts/${applied.id}/approve`, demo.tokens.publicity);
      expect(approved.body.registrationNo).toBe(`宣备〔${year}〕001号`);
      const next = await registered(t, demo);
      expect(next.registrationNo).toBe(`宣备〔${year}〕002号`);
    } finally {
      t.clock.now = saved;
    }
  });

  it('needs at least one network commentator and a teacher as administrator, and says which field', async () => {
    const before = await counts();
    const noCommentator = await post('/api/v1/accounts', demo.tokens.drafter, application(demo, { commentatorIds: [] }));
    expect(noCommentator.status).toBe(400);
    expect(noCommentator.body.error.code).toBe('validation_failed');
    expect(noCommentator.body.error.message).toContain('commentatorIds');

    const student = await newPerson(t, demo, '学生小刘');
    const studentAdmin = await post('/api/v1/accounts', demo.tokens.drafter, application(demo, {
      adminIds: [], members: [{ personId: student.id, role: 'admin', kind: 'student', endsAt: '2099-07-01T00:00:00+08:00' }],
    }));
    expect(studentAdmin.status).toBe(400);
    expect(studentAdmin.body.error.message).toContain('adminIds');

    const openEnded = await post('/api/v1/accounts', demo.tokens.drafter, application(demo, { members: [{ personId: student.id, role: 'commentator', kind: 'student' }] }));
    expect(openEnded.status).toBe(400);
    expect(openEnded.body.error.message).toContain('members.0.endsAt');

    // A student commentator with an end date is fine, next to a teacher administrator.
    const ok = await post('/api/v1/accounts', demo.tokens.drafter, application(demo, { commentatorIds: [], members: [{ personId: student.id, role: 'commentator', kind: 'student', endsAt: '2099-07-01T00:00:00+08:00' }] }));
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.roles).toEqual([expect.objectContaining({ role: 'admin', kind: 'teacher' }), expect.objectContaining({ role: 'commentator', kind: 'student', endsAt: '2099-06-30T16:00:00.000Z' })]);
    expect((await counts()).accounts).toBe(before.accounts + 1);

    // Removing the last commentator later is refused by the service, naming the field, changing nothing.
    const removed = await t.request('PATCH', `/api/v1/accounts/${ok.body.id}`, { token: demo.tokens.drafter, body: { commentatorIds: [], members: [] } });
    expect(removed.status).toBe(400);
    expect(removed.body.error).toMatchObject({ code: 'staffing_incomplete', details: { fields: [expect.objectContaining({ path: 'commentatorIds', code: 'no_commentator' })] } });
    const view = await get(`/api/v1/accounts/${ok.body.id}`, demo.tokens.drafter);
    expect(view.body.roles.filter((r: any) => r.current && r.role === 'commentator')).toHaveLength(1);
  });

  it('a platform id is registered once; unknown people and units are 404s naming the field', async () => {
    const taken = await post('/api/v1/accounts', demo.tokens.drafter, application(demo, { platformId: 'gh_same' }));
    expect(taken.status).toBe(201);
    const dup = await post('/api/v1/accounts', demo.tokens.drafter, application(demo, { platformId: 'gh_same' }));
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'already_exists', details: { field: 'platformId' } });
    const ghost = await post('/api/v1/accounts', demo.tokens.drafter, application(demo, { commentatorIds: ['00000000-0000-4000-8000-000000000000'] }));
    expect(ghost.status).toBe(404);
    expect(ghost.body.error.details.field).toMatch(/commentatorIds/);
    const badPlatform = await post('/api/v1/accounts', demo.tokens.drafter, application(demo, { platform: 'myspace' }));
    expect(badPlatform.status).toBe(400);
    expect(badPlatform.body.error.message).toContain('platform');
  });
});

describe('lifecycle', () => {
  it('suspend → reinstate → rectify → shut down → deregister, each dated with reason and actor; refusals name the status', async () => {
    const account = await registered(t, demo);
    const id = account.id;
    const noReason = await post(`/api/v1/accounts/${id}/suspend`, demo.tokens.publicity, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toContain('reason');

    const steps: [string, string][] = [['suspend', 'suspended'], ['reinstate', 'registered'], ['rectify', 'rectifying'], ['shut-down', 'shut_down']];
    for (const [path, status] of steps) {
      const res = await post(`/api/v1/accounts/${id}/${path}`, demo.tokens.publicity, { reason: `理由：${path}` });
      expect(res.status, res.text).toBe(200);
      expect(res.body.status).toBe(status);
    }
    const revive = await post(`/api/v1/accounts/${id}/reinstate`, demo.tokens.publicity, { reason: '恢复' });
    expect(revive.status).toBe(409);
    expect(revive.body.error).toMatchObject({ code: 'account_transition', details: { status: 'shut_down', allowed: ['deregister'] } });
    expect(revive.body.error.message).toContain('已关停');

    const gone = await post(`/api/v1/accounts/${id}/deregister`, demo.tokens.publicity, { reason: '不再使用' });
    expect(gone.body.status).toBe('deregistered');
    // A tombstone: still readable, nothing more may happen to it.
    const change = await t.request('PATCH', `/api/v1/accounts/${id}`, { token: demo.tokens.publicity_officer, body: { name: '新名' } });
    expect(change.status).toBe(409);
    const view = await get(`/api/v1/accounts/${id}`, demo.tokens.publicity);
    expect(view.body.events.slice(2).map((e: any) => [e.type, e.from, e.to, e.reason, e.actorId])).toEqual([
      ['suspend', 'registered', 'suspended', '理由：suspend', demo.people.publicity],
      ['reinstate', 'suspended', 'registered', '理由：reinstate', demo.people.publicity],
      ['rectify', 'registered', 'rectifying', '理由：rectify', demo.people.publicity],
      ['shut_down', 'rectifying', 'shut_down', '理由：shut-down', demo.people.publicity],
      ['deregister', 'shut_down', 'deregistered', '不再使用', demo.people.publicity],
    ]);
    const deleted = await t.runtime.database.db.execute(sql`delete from accounts where id = ${id}`).then(() => 'deleted', () => 'refused');
    expect(deleted).toBe('refused');
  });

  it('责令整改 carries a deadline (30 days unless given, never past); past it the sweep suspends the account once', async () => {
    const account = await registered(t, demo);
    const id = account.id;
    const past = await post(`/api/v1/accounts/${id}/rectify`, demo.tokens.publicity, { reason: '评论区管理不到位', deadline: new Date(t.clock.now.getTime() - 60_000).toISOString() });
    expect(past.status).toBe(400);
    expect(past.body.error.details[0]).toMatchObject({ path: 'deadline' });
    expect((await get(`/api/v1/accounts/${id}`, demo.tokens.publicity)).body.status).toBe('registered');
    const malformed = await post(`/api/v1/accounts/${id}/rectify`, demo.tokens.publicity, { reason: 'x', deadline: 'next week' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toContain('deadline');

    const byDefault = await post(`/api/v1/accounts/${id}/rectify`, demo.tokens.publicity, { reason: '评论区管理不到位' });
    expect(byDefault.status, byDefault.text).toBe(200);
    expect(byDefault.body).toMatchObject({ status: 'rectifying', rectifyDeadline: new Date(t.clock.now.getTime() + 30 * 86_400_000).toISOString() });
    expect(byDefault.body.events.at(-1)).toMatchObject({ type: 'rectify', newValues: { rectifyDeadline: byDefault.body.rectifyDeadline } });
    const back = await post(`/api/v1/accounts/${id}/reinstate`, demo.tokens.publicity, { reason: '已整改' });
    expect(back.body).toMatchObject({ status: 'registered', rectifyDeadline: null });

    const deadline = new Date(t.clock.now.getTime() + 2 * 86_400_000).toISOString();
    const given = await post(`/api/v1/accounts/${id}/rectify`, demo.tokens.publicity, { reason: '再次整改', deadline });
    expect(given.body).toMatchObject({ status: 'rectifying', rectifyDeadline: deadline });
    const saved = t.clock.now;
    try {
      expect((await sweep(t))['account-rectification-overdue']).toBe(0);
      t.clock.now = new Date(new Date(deadline).getTime() + 1000);
      expect((await sweep(t))['account-rectification-overdue']).toBe(1);
      expect((await sweep(t))['account-rectification-overdue']).toBe(0);
      const lapsed = (await get(`/api/v1/accounts/${id}`, demo.tokens.publicity)).body;
      expect(lapsed).toMatchObject({ status: 'suspended', rectifyDeadline: null });
      expect(lapsed.events.at(-1)).toMatchObject({ type: 'suspend', actorId: null, from: 'rectifying', to: 'suspended' });
    } finally {
      t.clock.now = saved;
    }
  });

  it('a rename keeps the record and the old name in its history', async () => {
    const account = await registered(t, demo, { name: '旧名称' });
    // The unit's own officer may not rename what the registry vouches for; the publicity department does (变更登记).
    const asked = await t.request('PATCH', `/api/v1/accounts/${account.id}`, { token: demo.tokens.publicity_officer, body: { name: '教育部官方微信', reason: '更名' } });
    expect(asked.status, asked.text).toBe(403);
    expect(asked.body.error).toMatchObject({ code: 'registered_by_publicity', details: { field: 'name' } });
    expect(asked.body.error.message).toContain('由宣传部门办理变更登记');
    const res = await t.request('PATCH', `/api/v1/accounts/${account.id}`, { token: demo.tokens.publicity, body: { name: '新名称', url: 'https://mp.weixin.qq.com/new', reason: '更名' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: account.id, name: '新名称', registrationNo: account.registrationNo });
    expect(res.body.events.at(-1)).toMatchObject({ type: 'changed', reason: '更名', oldValues: { name: '旧名称', url: null }, newValues: { name: '新名称', url: 'https://mp.weixin.qq.com/new' } });
  });

  it('a unit names only its own people on its accounts; the publicity department may name anyone', async () => {
    const account = await registered(t, demo);
    const outsider = other.people.drafter!;
    const outsiderName = (await t.request('GET', '/api/v1/me', { token: other.tokens.drafter })).body.name;
    for (const body of [{ ownerId: outsider }, { adminIds: [demo.people.publicity_officer, outsider] }, { commentatorIds: [outsider] }]) {
      const res = await t.request('PATCH', `/api/v1/accounts/${account.id}`, { token: demo.tokens.publicity_officer, body });
      expect(res.status, res.text).toBe(400);
      // The field that names them, and the person by name.
      expect(res.body.error.details[0]).toMatchObject({ path: Object.keys(body)[0], message: `${outsiderName} 不是账号所属单位的人员（宣传部门可登记其他单位的人员）` });
    }
    const applied = await t.request('POST', '/api/v1/accounts', { token: demo.tokens.drafter, body: application(demo, { ownerId: outsider }) });
    expect(applied.status, applied.text).toBe(400);
    expect(applied.body.error.message).toContain('ownerId');
    expect((await t.request('GET', `/api/v1/accounts/${account.id}`, { token: demo.tokens.publicity })).body.ownerId).toBe(demo.people.publicity_officer);
    const byRegistry = await t.request('PATCH', `/api/v1/accounts/${account.id}`, { token: demo.tokens.publicity, body: { ownerId: outsider } });
    expect(byRegistry.status, byRegistry.text).toBe(200);
  });

  it('status changes are told to the owner and administrators', async () => {
    const account = await registered(t, demo);
    await t.deliver();
    await post(`/api/v1/accounts/${account.id}/suspend`, demo.tokens.publicity, { reason: '发布未经审核的内容' });
    const sent = (await t.deliver()).filter((m) => m.kind === 'account_status');
    expect(sent.map((m) => m.to.personId)).toEqual([demo.people.publicity_officer]);
    expect(sent[0]!.subject).toContain('已暂停');
    expect(sent[0]!.text).toContain('发布未经审核的内容');
    expect(sent[0]!.text).toMatch(/suspended/);
  });
});

describe('role lists by id', () => {
  it('a student operator named again by id alone (the change page sends ids) stays a student with the same end date', async () => {
    const student = await newPerson(t, demo, '学生运营');
    const other = await newPerson(t, demo, '教师运营');
    const endsAt = new Date(Date.now() + 200 * 86_400_000).toISOString();
    const account = await registered(t, demo, { members: [{ personId: student.id, role: 'operator', kind: 'student', endsAt }] });
    const changed = await t.request('PATCH', `/api/v1/accounts/${account.id}`, { token: demo.tokens.publicity, body: { operatorIds: [student.id, other.id] } });
    expect(changed.status, changed.text).toBe(200);
    const operators = (await t.request('GET', `/api/v1/accounts/${account.id}`, { token: demo.tokens.publicity })).body.roles.filter((r: { role: string; current: boolean }) => r.role === 'operator' && r.current);
    expect(operators).toEqual(expect.arrayContaining([
      expect.objectContaining({ personId: student.id, kind: 'student', endsAt }), expect.objectContaining({ personId: other.id, kind: 'teacher' }),
    ]));
    expect(operators).toHaveLength(2);
  });
});

describe('students until an end date', () => {
  it('a student named until a day already past is refused by the field (on applying and on changing); the same role sent back as it is passes', async () => {
    const student = await newPerson(t, demo, '学生毕业生');
    const past = new Date(t.clock.now.getTime() - 86_400_000).toISOString();
    const applied = await t.request('POST', '/api/v1/accounts', { token: demo.tokens.publicity, body: application(demo, { members: [{ personId: student.id, role: 'operator', kind: 'student', endsAt: past }] }) });
    expect(applied.status, applied.text).toBe(400);
    expect(applied.body.error.details).toEqual([expect.objectContaining({ path: 'members.0.endsAt' })]);

    const endsAt = new Date(t.clock.now.getTime() + 86_400_000).toISOString();
    const account = await registered(t, demo, { members: [{ personId: student.id, role: 'operator', kind: 'student', endsAt }] });
    const changed = await t.request('PATCH', `/api/v1/accounts/${account.id}`, { token: demo.tokens.publicity, body: { members: [{ personId: student.id, role: 'operator', kind: 'student', endsAt: past }] } });
    expect(changed.status, changed.text).toBe(400);
    expect(changed.body.error.details).toEqual([expect.objectContaining({ path: 'members.0.endsAt' })]);
    const operators = async () => (await t.request('GET', `/api/v1/accounts/${account.id}`, { token: demo.tokens.publicity })).body.roles.filter((r: { role: string }) => r.role === 'operator');
    expect(await operators()).toEqual([expect.objectContaining({ personId: student.id, endsAt, endedAt: null })]);

    // Two days on the term is over; the role sent back unchanged (with a new commentator) is no new appointment.
    const saved = t.clock.now;
    try {
      t.clock.advance(48);
      const again = await t.request('PATCH', `/api/v1/accounts/${account.id}`, { token: demo.tokens.publicity, body: { commentatorIds: [demo.people.drafter, demo.people.section_head], members: [{ personId: student.id, role: 'operator', kind: 'student', endsAt }] } });
      expect(again.status, again.text).toBe(200);
      expect(await operators()).toEqual([expect.objectContaining({ personId: student.id, endsAt, endedAt: null, current: false })]);
    } finally {
      t.clock.now = saved;
    }
  });
});

describe('people who leave', () => {
  it('a deactivated commentator no longer staffs the account: the role ends with the person, and the record keeps it', async () => {
    const commentator = await newPerson(t, demo, '离职评论员');
    const account = await registered(t, demo, { commentatorIds: [commentator.id] });
    const done = await t.request('POST', `/api/v1/people/${commentator.id}/deactivate`, { token: demo.tokens.admin });
    expect(done.status, done.text).toBe(200);
    expect(done.body.accountRolesEnded).toBe(1);
    const view = (await t.request('GET', `/api/v1/accounts/${account.id}`, { token: demo.tokens.publicity })).body;
    const role = view.roles.find((r: { personId: string; role: string }) => r.personId === commentator.id && r.role === 'commentator');
    expect(role).toMatchObject({ current: false, endedAt: expect.any(String) });
    expect(view.roles.some((r: { role: string; current: boolean }) => r.role === 'commentator' && r.current)).toBe(false);
  });

  it('a departed teacher administrator: the registry page says the account has none now', async () => {
    const admin = await newPerson(t, demo, '离职管理员');
    const account = await registered(t, demo, { adminIds: [admin.id] });
    expect((await t.request('POST', `/api/v1/people/${admin.id}/deactivate`, { token: demo.tokens.admin })).status).toBe(200);
    const { cookie } = await t.signIn((await t.request('GET', '/api/v1/me', { token: demo.tokens.publicity })).body.email);
    const page = await t.request('GET', `/registry/${account.id}`, { cookie });
    expect(page.text).toContain('当前没有在任的教师管理员');
  });

  it('an account’s 负责人 is not deactivated while the account is live: another owner first (409 naming the account)', async () => {
    const owner = await newPerson(t, demo, '离职负责人');
    const account = await registered(t, demo, { ownerId: owner.id });
    const refused = await t.request('POST', `/api/v1/people/${owner.id}/deactivate`, { token: demo.tokens.admin });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('仍是账号负责人');
    expect(refused.body.error.details).toMatchObject({ field: 'accounts', accounts: [{ id: account.id }] });
    expect((await t.request('GET', `/api/v1/me`, { token: owner.token })).status).toBe(200);
    // Nor is a person who has left named to an account.
    const gone = await newPerson(t, demo, '已离职者');
    expect((await t.request('POST', `/api/v1/people/${gone.id}/deactivate`, { token: demo.tokens.admin })).status).toBe(200);
    const named = await t.request('PATCH', `/api/v1/accounts/${account.id}`, { token: demo.tokens.publicity, body: { ownerId: gone.id } });
    expect(named.status).toBe(400);
    expect(named.body.error.details[0]).toMatchObject({ path: 'ownerId', message: '已离职者 已停用，不能担任账号岗位' });
    expect((await t.request('PATCH', `/api/v1/accounts/${account.id}`, { token: demo.tokens.publicity, body: { commentatorIds: [gone.id] } })).status).toBe(400);
  });
});

describe('publish gate', () => {
  async function draftFor(accountId: string, title: string) {
    const res = await post('/api/v1/drafts', demo.tokens.drafter, { title, body: '正文', unitId: demo.unitId, accountIds: [accountId] });
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  }
  const submit = (id: string) => post(`/api/v1/drafts/${id}/submit`, demo.tokens.drafter);

  it('a revoked code stops a draft at submit; a fresh code lets it through', async () => {
    const draftId = await draftFor(demo.accountId, '撤销编码后提交');
    const revoked = await post(`/api/v1/codes/${demo.inspectionCode}/revoke`, demo.tokens.publicity, { reason: '核查发现问题' });
    expect(revoked.status, revoked.text).toBe(200);
    const refused = await submit(draftId);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'account_not_publishable', details: { stage: 'submit', accounts: [{ id: demo.accountId, reason: 'no_valid_code' }] } });
    expect(refused.body.error.message).toContain('无有效审查合格编码');
    const revokedNotice = (await t.deliver()).filter((m) => m.kind === 'inspection_code');
    expect(revokedNotice.map((m) => m.to.personId)).toEqual([demo.people.publicity_officer]);
    expect(revokedNotice[0]!.text).toContain(`审查合格编码 ${demo.inspectionCode} 已被撤销`);
    expect(revokedNotice[0]!.text).toContain('核查发现问题');
    expect((await get(`/api/v1/drafts/${draftId}`, demo.tokens.drafter)).body.status).toBe('draft');

    const account = await get(`/api/v1/accounts/${demo.accountId}`, demo.tokens.publicity);
    const reissued = await post(`/api/v1/inspections/${account.body.inspections[0].id}/code`, demo.tokens.publicity);
    expect(reissued.status, reissued.text).toBe(201);
    expect(reissued.body.code).not.toBe(demo.inspectionCode);
    expect(reissued.body).toMatchObject({ valid: true, status: 'valid' });
    expect((await t.deliver()).filter((m) => m.kind === 'inspection_code').map((m) => m.subject)).toEqual([expect.stringContaining(`补发】${account.body.name}：${reissued.body.code}`)]);
    const twice = await post(`/api/v1/inspections/${account.body.inspections[0].id}/code`, demo.tokens.publicity);
    expect(twice.status).toBe(409);
    expect((await submit(draftId)).status).toBe(200);
  });

  it('an account suspended during review stops the final approval', async () => {
    const draftId = await draftFor(demo.accountId, '终审前暂停');
    expect((await submit(draftId)).status).toBe(200);
    for (const level of LEVELS.slice(0, -1)) {
      const res = await post(`/api/v1/signoff/${await t.linkFor(demo.people[level]!)}`, undefined, { decision: 'approve', checklist: ALL_TICKED });
      expect(res.status, res.text).toBe(200);
    }
    const secretaryLink = await t.linkFor(demo.people.secretary!);
    await post(`/api/v1/accounts/${demo.accountId}/suspend`, demo.tokens.publicity, { reason: '舆情处置' });
    const final = await post(`/api/v1/signoff/${secretaryLink}`, undefined, { decision: 'approve', checklist: ALL_TICKED });
    expect(final.status).toBe(409);
    expect(final.body.error).toMatchObject({ code: 'account_not_publishable', details: { stage: 'approve', accounts: [{ id: demo.accountId, reason: 'suspended' }] } });
    expect(final.body.error.message).toContain('已暂停');
    expect((await get(`/api/v1/drafts/${draftId}`, demo.tokens.drafter)).body.status).toBe('in_review');
    await post(`/api/v1/accounts/${demo.accountId}/reinstate`, demo.tokens.publicity, { reason: '处置完毕' });
  });

  it('a shut-down account cannot be targeted at all', async () => {
    const account = await registered(t, demo);
    const draftId = await draftFor(account.id, '关停前草稿');
    await post(`/api/v1/accounts/${account.id}/shut-down`, demo.tokens.publicity, { reason: '严重违规' });
    const atSubmit = await submit(draftId);
    expect(atSubmit.status).toBe(409);
    expect(atSubmit.body.error.details).toMatchObject({ stage: 'submit', accounts: [{ reason: 'shut_down' }] });
    const atCreate = await post('/api/v1/drafts', demo.tokens.drafter, { title: 't', body: 'b', unitId: demo.unitId, accountIds: [account.id] });
    expect(atCreate.status).toBe(409);
    expect(atCreate.body.error.details.stage).toBe('create');
  });
});

describe('CSV export of the registry', () => {
  it('opens with a BOM, has the columns, keeps Chinese intact', async () => {
    await registered(t, demo, { name: '示范学院“青春”号, 官方', platform: 'douyin' });
    const res = await t.runtime.app.request('/api/v1/exports/accounts.csv', { headers: { authorization: `Bearer ${demo.tokens.publicity}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''%E6%96%B0");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: string[][] = parse(new TextDecoder().decode(bytes), { bom: true });
    expect(rows[0]).toEqual(['登记编号 Registration no.', '账号名称 Name', '平台 Platform', '平台账号 Platform id', '网址 URL', '主办单位 Unit', '级别 Tier', '负责人 Owner', '状态 Status', '登记日期 Registered', '审查合格编码 Pass code', '编码年度 Code year', '编码状态 Code status', '休眠起始 Dormant since']);
    const quoted = rows.find((r) => r[1] === '示范学院“青春”号, 官方');
    expect(quoted).toBeDefined();
    expect(quoted!.slice(2, 3)).toEqual(['抖音']);
    expect(quoted![8]).toBe('已登记备案');
    const demoRow = rows.find((r) => r[1]!.startsWith('示范学院官方微信'))!;
    expect(demoRow[0]).toMatch(/^宣备〔\d{4}〕\d{3}号$/);
    expect(demoRow[10]).toMatch(/^SJ-\d{4}-WX-\d{4}-.$/);
    expect(demoRow[12]).toBe('有效');
    // Every account is listed once, other colleges' too (the publicity department sees all).
    const total = rowsOf<{ n: number }>(await t.runtime.database.db.execute(sql`select count(*)::int as n from accounts`))[0]!.n;
    expect(rows.length - 1).toBe(total);

    const filtered = parse((await t.request('GET', '/api/v1/exports/accounts.csv?status=pending', { token: demo.tokens.publicity })).text, { bom: true }) as string[][];
    expect(filtered.slice(1).every((r) => r[8] === '待审批')).toBe(true);
    expect((await get('/api/v1/exports/accounts.csv?status=bogus', demo.tokens.publicity)).status).toBe(400);
  });
});

describe('who may do what', () => {
  type Who = 'none' | 'drafterA' | 'ownerA' | 'drafterB' | 'publicity' | 'admin';
  const token = (who: Who) => ({ none: undefined, drafterA: demo.tokens.drafter, ownerA: demo.tokens.publicity_officer, drafterB: other.tokens.drafter, publicity: demo.tokens.publicity, admin: demo.tokens.admin })[who];
  let pendingId: string;
  let inspectionId: string;
  beforeAll(async () => {
    pendingId = (await applyFor(t, demo)).id;
    inspectionId = (await get(`/api/v1/accounts/${other.accountId}`, other.tokens.publicity)).body.inspections[0].id;
  });

  const cases: AccessCase<Who>[] = [
    ['apply in another unit', () => ['POST', '/api/v1/accounts', application(demo)], { none: 401, drafterB: 403 }],
    ['read an account', () => ['GET', `/api/v1/accounts/${demo.accountId}`], { none: 401, drafterB: 403, drafterA: 200, ownerA: 200, publicity: 200 }],
    // What a pass code vouches for is the registry's to change; the unit corrects its own application, and names its own people.
    ['change a registered account\'s URL', () => ['PATCH', `/api/v1/accounts/${demo.accountId}`, { url: 'https://example.edu.cn/x' }], { none: 401, drafterB: 403, drafterA: 403, ownerA: 403, publicity: 200 }],
    ['change a registered account\'s owner', () => ['PATCH', `/api/v1/accounts/${demo.accountId}`, { ownerId: demo.people.publicity_officer }], { none: 401, drafterB: 403, ownerA: 200 }],
    ['correct an application', () => ['PATCH', `/api/v1/accounts/${pendingId}`, { url: 'https://example.edu.cn/applied' }], { drafterB: 403, drafterA: 200, publicity: 200 }],
    ['approve a registration', () => ['POST', `/api/v1/accounts/${pendingId}/approve`], { none: 401, drafterA: 403, ownerA: 403, drafterB: 403, publicity: 200 }],
    ['suspend', () => ['POST', `/api/v1/accounts/${demo.accountId}/suspend`, { reason: 'r' }], { drafterA: 403, ownerA: 403 }],
    ['export the registry', () => ['GET', '/api/v1/exports/accounts.csv'], { none: 401, drafterA: 403, ownerA: 403, publicity: 200, admin: 200 }],
    ['set the dormancy period', () => ['PUT', '/api/v1/settings/dormancy', { days: 120 }], { none: 401, ownerA: 403, publicity: 200 }],
    ['open a campaign', () => ['POST', '/api/v1/inspections/campaigns', { year: 2031, deadline: '2031-03-31T23:59:59+08:00' }], { none: 401, drafterA: 403, ownerA: 403 }],
    ['list campaigns', () => ['GET', '/api/v1/inspections/campaigns'], { none: 401, ownerA: 403, publicity: 200 }],
    ['read an inspection of another unit', () => ['GET', `/api/v1/inspections/${inspectionId}`], { none: 401, drafterA: 403, ownerA: 403, publicity: 200 }],
    ['self-report for another unit', () => ['POST', `/api/v1/inspections/${inspectionId}/self-report`, { updateFrequency: '每周' }], { drafterA: 403, ownerA: 403, publicity: 403 }],
    ['grade', () => ['POST', `/api/v1/inspections/${inspectionId}/grade`, { result: 'pass' }], { none: 401, drafterA: 403, ownerA: 403, drafterB: 403 }],
    ['record an interview', () => ['POST', `/api/v1/inspections/${inspectionId}/interviews`, { heldAt: '2026-01-01T10:00:00+08:00', attendees: ['某某'], notes: '约谈' }], { ownerA: 403, drafterB: 403 }],
    ['issue a code', () => ['POST', `/api/v1/inspections/${inspectionId}/code`], { none: 401, ownerA: 403, drafterB: 403 }],
    ['revoke a code', () => ['POST', `/api/v1/codes/${other.inspectionCode}/revoke`, { reason: 'r' }], { none: 401, drafterA: 403, ownerA: 403, drafterB: 403 }],
  ];

  itChecksAccess(() => t, token, cases);

  it('malformed ids and bodies are 400s naming the field', async () => {
    const badId = await get('/api/v1/accounts/not-a-uuid', demo.tokens.publicity);
    expect(badId.status).toBe(400);
    expect(badId.body.error.message).toContain('id');
    const extra = await post(`/api/v1/accounts/${pendingId}/suspend`, demo.tokens.publicity, { reason: 'x', force: true });
    expect(extra.status).toBe(400);
    const broken = await t.request('POST', '/api/v1/accounts', { token: demo.tokens.drafter, raw: '{"name":' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');
  });
});

describe('the contract', () => {
  it('describes every registry, inspection and verification route in /openapi.json', async () => {
    const doc = await get('/openapi.json');
    expect(doc.status).toBe(200);
    const paths = Object.keys(doc.body.paths);
    for (const path of ['/api/v1/accounts', '/api/v1/accounts/{id}', '/api/v1/accounts/{id}/approve', '/api/v1/accounts/{id}/shut-down', '/api/v1/exports/accounts.csv',
      '/api/v1/inspections/campaigns', '/api/v1/inspections/{id}/self-report', '/api/v1/inspections/{id}/grade', '/api/v1/inspections/{id}/interviews',
      '/api/v1/inspections/{id}/code', '/api/v1/codes/{code}/revoke', '/api/v1/exports/campaigns/{id}/results.csv', '/api/v1/verify/{code}']) {
      expect(paths, path).toContain(path);
    }
    expect(doc.body.paths['/api/v1/verify/{code}'].get.security).toEqual([]); // public, said explicitly
    expect(doc.body.paths['/api/v1/inspections/{id}/grade'].post.security).toEqual([{ bearerAuth: [] }]);
  });
});
