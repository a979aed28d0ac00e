import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../db/node';
import { auditEvents, dutyObligations, dutyTemplates } from '../db/schema';
import { DEFAULT_DUTY_TEMPLATES } from '../src/domain/duty-defaults';
import { verifyAuditChain } from '../src/services/audit';
import { createPeriodObligations, runDutyReminders } from '../src/services/duties';
import { createTestEnv, type TestEnv } from './harness';
import type { Demo } from './registry-fixtures';
import { pdf } from './support/fixtures';

/**
 * Seed 004 第六条: 校网络信息安全领导小组办公室作为网络意识形态工作管理部门 … 每季度向校党委和党委宣传部门报告
 * 网络意识形态领域重要情况. The quarterly report is the office's (the publicity department stands for it
 * here), once a quarter, not every unit secretary's. An installation whose duties were made under the
 * first default is corrected by migration 0028: the template changes hands, the units' reports that
 * nothing was accepted for are withdrawn (what they filed is kept), the department's own is made.
 */
let t: TestEnv;
let a: Demo;
let b: Demo;
const cst = (local: string) => new Date(`${local}+08:00`);
const KEY = 'seed004.jidu-baogao';
const TITLE = '网络意识形态领域重要情况季度报告';
const FIRST_SOURCE = '《党委网络意识形态工作责任制实施细则》第六条：每季度向校党委和党委宣传部门报告网络意识形态领域重要情况，提出建议';
/** Seed 004, 第六条 and 第七条, as the document reads (its page break inside 意识形态 closed up). */
const ARTICLE_6 = '第六条 校网络信息安全领导小组办公室作为网络意识形态工作管理部门，在党委统一领导、党委宣传部综合指导下，具体统筹协调组织网络宣传管理和舆论引导工作，维护网络意识形态安全。建立网上重要情况通报制度、重大事项报告制度，每季度向校党委和党委宣传部门报告网络意识形态领域重要情况，提出建议，并报上级网络安全和信息化领导小组办公室。每年要对网络意识形态工作进行一次专题督查，督查结果向校党委报告，并报上级网络安全和信息化领导小组办公室。';
const ARTICLE_7 = '第七条 校网络信息安全领导小组成员单位应当承担本单位网络意识形态工作责任，支持、配合网络安全和信息化领导小组办公室工作。加强政务新媒体等网络阵地建设和管理，加强网络舆情监测引导和信息通报；加强网上交流沟通和便民服务；加强本单位本系统网络评论队伍建设和协助开展评论引导工作。每半年向同级网络安全和信息化领导小组办公室提供职责范围的网络意识形态研判报告和工作情况。';

const get = (path: string, token?: string) => t.request('GET', path, { token });
const post = (path: string, token: string | undefined, body?: unknown) => t.request('POST', path, { token, body });

async function submit(id: string, token: string | undefined, name: string) {
  const form = new FormData();
  form.append('files', new File([pdf(name) as Uint8Array<ArrayBuffer>], `${name}.pdf`, { type: 'application/pdf' }));
  form.append('note', name);
  const res = await t.runtime.app.request(`/api/v1/duties/${id}/submissions`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, text: await res.text() };
}

async function sweepAt(at: string) {
  t.clock.now = cst(at);
  await createPeriodObligations(t.runtime.database.db, t.runtime.deps, t.clock.now);
  await runDutyReminders(t.runtime.database.db, t.runtime.deps, t.clock.now);
  return (await t.deliver()).filter((m) => m.subject.includes(TITLE));
}

type Row = { id: string; unitId: string | null; unitName: string | null; period: string; status: string; standing: string; responsible: string };
async function reports(period: string): Promise<Row[]> {
  const res = await get(`/api/v1/duties?period=${period}`, a.tokens.publicity);
  expect(res.status, res.text).toBe(200);
  return (res.body.items as (Row & { title: string })[]).filter((o) => o.title === TITLE);
}
const of = (rows: Row[], unitId: string | null) => rows.find((r) => r.unitId === unitId)!;

beforeAll(async () => {
  t = await createTestEnv('postgres');
  t.clock.now = cst('2026-05-11T09:00:00');
  a = await t.seed();
  b = await t.seed();
  await t.deliver();
}, 60_000);
afterAll(() => t?.close());

describe('the default', () => {
  it('is the department’s own quarterly duty, quoting 第六条 word for word with who owes it', async () => {
    const shipped = DEFAULT_DUTY_TEMPLATES.find((d) => d.key === KEY)!;
    expect(shipped).toMatchObject({ responsible: 'publicity', reviewer: 'publicity', recurrence: 'quarterly' });
    const quoted = shipped.source.replace(/^《[^》]+》第六条：/, '').split('……');
    expect(quoted[0]).toBe('校网络信息安全领导小组办公室作为网络意识形态工作管理部门');
    for (const part of quoted) expect(ARTICLE_6, part).toContain(part);
    // 第七条's half-yearly report is the member units' own, to the office (the department reviews it).
    const half = DEFAULT_DUTY_TEMPLATES.find((d) => d.key === 'seed004.bannian-yanpan')!;
    expect(half).toMatchObject({ responsible: 'publicity_officer', reviewer: 'publicity', recurrence: 'half_yearly' });
    for (const part of half.source.replace(/^《[^》]+》第七条：/, '').split('……')) expect(ARTICLE_7, part).toContain(part);
  });
});

describe('an installation made under the first default (the report on every unit’s secretary)', () => {
  beforeAll(async () => {
    // As 0027 left such a database: the default as first shipped, the units' obligations made from it.
    const { database } = t.runtime;
    await database.db.update(dutyTemplates).set({ responsible: 'secretary', source: FIRST_SOURCE }).where(eq(dutyTemplates.key, KEY));
    await sweepAt('2026-05-11T09:01:00');
    const q2 = await reports('2026-Q2');
    expect(q2.map((r) => [r.unitId, r.responsible]).sort()).toEqual([[a.unitId, 'secretary'], [b.unitId, 'secretary']].sort());
    // A's Q2 report is filed and accepted; B's never comes (逾期未交 by 15 July).
    expect((await submit(of(q2, a.unitId).id, a.tokens.secretary, 'A二季度报告')).status).toBe(201);
    expect((await post(`/api/v1/duties/${of(q2, a.unitId).id}/accept`, a.tokens.publicity, {})).status).toBe(200);
    await sweepAt('2026-07-20T10:00:00');
    const q3 = await reports('2026-Q3');
    // A files Q3 (waiting for the reviewer); B's is returned once and owed again.
    expect((await submit(of(q3, a.unitId).id, a.tokens.secretary, 'A三季度报告')).status).toBe(201);
    expect((await submit(of(q3, b.unitId).id, b.tokens.secretary, 'B三季度初稿')).status).toBe(201);
    expect((await post(`/api/v1/duties/${of(q3, b.unitId).id}/return`, b.tokens.publicity, { comment: '请补充' })).status).toBe(200);
    await t.deliver();
    expect((await reports('2026-Q2')).map((r) => r.standing).sort()).toEqual(['done', 'missing']);

    // The upgrade: 0028 not yet applied, then applied as at a start.
    const journal = JSON.parse(readFileSync(new URL('../db/migrations/meta/_journal.json', import.meta.url), 'utf8')) as { entries: { tag: string; when: number }[] };
    const when = journal.entries.find((e) => e.tag.startsWith('0028_'))!.when;
    await database.exec(`DROP INDEX duty_obligations_department_period_key; ALTER TABLE duty_obligations ALTER COLUMN unit_id SET NOT NULL;
      DELETE FROM drizzle.__drizzle_migrations WHERE created_at >= ${when}`);
    await migrateDatabase(database);
  }, 60_000);

  it('the template passes to the department, its source quoting who owes it; the change is audited', async () => {
    const templates = (await get('/api/v1/duties/templates', a.tokens.drafter)).body.items as { id: string; key: string; responsible: string; reviewer: string; source: string }[];
    const x = templates.find((y) => y.key === KEY)!;
    expect(x).toMatchObject({ responsible: 'publicity', reviewer: 'publicity', source: DEFAULT_DUTY_TEMPLATES.find((d) => d.key === KEY)!.source });
    const [audited] = await t.runtime.database.db.select().from(auditEvents).where(and(eq(auditEvents.subjectId, x.id), eq(auditEvents.action, 'duty_template.updated')));
    expect(audited!.data).toMatchObject({ changed: { responsible: { from: 'secretary', to: 'publicity' }, source: { from: FIRST_SOURCE } }, via: 'migration 0028' });
  });

  it('the units’ reports nothing was accepted for are withdrawn, with what they filed kept; an accepted one stays as it was', async () => {
    const q2 = await reports('2026-Q2');
    const q3 = await reports('2026-Q3');
    expect(of(q2, a.unitId)).toMatchObject({ status: 'accepted', standing: 'done' });
    expect(of(q2, b.unitId)).toMatchObject({ status: 'withdrawn', standing: 'withdrawn' });
    expect(of(q3, a.unitId)).toMatchObject({ status: 'withdrawn', standing: 'withdrawn' });
    expect(of(q3, b.unitId)).toMatchObject({ status: 'withdrawn', standing: 'withdrawn' });
    // A's Q3 report, never decided, is still there to open, with its file.
    const view = await get(`/api/v1/duties/${of(q3, a.unitId).id}`, a.tokens.secretary);
    expect(view.body).toMatchObject({ status: 'withdrawn', allowedActions: [], submissions: [{ note: 'A三季度报告', decision: null }] });
    const file = await t.runtime.app.request(new URL(view.body.submissions[0].files[0].url).pathname, { headers: { authorization: `Bearer ${a.tokens.secretary}` } });
    expect(new TextDecoder().decode(await file.arrayBuffer())).toContain('A三季度报告');
    const returned = await get(`/api/v1/duties/${of(q3, b.unitId).id}`, b.tokens.secretary);
    expect(returned.body.submissions).toMatchObject([{ note: 'B三季度初稿', decision: { decision: 'return', comment: '请补充' } }]);
    // Nothing more can be done on them: neither submitted again nor decided.
    expect((await submit(of(q3, b.unitId).id, b.tokens.secretary, '再交')).status).toBe(409);
    expect((await post(`/api/v1/duties/${of(q3, a.unitId).id}/accept`, a.tokens.publicity, {})).status).toBe(409);
    // Each withdrawal is on the audit chain, and the chain holds.
    const trail = await t.runtime.database.db.select({ subjectId: auditEvents.subjectId, data: auditEvents.data }).from(auditEvents)
      .where(eq(auditEvents.action, 'duty.obligation_withdrawn')).orderBy(asc(auditEvents.seq));
    expect(trail.map((e) => e.subjectId).sort()).toEqual([of(q2, b.unitId).id, of(q3, a.unitId).id, of(q3, b.unitId).id].sort());
    expect(trail.find((e) => e.subjectId === of(q3, a.unitId).id)!.data).toMatchObject({ was: 'submitted', period: '2026-Q3', unitId: a.unitId, via: 'migration 0028' });
    expect(await verifyAuditChain(t.runtime.database.db)).toMatchObject({ ok: true });
  });

  it('the next sweep makes the department’s own Q3 report and tells the department; no unit is chased for it any more', async () => {
    const sent = await sweepAt('2026-07-20T10:05:00');
    const q3 = await reports('2026-Q3');
    expect(of(q3, null)).toMatchObject({ unitName: null, responsible: 'publicity', status: 'open', standing: 'pending' });
    expect(sent.map((m) => m.kind)).toEqual(sent.map(() => 'duty_assigned'));
    expect(new Set(sent.map((m) => m.to.personId))).toEqual(new Set([a.people.publicity, a.people.admin, b.people.publicity, b.people.admin]));
    expect(sent[0]!.text).toContain('党委宣传部');
    expect(await createPeriodObligations(t.runtime.database.db, t.runtime.deps, t.clock.now), 'idempotent').toBe(0);
    // Reminders (9 and 14 October), the due day (15 October) and escalations (16 and 22 October) pass: only the department hears of its report.
    const later = [];
    for (const at of ['2026-10-09T08:30:00', '2026-10-14T08:30:00', '2026-10-16T08:30:00', '2026-10-22T08:30:00']) later.push(...(await sweepAt(at)));
    const units = [a, b].flatMap((d) => [d.people.secretary, d.people.publicity_officer]);
    expect(later.filter((m) => units.includes(m.to.personId))).toEqual([]);
    expect(new Set(later.map((m) => m.kind))).toEqual(new Set(['duty_assigned', 'duty_reminder', 'duty_escalated'])); // assigned: Q4's, on 9 October
    const withdrawn = await t.runtime.database.db.select({ r: dutyObligations.remindersSent, e: dutyObligations.escalationsSent }).from(dutyObligations)
      .where(inArray(dutyObligations.id, [of(q3, a.unitId).id, of(q3, b.unitId).id]));
    expect(withdrawn).toEqual([{ r: 0, e: 0 }, { r: 0, e: 0 }]);
  });

  it('the department files it and another of its people accepts; the units’ people neither see nor file it', async () => {
    const id = of(await reports('2026-Q3'), null).id;
    expect((await get(`/api/v1/duties/${id}`, a.tokens.secretary)).status).toBe(403);
    expect((await submit(id, a.tokens.secretary, '越权')).status).toBe(403);
    const mine = await get('/api/v1/duties?mine=true&period=2026-Q3', b.tokens.publicity);
    expect((mine.body.items as Row[]).map((r) => r.id)).toContain(id);
    expect(((await get('/api/v1/duties?mine=true', a.tokens.secretary)).body.items as Row[]).map((r) => r.id)).not.toContain(id);
    expect((await submit(id, a.tokens.publicity, '三季度网络意识形态情况报告')).status).toBe(201);
    const own = await post(`/api/v1/duties/${id}/accept`, a.tokens.publicity, {});
    expect(own.body.error.code).toBe('separation_of_duties');
    expect((await post(`/api/v1/duties/${id}/accept`, b.tokens.publicity, {})).status).toBe(200);
    const told = (await t.deliver()).filter((m) => m.kind === 'duty_decided');
    expect(told.map((m) => m.to.personId)).toContain(a.people.publicity);
  });

  it('the board and the year’s CSV list it under the department, and the withdrawn ones as not owed', async () => {
    const res = await t.runtime.app.request('/api/v1/exports/duties.csv?year=2026', { headers: { authorization: `Bearer ${a.tokens.publicity}` } });
    const rows = (parse(new TextDecoder().decode(await res.arrayBuffer()), { columns: true, bom: true }) as Record<string, string>[]).filter((r) => r['职责 Duty'] === TITLE);
    expect(rows.filter((r) => r['单位 Unit'] === '党委宣传部').map((r) => [r['期间 Period'], r['完成情况 Standing']]).sort()).toEqual([['2026-Q3', '逾期完成'], ['2026-Q4', '未到期']]);
    expect(rows.filter((r) => r['状态 Status'] === '已撤销').map((r) => r['完成情况 Standing'])).toEqual(['不再承担', '不再承担', '不再承担']);
    expect(rows.filter((r) => r['完成情况 Standing'] === '逾期未交')).toEqual([]);
  });
});

describe('templates of the department', () => {
  it('a department duty is reviewed by the department: a unit position as reviewer is refused, naming the field', async () => {
    const body = { title: '部门自查', content: '内容', responsible: 'publicity', reviewer: 'secretary', recurrence: 'yearly', dueRule: { from: 'period_end', days: 15, unit: 'calendar_days', roll: 'next_working_day' }, evidence: ['report'] };
    const res = await post('/api/v1/duties/templates', a.tokens.publicity, body);
    expect(res.status, res.text).toBe(400);
    expect(JSON.stringify(res.body.error)).toContain('reviewer');
    const x = DEFAULT_DUTY_TEMPLATES.find((d) => d.key === KEY)!;
    const id = ((await get('/api/v1/duties/templates', a.tokens.publicity)).body.items as { id: string; key: string }[]).find((y) => y.key === x.key)!.id;
    const patched = await t.request('PATCH', `/api/v1/duties/templates/${id}`, { token: a.tokens.publicity, body: { reviewer: 'secretary' } });
    expect(patched.status, patched.text).toBe(400);
  });
});
