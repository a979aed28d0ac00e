import { parse } from 'csv-parse/sync';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, dutyObligations } from '../db/schema';
import { DEFAULT_DUTY_TEMPLATES } from '../src/domain/duty-defaults';
import { verifyAuditChain } from '../src/services/audit';
import { createPeriodObligations, runDutyReminders } from '../src/services/duties';
import { createTestEnv, type TestEnv } from './harness';
import { itChecksAccess } from './support/access';
import { DOCUMENTED_RECURRENCES, expectAsNeeded, migrateLegacyAsNeeded } from './support/as-needed';
import { pdf } from './support/fixtures';
import type { Demo } from './registry-fixtures';

/**
 * The responsibility system's recurring duties over HTTP, on a moving clock across the end of Q3
 * 2026 and the National Day holiday: obligations appear for each unit, reminders and escalation
 * fire on working days and never mark anything done, a submission is returned, resubmitted and
 * accepted, the board shows done / late / missing, and every route checks role and unit.
 */
let t: TestEnv;
let a: Demo;
let b: Demo;
const cst = (local: string) => new Date(`${local}+08:00`);
const TITLE = '国庆节前后网络舆情专报';
let templateId: string;

beforeAll(async () => {
  t = await createTestEnv('postgres');
  t.clock.now = cst('2026-09-21T09:00:00');
  a = await t.seed();
  b = await t.seed();
  await t.deliver();
});
afterAll(() => t?.close());

const get = (path: string, token?: string) => t.request('GET', path, { token });
const post = (path: string, token: string | undefined, body?: unknown) => t.request('POST', path, { token, body });

/** Both duty sweeps at `at`, then what they sent about the test's duty. */
async function sweepAt(at: string, title = TITLE) {
  t.clock.now = cst(at);
  await createPeriodObligations(t.runtime.database.db, t.runtime.deps, t.clock.now);
  await runDutyReminders(t.runtime.database.db, t.runtime.deps, t.clock.now);
  return (await t.deliver()).filter((m) => m.subject.includes(title));
}

async function submit(id: string, token: string | undefined, files: { bytes: Uint8Array | string; name: string; type?: string }[], note?: string) {
  const form = new FormData();
  for (const f of files) form.append('files', new File([typeof f.bytes === 'string' ? f.bytes : (f.bytes as Uint8Array<ArrayBuffer>)], f.name, { type: f.type ?? '' }));
  if (note !== undefined) form.append('note', note);
  const res = await t.runtime.app.request(`/api/v1/duties/${id}/submissions`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), text };
}

async function obligationOf(unitId: string, period: string, title = TITLE) {
  const res = await get(`/api/v1/duties?unitId=${unitId}&period=${period}`, a.tokens.publicity);
  expect(res.status, res.text).toBe(200);
  return (res.body.items as { id: string; title: string; status: string; standing: string; dueAt: string; dueDay: string }[]).find((o) => o.title === title)!;
}

describe('templates', () => {
  it('the seeds’ duties ship as the default templates, in Chinese, with their schedules', async () => {
    const res = await get('/api/v1/duties/templates', b.tokens.drafter);
    expect(res.status, res.text).toBe(200);
    const byTitle = new Map((res.body.items as { title: string }[]).map((x) => [x.title, x]));
    // Seed 002's annex (项目名称 · 时间安排) and seed 004's articles.
    expect(byTitle.get('舆情研判')).toMatchObject({ recurrence: 'quarterly', evidence: ['report'], key: 'seed002.yuqing-yanpan', dueRule: { from: 'period_end', days: 15, roll: 'next_working_day' } });
    expect(byTitle.get('党委会议专题研究意识形态工作')).toMatchObject({ recurrence: 'half_yearly', evidence: ['minutes'], responsible: 'secretary' });
    expect(byTitle.get('检查督导')).toMatchObject({ recurrence: 'yearly' });
    // 适时上报: `dates` with no dates (no periods), and the rule says so.
    expect(byTitle.get('情况通报')).toMatchObject({ recurrence: 'dates', dates: [], dueRuleText: { zh: '适时上报（无固定日期，不按期生成职责事项）' } });
    for (const x of res.body.items as { title: string; recurrence: string }[]) expect(DOCUMENTED_RECURRENCES, x.title).toContain(x.recurrence);
    expect(byTitle.get('网络意识形态领域重要情况季度报告')).toMatchObject({ recurrence: 'quarterly', reviewer: 'publicity' });
    expect(byTitle.get('网络意识形态研判报告和工作情况')).toMatchObject({ recurrence: 'half_yearly' });
    expect(res.body.items).toHaveLength(DEFAULT_DUTY_TEMPLATES.length);
    expect((byTitle.get('舆情研判') as unknown as { source: string }).source).toContain('每季度一次');
    expect((byTitle.get('舆情研判') as unknown as { dueRuleText: { zh: string } }).dueRuleText.zh).toBe('季度结束后 15 天内（遇节假日顺延至下一个工作日）');
  });

  it('the publicity department adds one (due the day after the quarter ends: 1 October, the holiday, moves it to 8 October)', async () => {
    const res = await post('/api/v1/duties/templates', a.tokens.publicity, {
      title: TITLE, content: '节日期间网络舆情研判，报党委宣传部。', responsible: 'publicity_officer', recurrence: 'quarterly',
      dueRule: { from: 'period_end', days: 1, unit: 'calendar_days', roll: 'next_working_day' }, evidence: ['report'],
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ title: TITLE, reviewer: 'publicity', scope: { units: 'all' }, active: true, key: null });
    templateId = res.body.id;
  });
});

describe('a quarter on a moving clock', () => {
  let oa: Awaited<ReturnType<typeof obligationOf>>;
  let ob: Awaited<ReturnType<typeof obligationOf>>;

  it('the sweep creates this period’s obligation for each unit and tells the responsible holder', async () => {
    const sent = await sweepAt('2026-09-21T09:01:00');
    oa = await obligationOf(a.unitId, '2026-Q3');
    ob = await obligationOf(b.unitId, '2026-Q3');
    for (const o of [oa, ob]) expect(o).toMatchObject({ status: 'open', standing: 'pending', dueDay: '2026-10-08', dueAt: '2026-10-08T15:59:59.999Z' });
    expect(sent.map((m) => [m.kind, m.to.personId]).sort()).toEqual([['duty_assigned', a.people.publicity_officer], ['duty_assigned', b.people.publicity_officer]].sort());
    expect(sent[0]!.text).toContain('北京时间');
    expect(sent[0]!.link).toBeUndefined();
    // Idempotent: a second pass creates nothing more.
    expect(await createPeriodObligations(t.runtime.database.db, t.runtime.deps, t.clock.now)).toBe(0);
    // The default duties have their Q3 obligations too, due 15 October.
    expect(await obligationOf(a.unitId, '2026-Q3', '舆情研判')).toMatchObject({ dueDay: '2026-10-15', status: 'open' });
    expect((await obligationOf(a.unitId, '2026', '检查督导')).dueDay).toBe('2027-01-15');
  });

  it('reminds 5 and 1 working days before the due day, at 08:30, skipping 中秋 and 国庆', async () => {
    expect(await sweepAt('2026-09-23T08:29:00')).toEqual([]);
    const first = await sweepAt('2026-09-23T08:30:00');
    expect(first.map((m) => [m.kind, m.to.personId]).sort()).toEqual([['duty_reminder', a.people.publicity_officer], ['duty_reminder', b.people.publicity_officer]].sort());
    expect(await sweepAt('2026-09-23T08:30:00'), 'sent once').toEqual([]);
  });

  it('unit A submits; the reviewer returns it with a comment; A resubmits and it is accepted', async () => {
    t.clock.now = cst('2026-09-24T10:00:00');
    const first = await submit(oa.id, a.tokens.publicity_officer, [{ bytes: pdf('report v1'), name: '三季度舆情专报.pdf', type: 'application/pdf' }], '初稿');
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ status: 'submitted', standing: 'in_review', submissions: [{ round: 1, note: '初稿', decision: null }] });
    // On the board: A's is in review, B's not yet due.
    const board = (await get('/api/v1/duties?period=2026-Q3', a.tokens.publicity)).body.items as { unitId: string; title: string; standing: string }[];
    expect([a.unitId, b.unitId].map((u) => board.find((o) => o.unitId === u && o.title === TITLE)!.standing)).toEqual(['in_review', 'pending']);
    const toReviewers = (await t.deliver()).filter((m) => m.kind === 'duty_submitted');
    expect(toReviewers.map((m) => m.to.personId)).toEqual(expect.arrayContaining([a.people.publicity, b.people.publicity]));
    expect(toReviewers[0]!.text).toContain('初稿');

    const returned = await post(`/api/v1/duties/${oa.id}/return`, a.tokens.publicity, { comment: '请补充国庆期间的数据' });
    expect(returned.status, returned.text).toBe(200);
    expect(returned.body).toMatchObject({ status: 'returned', submissions: [{ decision: { decision: 'return', comment: '请补充国庆期间的数据' } }] });
    const told = (await t.deliver()).filter((m) => m.kind === 'duty_decided');
    expect(told.map((m) => m.to.personId)).toEqual([a.people.publicity_officer]);
    expect(told[0]!.text).toContain('请补充国庆期间的数据');

    t.clock.now = cst('2026-09-28T15:00:00');
    const again = await submit(oa.id, a.tokens.secretary, [{ bytes: pdf('report v2'), name: '三季度舆情专报（修改）.pdf' }], '已补充');
    expect(again.status, again.text).toBe(201);
    expect(again.body.submissions.map((s: { round: number }) => s.round)).toEqual([1, 2]);
    // Ten clicks on 通过: one acceptance.
    const clicks = await Promise.all(Array.from({ length: 10 }, () => post(`/api/v1/duties/${oa.id}/accept`, a.tokens.publicity, {})));
    expect(clicks.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(409)]);
    const view = await get(`/api/v1/duties/${oa.id}`, a.tokens.publicity_officer);
    expect(view.body).toMatchObject({ status: 'accepted', standing: 'done', allowedActions: [], submissions: [{ decision: { decision: 'return' } }, { decision: { decision: 'accept' } }] });
    // One click to the evidence.
    const file = await t.runtime.app.request(new URL(view.body.submissions[1].files[0].url).pathname, { headers: { authorization: `Bearer ${a.tokens.publicity}` } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toContain('attachment');
    expect(new TextDecoder().decode(await file.arrayBuffer())).toContain('report v2');
    const accepted = (await t.deliver()).filter((m) => m.kind === 'duty_decided');
    expect(accepted.map((m) => m.to.personId).sort()).toEqual([a.people.secretary, a.people.publicity_officer].sort());
    expect(accepted[0]!.subject).toContain('已通过');
  });

  it('the second reminder reaches only the unit that still owes; the Q4 obligations appear on 1 October', async () => {
    const second = await sweepAt('2026-09-30T08:30:00');
    expect(second.map((m) => [m.kind, m.to.personId])).toEqual([['duty_reminder', b.people.publicity_officer]]);
    await sweepAt('2026-10-01T00:05:00');
    expect(await obligationOf(a.unitId, '2026-Q4')).toMatchObject({ status: 'open', dueDay: '2027-01-04' }); // 1 Jan 2027 is 元旦 (1–3 Jan)
    expect(await obligationOf(b.unitId, '2026-Q4')).toMatchObject({ status: 'open' });
  });

  it('escalates after the due day on working days: the unit’s secretary and publicity officer, then the publicity department; never marks it done', async () => {
    expect(await sweepAt('2026-10-08T17:00:00'), 'the due day itself: nothing yet').toEqual([]);
    expect(await sweepAt('2026-10-09T08:29:00')).toEqual([]);
    const step1 = await sweepAt('2026-10-09T08:30:00');
    expect(step1.every((m) => m.kind === 'duty_escalated')).toBe(true);
    expect(step1.map((m) => m.to.personId).sort()).toEqual([b.people.publicity_officer, b.people.secretary].sort());
    expect(step1.find((m) => m.to.personId === b.people.secretary)!.text).toContain('不会代为提交');
    // 10 Oct is a make-up Saturday (国庆调休) and counts: the 5th working day after 8 Oct is 14 Oct.
    expect(await sweepAt('2026-10-13T12:00:00')).toEqual([]);
    const step2 = await sweepAt('2026-10-14T08:30:00');
    expect(step2.map((m) => m.to.personId)).toEqual(expect.arrayContaining([b.people.publicity_officer, a.people.publicity, b.people.publicity]));
    expect(step2.map((m) => m.to.personId)).not.toContain(b.people.secretary);
    expect(await sweepAt('2026-11-20T10:00:00')).toEqual([]);
    expect(await obligationOf(b.unitId, '2026-Q3')).toMatchObject({ status: 'open', standing: 'missing' });
  });

  it('the board shows done and missing, then late once B hands in after the due day', async () => {
    let board = await get('/api/v1/duties?period=2026-Q3', a.tokens.publicity);
    const standing = (unitId: string) => board.body.items.find((o: { unitId: string; title: string }) => o.unitId === unitId && o.title === TITLE).standing;
    expect([standing(a.unitId), standing(b.unitId)]).toEqual(['done', 'missing']);
    const late = await submit(ob.id, b.tokens.publicity_officer, [{ bytes: pdf('late'), name: '补交.pdf' }], '=HYPERLINK("http://evil.example","补交")');
    expect(late.status, late.text).toBe(201);
    // No body at all (the comment is optional).
    const ok = await t.request('POST', `/api/v1/duties/${ob.id}/accept`, { token: b.tokens.publicity });
    expect(ok.status, ok.text).toBe(200);
    board = await get('/api/v1/duties?period=2026', a.tokens.publicity);
    expect([standing(a.unitId), standing(b.unitId)]).toEqual(['done', 'late']);
  });

  it('the year’s export (CSV for the 年度目标责任考核) shows each state, formulas neutralized; publicity only', async () => {
    const res = await t.runtime.app.request('/api/v1/exports/duties.csv?year=2026', { headers: { authorization: `Bearer ${a.tokens.publicity}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM Excel needs for Chinese
    const rows = parse(new TextDecoder().decode(bytes), { columns: true }) as Record<string, string>[];
    const mine = rows.filter((r) => r['职责 Duty'] === TITLE && r['期间 Period'] === '2026-Q3');
    expect(mine.map((r) => [r['完成情况 Standing'], r['状态 Status'], r['退回次数 Returns']]).sort()).toEqual([['按时完成', '已通过', '1'], ['逾期完成', '已通过', '0']]);
    expect(rows.find((r) => r['完成情况 Standing'] === '逾期完成')!['提交说明 Note']).toBe(`'=HYPERLINK("http://evil.example","补交")`);
    expect(rows.some((r) => r['完成情况 Standing'] === '逾期未交' || r['完成情况 Standing'] === '未到期')).toBe(true);
    expect((await get('/api/v1/exports/duties.csv?year=2026', a.tokens.publicity_officer)).status).toBe(403);
    expect((await get('/api/v1/exports/duties.csv?year=1999', a.tokens.publicity)).status).toBe(400);
  });

  it('everything is on the audit chain', async () => {
    const trail = await t.runtime.database.db.select({ action: auditEvents.action, actorId: auditEvents.actorId }).from(auditEvents).where(eq(auditEvents.subjectId, oa.id)).orderBy(asc(auditEvents.seq));
    expect(trail.map((e) => e.action)).toEqual(['duty.obligation_created', 'duty.reminded', 'duty.submitted', 'duty.returned', 'duty.submitted', 'duty.accepted']);
    expect(trail[3]!.actorId).toBe(a.people.publicity);
    const [created] = await t.runtime.database.db.select({ action: auditEvents.action }).from(auditEvents).where(and(eq(auditEvents.subjectId, templateId), eq(auditEvents.action, 'duty_template.created')));
    expect(created).toBeTruthy();
    expect(await verifyAuditChain(t.runtime.database.db)).toMatchObject({ ok: true });
    // The escalated obligation was never touched by the chasing beyond its counters.
    const [row] = await t.runtime.database.db.select().from(dutyObligations).where(eq(dutyObligations.id, ob.id));
    expect(row).toMatchObject({ remindersSent: 2, escalationsSent: 2 });
  });
});

describe('who may do what, and bad input', () => {
  let id: string;
  beforeAll(async () => {
    id = (await obligationOf(a.unitId, '2026-Q4')).id;
  });
  type Who = 'none' | 'drafterA' | 'officerA' | 'secretaryA' | 'officerB' | 'publicityA' | 'adminA';
  const token = (who: Who) => ({ none: undefined, drafterA: a.tokens.drafter, officerA: a.tokens.publicity_officer, secretaryA: a.tokens.secretary, officerB: b.tokens.publicity_officer, publicityA: a.tokens.publicity, adminA: a.tokens.admin })[who];
  itChecksAccess<Who>(() => t, token, [
    ['list templates', () => ['GET', '/api/v1/duties/templates'], { none: 401, drafterA: 200, officerB: 200 }],
    ['add a template', () => ['POST', '/api/v1/duties/templates', { title: '测试', content: '内容', responsible: 'secretary', recurrence: 'yearly', dueRule: { from: 'period_end', days: 0, unit: 'calendar_days', roll: 'none' }, evidence: ['form'], active: false }],
      { none: 401, drafterA: 403, officerA: 403, officerB: 403, publicityA: 201 }],
    ['change a template', () => ['PATCH', `/api/v1/duties/templates/${templateId}`, { content: '节日期间网络舆情研判。' }], { none: 401, officerA: 403, secretaryA: 403, publicityA: 200 }],
    ['a unit’s obligations', () => ['GET', `/api/v1/duties?unitId=${a.unitId}`], { none: 401, officerB: 403, drafterA: 200, officerA: 200, publicityA: 200 }],
    ['one obligation', () => ['GET', `/api/v1/duties/${id}`], { none: 401, officerB: 403, drafterA: 200, publicityA: 200 }],
    ['accept', () => ['POST', `/api/v1/duties/${id}/accept`, {}], { none: 401, officerB: 403, officerA: 403, secretaryA: 403 }],
    ['return', () => ['POST', `/api/v1/duties/${id}/return`, { comment: '不行' }], { none: 401, officerB: 403, officerA: 403 }],
  ]);

  it('only the responsible holder or the unit’s secretary submits; a reviewer never decides their own submission', async () => {
    const pdfFile = [{ bytes: pdf('x'), name: 'x.pdf' }];
    expect((await submit(id, a.tokens.drafter, pdfFile)).status).toBe(403);
    expect((await submit(id, b.tokens.publicity_officer, pdfFile)).status).toBe(403);
    expect((await submit(id, a.tokens.publicity, pdfFile)).status).toBe(403);
    // A publicity person appointed the unit's publicity officer submits, then may not accept it.
    const put = await t.request('PUT', `/api/v1/units/${a.unitId}/positions/publicity_officer`, { token: a.tokens.admin, body: { personId: a.people.publicity! } });
    expect(put.status, put.text).toBe(200);
    expect((await submit(id, a.tokens.publicity, pdfFile)).status).toBe(201);
    const own = await post(`/api/v1/duties/${id}/accept`, a.tokens.publicity, {});
    expect(own.status, own.text).toBe(403);
    expect(own.body.error.code).toBe('separation_of_duties');
    expect((await post(`/api/v1/duties/${id}/accept`, b.tokens.publicity, {})).status).toBe(200);
    await t.request('PUT', `/api/v1/units/${a.unitId}/positions/publicity_officer`, { token: a.tokens.admin, body: { personId: a.people.publicity_officer! } });
  });

  it('refuses bad input with a 4xx naming the field, and changes nothing', async () => {
    const open = (await obligationOf(b.unitId, '2026-Q4')).id;
    const cases: [string, () => Promise<{ status: number; body: any }>, number, string][] = [
      ['period out of range', () => get(`/api/v1/duties?period=2026-Q5`, a.tokens.publicity), 400, 'period'],
      ['unitId not a uuid', () => get(`/api/v1/duties?unitId=abc`, a.tokens.publicity), 400, 'unitId'],
      ['unknown unit', () => get(`/api/v1/duties?unitId=00000000-0000-4000-8000-000000000000`, a.tokens.publicity), 404, ''],
      ['unknown obligation', () => get(`/api/v1/duties/00000000-0000-4000-8000-000000000000`, a.tokens.publicity), 404, ''],
      ['no files', () => submit(open, b.tokens.publicity_officer, [], '说明'), 400, 'files'],
      ['a file of a refused type', () => submit(open, b.tokens.publicity_officer, [{ bytes: 'MZ\x90\x00 not allowed', name: 'tool.exe' }]), 415, 'file'],
      ['six files', () => submit(open, b.tokens.publicity_officer, Array.from({ length: 6 }, (_, i) => ({ bytes: pdf(`f${i}`), name: `f${i}.pdf` }))), 400, 'files'],
      ['a note with a NUL', () => submit(open, b.tokens.publicity_officer, [{ bytes: pdf('n'), name: 'n.pdf' }], 'a\u0000b'), 400, 'note'],
      ['JSON instead of multipart', () => post(`/api/v1/duties/${open}/submissions`, b.tokens.publicity_officer, { note: 'x' }), 415, ''],
      ['accept what was never submitted', () => post(`/api/v1/duties/${open}/accept`, b.tokens.publicity, {}), 409, ''],
      ['return without a comment', () => post(`/api/v1/duties/${open}/return`, b.tokens.publicity, {}), 400, 'comment'],
      ['dates recurrence without dates', () => post('/api/v1/duties/templates', a.tokens.publicity, { title: 't', content: 'c', responsible: 'secretary', recurrence: 'dates', dueRule: { from: 'period_end', days: 0, unit: 'calendar_days', roll: 'none' }, evidence: ['form'] }), 400, 'dates'],
      ['a day that does not exist', () => post('/api/v1/duties/templates', a.tokens.publicity, { title: 't', content: 'c', responsible: 'secretary', recurrence: 'dates', dates: ['02-30'], dueRule: { from: 'period_end', days: 0, unit: 'calendar_days', roll: 'none' }, evidence: ['form'] }), 400, 'dates.0'],
      ['an unknown evidence kind', () => post('/api/v1/duties/templates', a.tokens.publicity, { title: 't', content: 'c', responsible: 'secretary', recurrence: 'yearly', dueRule: { from: 'period_end', days: 0, unit: 'calendar_days', roll: 'none' }, evidence: ['photo'] }), 400, 'evidence.0'],
    ];
    for (const [what, run, status, field] of cases) {
      const res = await run();
      expect(`${what}: ${res.status}`, JSON.stringify(res.body)).toBe(`${what}: ${status}`);
      expect(res.body.error.code).toMatch(/^[a-z_]+$/);
      if (field) expect(JSON.stringify(res.body.error), what).toContain(field);
    }
    expect(await obligationOf(b.unitId, '2026-Q4')).toMatchObject({ status: 'open' });
    // The refusal of a step the duty's state does not allow says so, about the duty, in either language.
    const early = await t.request('POST', `/api/v1/duties/${open}/accept`, { token: b.tokens.publicity, body: {}, headers: { 'accept-language': 'en' } });
    expect(early.body.error).toMatchObject({ code: 'duty_transition', message: 'The duty is open; it cannot be accepted', details: { status: 'open', action: 'accept' } });
    const view = await get(`/api/v1/duties/${open}`, b.tokens.publicity_officer);
    expect(view.body.submissions).toEqual([]);
  });

  it('evidence files only to those who may see the obligation', async () => {
    const view = await get(`/api/v1/duties/${id}`, a.tokens.publicity);
    const path = new URL(view.body.submissions[0].files[0].url).pathname;
    const as = (token?: string) => t.runtime.app.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect((await as(a.tokens.drafter)).status).toBe(200);
    expect((await as(b.tokens.publicity_officer)).status).toBe(403);
    expect((await as()).status).toBe(401);
    expect((await t.runtime.app.request(path.replace(/[0-9a-f]{64}$/, '0'.repeat(64)), { headers: { authorization: `Bearer ${a.tokens.publicity}` } })).status).toBe(404);
  });
});

describe('适时上报 (as needed): a dates duty with no dates', () => {
  it('情况通报 got no obligation in any sweep above, nor does an as-needed template added by the API', async () => {
    const templates = (await get('/api/v1/duties/templates', a.tokens.publicity)).body.items as { id: string; title: string }[];
    await expectAsNeeded(t, templates.find((x) => x.title === '情况通报')!);
    const made = await post('/api/v1/duties/templates', a.tokens.publicity, {
      title: '重大舆情即时报告', content: '发生重大舆情时即时报告。', responsible: 'secretary', recurrence: 'dates', dates: [],
      dueRule: { from: 'period_start', days: 0, unit: 'calendar_days', roll: 'none' }, evidence: ['report'],
    });
    expect(made.status, made.text).toBe(201);
    await sweepAt('2027-01-04T09:00:00');
    await expectAsNeeded(t, made.body);
  });

  it('the migration turns a stored as_needed template into dates with none; every recurrence is one of the four', async () => {
    const id = await migrateLegacyAsNeeded(t);
    await sweepAt('2027-01-05T09:00:00');
    const templates = (await get('/api/v1/duties/templates', a.tokens.publicity)).body.items as { id: string; recurrence: string }[];
    await expectAsNeeded(t, templates.find((x) => x.id === id)!);
    expect(templates.map((x) => x.recurrence).filter((r) => !DOCUMENTED_RECURRENCES.includes(r))).toEqual([]);
  });
});
