import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cstYear } from '../src/domain/cst';
import { ALL_TICKED, LEVELS, createTestEnv, type TestEnv } from './harness';
import { DAY_HOURS, newPerson, registered, sweep, type Demo } from './registry-fixtures';

/**
 * One year of annual inspection (年度检查) on a moving clock: the campaign, prefilled self-reports,
 * reminders through the sweep and the outbox, grading with its refusals, 约谈, rectification and
 * re-inspection, escalation, the campaign's close, code expiry, the results export and dormancy.
 */
let t: TestEnv;
let demo: Demo;
let year: number;
let campaign: { id: string; deadline: string; graceUntil: string };
let keeper: { id: string; token: string };
let deputy: { id: string; token: string };
const ids: Record<'b' | 'c' | 'd' | 'late', { account: string; inspection: string }> = {} as never;
const accountNames: Record<string, string> = {};
/** Messages name the account in their subject; this finds the ones about one account. */
const campaignName = (accountId: string) => accountNames[accountId]!;

const post = (path: string, token: string | undefined, body?: unknown) => t.request('POST', path, { token, body });
const get = (path: string, token?: string) => t.request('GET', path, { token });
const until = (iso: string, hoursAfter: number) => { t.clock.now = new Date(new Date(iso).getTime() + hoursAfter * 3600_000); };

beforeAll(async () => {
  t = await createTestEnv('postgres');
  // Mid-year: the demo's campaign closes 30 days after seeding, and in December that would fall in
  // the next year, where an account registered late belongs to another year's inspection.
  t.clock.now = new Date('2026-06-15T02:00:00Z');
  demo = await t.seed();
  year = cstYear(t.clock.now);
  keeper = await newPerson(t, demo, '钱运营');
  deputy = await newPerson(t, demo, '孙管理');
  for (const key of ['b', 'c', 'd'] as const) {
    const account = await registered(t, demo, key === 'c' ? { ownerId: keeper.id, adminIds: [keeper.id, deputy.id] } : {});
    ids[key] = { account: account.id, inspection: account.inspections[0].id };
    accountNames[account.id] = account.name;
  }
  const campaigns = await get('/api/v1/inspections/campaigns', demo.tokens.publicity);
  campaign = (await get(`/api/v1/inspections/campaigns/${campaigns.body.items[0].id}`, demo.tokens.publicity)).body;
});
afterAll(() => t?.close());

describe('the campaign', () => {
  it('has one inspection per registered account, and one campaign per year', async () => {
    const view = await get(`/api/v1/inspections/campaigns/${campaign.id}`, demo.tokens.publicity);
    expect(view.body.year).toBe(year);
    expect(view.body.inspections.map((i: any) => i.accountId).sort()).toEqual([demo.accountId, ids.b.account, ids.c.account, ids.d.account].sort());
    const dup = await post('/api/v1/inspections/campaigns', demo.tokens.publicity, { year, deadline: '2099-01-01T00:00:00+08:00' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.details.field).toBe('year');
    const backwards = await post('/api/v1/inspections/campaigns', demo.tokens.publicity, { year: year + 3, deadline: '2099-03-01T00:00:00+08:00', graceUntil: '2099-02-01T00:00:00+08:00' });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toContain('graceUntil');
    const noDeadline = await post('/api/v1/inspections/campaigns', demo.tokens.publicity, { year: year + 3 });
    expect(noDeadline.status).toBe(400);
    expect(noDeadline.body.error.message).toContain('deadline');
  });

  it('refuses a deadline already past, which would close the campaign and expire the codes at once', async () => {
    const before = (await get('/api/v1/inspections/campaigns', demo.tokens.publicity)).body.items.length;
    const past = new Date(t.clock.now.getTime() - 3600_000).toISOString();
    const slip = await post('/api/v1/inspections/campaigns', demo.tokens.publicity, { year: year + 4, deadline: past });
    expect(slip.status).toBe(400);
    expect(slip.body.error.code).toBe('validation_failed');
    expect(slip.body.error.details).toEqual([expect.objectContaining({ path: 'deadline' })]);
    expect(slip.body.error.message).toContain('deadline');
    expect(slip.body.error.details[0].message).toContain('自查截止时间须晚于当前时间');
    // Even with a grace period still ahead: the deadline itself is the slip.
    const withGrace = await post('/api/v1/inspections/campaigns', demo.tokens.publicity, { year: year + 4, deadline: past, graceUntil: '2099-01-01T00:00:00+08:00' });
    expect(withGrace.status).toBe(400);
    expect((await get('/api/v1/inspections/campaigns', demo.tokens.publicity)).body.items.length).toBe(before);
    expect((await get(`/api/v1/verify/${demo.inspectionCode}`, demo.tokens.publicity)).body.status).toBe('valid');
  });

  it('tells each account’s owner and administrators that it opened', async () => {
    const sent = (await t.deliver()).filter((m) => m.kind === 'inspection' && m.subject.includes(campaignName(ids.c.account)));
    expect(sent.map((m) => m.to.personId).sort()).toEqual([keeper.id, deputy.id].sort());
    expect(sent[0]!.text).toContain(`${year} 年度`);
    // The link leads to a page (the inspection's, with the self-report form), never to the API.
    expect(sent[0]!.text).toContain(`http://imprimatur.test/inspections/${ids.c.inspection}`);
    expect(sent[0]!.text).not.toContain('/api/');
  });
});

describe('the self-report', () => {
  it('is prefilled from this system’s own sign-off records', async () => {
    const draft = await post('/api/v1/drafts', demo.tokens.drafter, { title: '年检前发布', body: '正文', unitId: demo.unitId, accountIds: [ids.b.account] });
    expect((await post(`/api/v1/drafts/${draft.body.id}/submit`, demo.tokens.drafter)).status).toBe(200);
    for (const level of LEVELS) expect((await post(`/api/v1/signoff/${await t.linkFor(demo.people[level]!)}`, undefined, { decision: 'approve', checklist: ALL_TICKED })).status).toBe(200);

    const before = await get(`/api/v1/inspections/${ids.b.inspection}`, demo.tokens.publicity_officer);
    expect(before.status, before.text).toBe(200);
    expect(before.body.prefill).toMatchObject({ team: { admins: 1, commentators: 1 }, commentatorPresent: true, reviewCompliance: { approvedDrafts: 1, lastApprovedAt: t.clock.now.toISOString() } });

    const bad = await post(`/api/v1/inspections/${ids.b.inspection}/self-report`, demo.tokens.publicity_officer, { updateFrequency: '每周', incidents: [{ kind: 'gossip', description: 'x' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('incidents.0.kind');

    const filed = await post(`/api/v1/inspections/${ids.b.inspection}/self-report`, demo.tokens.publicity_officer, { updateFrequency: '每周 3 次', team: { operators: 2 } });
    expect(filed.status, filed.text).toBe(200);
    expect(filed.body).toMatchObject({
      status: 'self_reported',
      selfReport: { updateFrequency: '每周 3 次', team: { admins: 1, operators: 2, commentators: 1 }, commentatorPresent: true, reviewCompliance: { approvedDrafts: 1, unreviewedPublications: 0 } },
    });
  });

  it('the owners who have not filed are reminded 7 days and 1 day before the deadline, once each, even with two sweepers', async () => {
    await t.deliver();
    until(campaign.deadline, -7 * DAY_HOURS - 1);
    await sweep(t);
    expect((await t.deliver()).filter((m) => m.kind === 'inspection_reminder')).toEqual([]);

    until(campaign.deadline, -7 * DAY_HOURS + 1);
    const counts = await sweep(t);
    expect(counts['inspection-self-report-reminders']).toBe(2); // c and d; b has filed, the demo account has passed
    const first = (await t.deliver()).filter((m) => m.kind === 'inspection_reminder');
    const toKeepers = first.filter((m) => m.subject.includes(campaignName(ids.c.account)));
    expect(toKeepers.map((m) => m.to.personId).sort()).toEqual([keeper.id, deputy.id].sort());
    expect(first.some((m) => m.subject.includes(campaignName(ids.b.account)))).toBe(false);
    expect(toKeepers[0]!.subject).toContain('年检提醒');
    expect(toKeepers[0]!.text).toContain('Reminder');

    expect((await sweep(t))['inspection-self-report-reminders']).toBe(0);
    expect(await t.deliver()).toEqual([]);

    until(campaign.deadline, -1 * DAY_HOURS + 1);
    const both = await Promise.all([sweep(t), sweep(t)]);
    expect(both.map((c) => c['inspection-self-report-reminders'] ?? 0).reduce((a, b) => a + b)).toBe(2);
    const second = (await t.deliver()).filter((m) => m.kind === 'inspection_reminder' && m.subject.includes(campaignName(ids.c.account)));
    expect(second.map((m) => m.to.personId).sort()).toEqual([keeper.id, deputy.id].sort());
  });

  it('past the deadline the publicity department is told, once; an account registered after the deadline has not missed it', async () => {
    until(campaign.deadline, 1);
    const late = await registered(t, demo);
    ids.late = { account: late.id, inspection: late.inspections[0].id };
    accountNames[late.id] = late.name;
    expect(late).toMatchObject({ publishable: true, inspections: [{ year, status: 'open' }] }); // within the grace period
    await sweep(t);
    const overdue = (await t.deliver()).filter((m) => m.kind === 'inspection_overdue' && m.subject.includes(campaignName(ids.c.account)));
    expect(overdue.map((m) => m.to.personId)).toEqual(expect.arrayContaining([demo.people.publicity, demo.people.admin, keeper.id]));
    expect(overdue[0]!.subject).toContain('年检逾期');
    const all = (await t.runtime.database.db.query.inspections.findMany()).filter((i) => i.overdueNotifiedAt);
    expect(all.map((i) => i.id).sort()).toEqual([ids.c.inspection, ids.d.inspection].sort());
    await sweep(t);
    expect((await t.deliver()).filter((m) => m.kind === 'inspection_overdue')).toEqual([]);
  });
});

describe('grading', () => {
  const grade = (id: string, body: unknown, token = demo.tokens.publicity) => post(`/api/v1/inspections/${id}/grade`, token, body);
  const inFuture = (days: number) => new Date(t.clock.now.getTime() + days * DAY_HOURS * 3600_000).toISOString();

  it('refuses a grade that contradicts its findings, naming the field', async () => {
    expect((await grade(ids.b.inspection, { result: 'pass' }, demo.tokens.publicity_officer)).status).toBe(403);
    const past = await grade(ids.b.inspection, { result: 'rectify', findings: '评论区管理不到位', rectifyDeadline: new Date(t.clock.now.getTime() - 1000).toISOString() });
    expect(past.body.error.details.fields[0]).toMatchObject({ path: 'rectifyDeadline', code: 'deadline_past' });
    // Not a pass: what was found is said (seed 004 第四条(四)), for rectify and fail alike.
    for (const result of ['rectify', 'fail']) {
      const bare = await grade(ids.b.inspection, { result });
      expect(bare.status).toBe(400);
      expect(bare.body.error.details.fields[0]).toMatchObject({ path: 'findings', code: 'findings_required' });
      expect(bare.body.error.message).toContain('须写明存在的问题');
    }
    const autoFail = await grade(ids.b.inspection, { result: 'pass', autoFailItems: ['rumour'] });
    expect(autoFail.status).toBe(400);
    expect(autoFail.body.error.details.fields[0]).toMatchObject({ path: 'result', code: 'auto_fail', items: ['rumour'] });
    expect(autoFail.body.error.message).toContain('传播谣言');
    const action = await grade(ids.b.inspection, { result: 'pass', accountAction: 'shut_down' });
    expect(action.status).toBe(400);
    expect(action.body.error.message).toContain('accountAction');
    expect((await get(`/api/v1/inspections/${ids.b.inspection}`, demo.tokens.publicity)).body).toMatchObject({ status: 'self_reported', gradings: [] });
  });

  it('an automatic-fail item the owner declared fails the inspection whatever the grader says', async () => {
    const filed = await post(`/api/v1/inspections/${ids.d.inspection}/self-report`, demo.tokens.publicity_officer, {
      updateFrequency: '每月', incidents: [{ kind: 'rumour', description: '转发未经核实的消息', at: `${year}-03-01` }],
    });
    expect(filed.status, filed.text).toBe(200);
    const pass = await grade(ids.d.inspection, { result: 'pass' });
    expect(pass.status).toBe(400);
    expect(pass.body.error.details.fields[0]).toMatchObject({ code: 'auto_fail', items: ['rumour'] });
    const fail = await grade(ids.d.inspection, { result: 'fail', findings: '传播不实信息' });
    expect(fail.status, fail.text).toBe(200);
    expect(fail.body).toMatchObject({ status: 'failed', result: 'fail', autoFailItems: ['rumour'], accountStatus: 'suspended', code: null });
    const again = await grade(ids.d.inspection, { result: 'pass' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('inspection_transition');
  });

  it('fail with shut_down closes the account; the owners hear the result', async () => {
    await t.deliver();
    const res = await grade(ids.c.inspection, { result: 'fail', autoFailItems: ['leak'], findings: '发布涉密信息', accountAction: 'shut_down' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ accountStatus: 'shut_down', autoFailItems: ['leak'] });
    const told = (await t.deliver()).filter((m) => m.kind === 'inspection_result');
    expect(told.map((m) => m.to.personId).sort()).toEqual([keeper.id, deputy.id].sort());
    expect(told[0]!.text).toContain('不合格');
    expect(told[0]!.text).toContain('泄密');
  });

  it('rectify → 约谈 → overdue: suspended and escalated → re-inspection → pass with a code', async () => {
    const deadline = inFuture(10);
    const rectify = await grade(ids.b.inspection, {
      result: 'rectify', findings: '评论区管理不到位', rectifyDeadline: deadline,
      interview: { heldAt: t.clock.now.toISOString(), attendees: ['陈书记', '赵宣传员'], notes: '约谈账号负责人，明确整改要求' },
    });
    expect(rectify.status, rectify.text).toBe(200);
    expect(rectify.body).toMatchObject({ status: 'rectifying', accountStatus: 'rectifying', rectifyDeadline: new Date(deadline).toISOString(), interviews: [{ attendees: ['陈书记', '赵宣传员'] }] });
    const account = await get(`/api/v1/accounts/${ids.b.account}`, demo.tokens.publicity_officer);
    expect(account.body).toMatchObject({ status: 'rectifying', publishable: false, publishBlock: 'rectifying' });

    // Recorded once held: not dated ahead.
    const ahead = await post(`/api/v1/inspections/${ids.b.inspection}/interviews`, demo.tokens.publicity, { heldAt: inFuture(1), attendees: ['张副院长'], notes: '复谈' });
    expect(ahead.status).toBe(400);
    expect(ahead.body.error.details[0]).toMatchObject({ path: 'heldAt' });
    const interview = await post(`/api/v1/inspections/${ids.b.inspection}/interviews`, demo.tokens.publicity, { heldAt: t.clock.now.toISOString(), attendees: ['张副院长'], notes: '复谈' });
    expect(interview.status, interview.text).toBe(201);
    expect(interview.body.interviews).toHaveLength(2);
    const emptyAttendees = await post(`/api/v1/inspections/${ids.b.inspection}/interviews`, demo.tokens.publicity, { heldAt: inFuture(1), attendees: [], notes: 'x' });
    expect(emptyAttendees.status).toBe(400);
    expect(emptyAttendees.body.error.message).toContain('attendees');

    await t.deliver();
    until(deadline, 1);
    expect((await sweep(t))['inspection-rectification-overdue']).toBe(1);
    const escalated = (await t.deliver()).filter((m) => m.kind === 'inspection_overdue');
    expect(escalated.map((m) => m.to.personId)).toEqual(expect.arrayContaining([demo.people.publicity, demo.people.admin]));
    expect(escalated[0]!.subject).toContain('整改逾期');
    // 逾期未整改: the account is suspended until a re-inspection passes.
    const lapsed = await get(`/api/v1/accounts/${ids.b.account}`, demo.tokens.publicity);
    expect(lapsed.body).toMatchObject({ status: 'suspended', publishable: false });
    expect(lapsed.body.events.at(-1)).toMatchObject({ type: 'suspend', actorId: null, from: 'rectifying', to: 'suspended' });
    expect((await sweep(t))['inspection-rectification-overdue']).toBe(0);

    // 复查: the owner reports again; the grader passes it; the account is reinstated with the year's code.
    const report = await post(`/api/v1/inspections/${ids.b.inspection}/self-report`, demo.tokens.publicity_officer, { updateFrequency: '每周', notes: '已完成整改' });
    expect(report.status, report.text).toBe(200);
    t.clock.advance(1);
    const pass = await grade(ids.b.inspection, { result: 'pass', findings: '整改到位' });
    expect(pass.status, pass.text).toBe(200);
    expect(pass.body).toMatchObject({ status: 'passed', accountStatus: 'registered', code: { status: 'valid' }, rectifyDeadline: null });
    expect(pass.body.gradings.find((g: { result: string }) => g.result === 'rectify').rectifyDeadline).toBe(new Date(deadline).toISOString());
    expect(pass.body.code.code).toMatch(new RegExp(`^SJ-${year}-WX-\\d{4}-[0-9A-Z*]$`));
    expect(pass.body.gradings.map((g: any) => g.result)).toEqual(['rectify', 'pass']);
    const after = await get(`/api/v1/accounts/${ids.b.account}`, demo.tokens.publicity_officer);
    expect(after.body).toMatchObject({ status: 'registered', inspectionCode: pass.body.code.code, inspectionCodeYear: year, publishable: true });
  });
});

describe('results, closing and expiry', () => {
  it('exports the campaign’s results as CSV with a BOM and Chinese intact', async () => {
    const res = await t.runtime.app.request(`/api/v1/exports/campaigns/${campaign.id}/results.csv`, { headers: { authorization: `Bearer ${demo.tokens.publicity}` } });
    expect(res.status).toBe(200);
    // Read as bytes: Response.text() would silently drop the BOM this test is about.
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: string[][] = parse(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), { bom: true });
    expect(rows[0]).toEqual(['年度 Year', '登记编号 Registration no.', '账号名称 Name', '平台 Platform', '主办单位 Unit', '负责人 Owner', '年检状态 Inspection status', '评定结论 Result', '一票否决项 Automatic-fail items', '检查发现 Findings', '自查提交 Self-reported', '评定日期 Graded', '整改期限 Rectify by', '审查合格编码 Pass code', '编码状态 Code status']);
    expect(rows).toHaveLength(6);
    const byName = (id: string) => rows.find((r) => r[2] === campaignName(id))!;
    expect(byName(ids.c.account).slice(6, 10)).toEqual(['不合格', '不合格', '泄密', '发布涉密信息']);
    expect(byName(ids.b.account)[7]).toBe('合格');
    expect(byName(ids.b.account)[13]).toMatch(/^SJ-/);
    expect(byName(ids.b.account)[14]).toBe('有效');
    expect(rows.every((r, i) => i === 0 || r[0] === String(year))).toBe(true);
    expect((await get(`/api/v1/exports/campaigns/${campaign.id}/results.csv`, demo.tokens.publicity_officer)).status).toBe(403);
    expect((await get('/api/v1/exports/campaigns/00000000-0000-4000-8000-000000000000/results.csv', demo.tokens.publicity)).status).toBe(404);
  });

  it('the sweep closes the campaign at the end of its grace period; next year’s close expires this year’s codes', async () => {
    until(campaign.graceUntil, 1);
    expect((await sweep(t))['inspection-campaign-close']).toBe(1);
    expect((await sweep(t))['inspection-campaign-close']).toBe(0);
    expect((await get(`/api/v1/inspections/campaigns/${campaign.id}`, demo.tokens.publicity)).body.closedAt).toBe(t.clock.now.toISOString());
    const demoCode = (await get(`/api/v1/accounts/${demo.accountId}`, demo.tokens.publicity)).body.inspectionCode;
    expect((await get(`/api/v1/verify/${demoCode}`)).body).toMatchObject({ valid: true, status: 'valid' });

    const next = await post('/api/v1/inspections/campaigns', demo.tokens.publicity, { year: year + 1, deadline: new Date(t.clock.now.getTime() + 30 * DAY_HOURS * 3600_000).toISOString() });
    expect(next.status, next.text).toBe(201);
    // The shut-down account is not inspected; the suspended one is.
    expect(next.body.inspections.map((i: any) => i.accountId).sort()).toEqual([demo.accountId, ids.b.account, ids.d.account, ids.late.account].sort());
    // Under next year's inspection the account may still publish on this year's code.
    expect((await get(`/api/v1/accounts/${demo.accountId}`, demo.tokens.publicity)).body.publishable).toBe(true);

    // Not before its self-reports are due: closing would end this year's codes for everyone still reporting.
    const early = await post(`/api/v1/inspections/campaigns/${next.body.id}/close`, demo.tokens.publicity);
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/^自查截止时间 \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d（北京时间） 之前不能结束年检/);
    expect((await get(`/api/v1/verify/${demoCode}`)).body).toMatchObject({ valid: true, status: 'valid' });
    t.clock.now = new Date(next.body.deadline);
    const closed = await post(`/api/v1/inspections/campaigns/${next.body.id}/close`, demo.tokens.publicity);
    expect(closed.status, closed.text).toBe(200);
    const verify = await get(`/api/v1/verify/${demoCode}`);
    expect(verify.body).toMatchObject({ valid: false, status: 'expired', expiredAt: t.clock.now.toISOString(), year });
    expect((await get(`/api/v1/accounts/${demo.accountId}`, demo.tokens.publicity)).body).toMatchObject({ publishable: false, publishBlock: 'no_valid_code', inspectionCodeStatus: 'expired' });
    expect((await post(`/api/v1/inspections/campaigns/${next.body.id}/close`, demo.tokens.publicity)).status).toBe(409);
  });

  it('an account registered after its year’s campaign closed joins it, reports late and earns a code', async () => {
    const account = await registered(t, demo);
    const thisYear = cstYear(t.clock.now);
    expect(account).toMatchObject({ publishable: false, publishBlock: 'no_valid_code', inspections: [{ year: thisYear, status: 'open' }] });
    const inspectionId = account.inspections[0].id;
    // A bare report: everything is prefilled; a field this version does not know is ignored.
    const report = await post(`/api/v1/inspections/${inspectionId}/self-report`, demo.tokens.publicity_officer, { summary: '无异常' });
    expect(report.status, report.text).toBe(200);
    expect(report.body.selfReport).toMatchObject({ updateFrequency: expect.stringContaining('本年度经审核发布 0 篇'), commentatorPresent: true, incidents: [] });
    expect(report.body.selfReport).not.toHaveProperty('summary');
    const pass = await post(`/api/v1/inspections/${inspectionId}/grade`, demo.tokens.publicity, { result: 'pass' });
    expect(pass.body.code).toMatchObject({ status: 'valid', code: expect.stringMatching(new RegExp(`^SJ-${thisYear}-WX-`)) });
    expect((await get(`/api/v1/accounts/${account.id}`, demo.tokens.publicity)).body).toMatchObject({ publishable: true, inspectionCodeYear: thisYear });
  });
});

describe('dormancy', () => {
  it('flags accounts with nothing approved in the configured days, once, and tells their owners', async () => {
    expect((await t.request('PUT', '/api/v1/settings/dormancy', { token: demo.tokens.publicity, body: { days: 0 } })).status).toBe(400);
    expect((await t.request('PUT', '/api/v1/settings/dormancy', { token: demo.tokens.publicity, body: { days: 30 } })).body).toEqual({ dormancyDays: 30 });
    await t.deliver();
    const flagged = (await sweep(t))['account-dormancy'];
    expect(flagged).toBeGreaterThanOrEqual(2);
    expect((await sweep(t))['account-dormancy']).toBe(0);
    const dormant = await get('/api/v1/accounts?dormant=true', demo.tokens.publicity);
    expect(dormant.body.items.map((a: any) => a.id)).toEqual(expect.arrayContaining([demo.accountId, ids.b.account]));
    expect(dormant.body.items.every((a: any) => a.dormantSince === t.clock.now.toISOString())).toBe(true);
    const told = (await t.deliver()).filter((m) => m.kind === 'account_dormant');
    expect(told.some((m) => m.to.personId === demo.people.publicity_officer && m.subject.includes('30 天'))).toBe(true);
  });
});

describe('grading with only a result', () => {
  it('rectify without a named deadline gives thirty days', async () => {
    const account = await registered(t, demo);
    const inspectionId = account.inspections[0].id;
    const res = await post(`/api/v1/inspections/${inspectionId}/grade`, demo.tokens.publicity, { result: 'rectify', findings: '更新不及时' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'rectifying', accountStatus: 'rectifying', rectifyDeadline: new Date(t.clock.now.getTime() + 30 * 86_400_000).toISOString() });
    expect(res.body.gradings.at(-1)).toMatchObject({ result: 'rectify', rectifyDeadline: res.body.rectifyDeadline });
  });

  it('two graders at once, each naming the status they saw: one grade is taken, the other is a 409 rather than a re-grade', async () => {
    const inspectionId = (await registered(t, demo)).inspections[0].id;
    const [a, b] = await Promise.all([
      post(`/api/v1/inspections/${inspectionId}/grade`, demo.tokens.publicity, { result: 'rectify', findings: '更新不及时', expectedStatus: 'open' }),
      post(`/api/v1/inspections/${inspectionId}/grade`, demo.tokens.publicity, { result: 'fail', findings: '长期未审先发', expectedStatus: 'open' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const refused = a.status === 409 ? a : b;
    expect(refused.body.error.details).toMatchObject({ field: 'expectedStatus' });
    expect(refused.body.error.message).toContain('有人刚刚评定');
    expect((await get(`/api/v1/inspections/${inspectionId}`, demo.tokens.publicity)).body.gradings).toHaveLength(1);
  });
});
