import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../db/schema';
import { scoringProblems, SUPERVISION_ITEMS } from '../src/domain/supervision';
import { createPeriodObligations } from '../src/services/duties';
import { sweepSupervisionOverdue } from '../src/services/supervisions';
import { createTestEnv, type TestEnv } from './harness';
import type { Demo } from './registry-fixtures';

/**
 * The yearly 专项督查 (seed 004 第六条, seed 002 检查督导): one checklist per unit scored by the
 * publicity department, findings with a rectification deadline, the unit's rectification report,
 * escalation of an overdue rectification, and who may do what.
 */
const cst = (local: string) => new Date(`${local}+08:00`);
const full = () => SUPERVISION_ITEMS.map((i) => ({ key: i.key, score: i.max }));

describe('the checklist rules', () => {
  const now = cst('2026-11-01T10:00:00');
  it('every item scored within its maximum; marks taken off need a finding; findings need a future deadline', () => {
    expect(scoringProblems(full(), null, now)).toEqual([]);
    const short = full().map((s) => (s.key === 'opinion_analysis' ? { ...s, score: 5 } : s));
    expect(scoringProblems(short, null, now).map((p) => p.path)).toEqual(['items.2.finding']);
    const found = short.map((s) => (s.key === 'opinion_analysis' ? { ...s, finding: '三季度未开展研判' } : s));
    expect(scoringProblems(found, null, now).map((p) => p.path)).toEqual(['rectifyDeadline']);
    expect(scoringProblems(found, cst('2026-10-01T00:00:00'), now).map((p) => p.path)).toEqual(['rectifyDeadline']);
    expect(scoringProblems(found, cst('2026-12-01T00:00:00'), now)).toEqual([]);
    expect(scoringProblems(full().slice(1), null, now).map((p) => p.path)).toEqual(['items']);
    expect(scoringProblems([...full(), { key: 'bogus', score: 1 }], null, now).map((p) => p.path)).toContain('items.8.key');
    expect(scoringProblems(full().map((s, i) => (i === 0 ? { ...s, score: 99 } : s)), null, now).map((p) => p.path)).toEqual(['items.0.score']);
  });
});

describe('专项督查 over HTTP', () => {
  let t: TestEnv;
  let a: Demo;
  let b: Demo;
  let sa: string;
  let sb: string;
  beforeAll(async () => {
    t = await createTestEnv('postgres');
    t.clock.now = cst('2026-11-02T09:00:00');
    a = await t.seed();
    b = await t.seed();
    await createPeriodObligations(t.runtime.database.db, t.runtime.deps, t.clock.now);
    await t.deliver();
  });
  afterAll(() => t?.close());
  const post = (path: string, token: string | undefined, body?: unknown) => t.request('POST', path, { token, body });
  const get = (path: string, token?: string) => t.request('GET', path, { token });

  it('publicity opens the year for every unit; others may not; opening again changes nothing', async () => {
    expect((await post('/api/v1/supervisions', a.tokens.secretary, { year: 2026 })).status).toBe(403);
    expect((await post('/api/v1/supervisions', undefined, { year: 2026 })).status).toBe(401);
    expect((await post('/api/v1/supervisions', a.tokens.publicity, { year: 1999 })).status).toBe(400);
    const opened = await post('/api/v1/supervisions', a.tokens.publicity, { year: 2026 });
    expect(opened.status, opened.text).toBe(201);
    sa = opened.body.items.find((s: { unitId: string }) => s.unitId === a.unitId).id;
    sb = opened.body.items.find((s: { unitId: string }) => s.unitId === b.unitId).id;
    expect(opened.body.items.find((s: { id: string }) => s.id === sa)).toMatchObject({ status: 'open', stage: 'not_started', total: null });
    expect((await post('/api/v1/supervisions', a.tokens.publicity, { year: 2026 })).body.items).toHaveLength(opened.body.items.length);
    // A unit sees its own only, and not the other unit's.
    const mine = await get('/api/v1/supervisions?year=2026', a.tokens.secretary);
    expect(mine.body.items.map((s: { id: string }) => s.id)).toEqual([sa]);
    expect((await get(`/api/v1/supervisions/${sb}`, a.tokens.secretary)).status).toBe(403);
    const own = await get(`/api/v1/supervisions/${sa}`, a.tokens.drafter);
    expect(own.status).toBe(200);
    expect(own.body.items.map((i: { title: string }) => i.title)).toContain('舆情研判');
    expect(own.body.dutyRecord).toBeNull();
    expect(own.body.allowedActions).toEqual([]);
    const dept = (await get(`/api/v1/supervisions/${sa}`, a.tokens.publicity)).body;
    expect(dept.dutyRecord.length).toBeGreaterThan(0);
    expect(dept.allowedActions).toEqual(['score']);
  });

  it('scoring: refused with the fields named; with findings the unit is told and put under rectification', async () => {
    const short = full().map((s) => (s.key === 'committee_study' ? { ...s, score: 8, finding: '上半年未专题研究意识形态工作' } : s));
    expect((await post(`/api/v1/supervisions/${sa}/score`, a.tokens.secretary, { items: short, rectifyDeadline: '2026-12-01T17:00:00+08:00' })).status).toBe(403);
    const noDeadline = await post(`/api/v1/supervisions/${sa}/score`, a.tokens.publicity, { items: short });
    expect(noDeadline.status).toBe(400);
    expect(noDeadline.body.error.message).toContain('rectifyDeadline');
    const noFinding = await post(`/api/v1/supervisions/${sa}/score`, a.tokens.publicity, { items: full().map((s, i) => (i === 1 ? { ...s, score: 3 } : s)) });
    expect(noFinding.body.error.details.map((d: { path: string }) => d.path)).toEqual(['items.1.finding']);
    const scored = await post(`/api/v1/supervisions/${sa}/score`, a.tokens.publicity, { items: short, summary: '总体较好', rectifyDeadline: '2026-12-01T17:00:00+08:00' });
    expect(scored.status, scored.text).toBe(200);
    expect(scored.body).toMatchObject({ status: 'rectifying', stage: 'rectifying', total: 93, rectifyDeadline: '2026-12-01T09:00:00.000Z', allowedActions: [] });
    // What each may do now: the unit's secretary reports, the department waits.
    expect((await get(`/api/v1/supervisions/${sa}`, a.tokens.secretary)).body.allowedActions).toEqual(['rectification']);
    expect((await get(`/api/v1/supervisions/${sa}`, a.tokens.drafter)).body.allowedActions).toEqual([]);
    const told = (await t.deliver()).filter((m) => m.kind === 'supervision');
    expect(told.map((m) => m.to.personId).sort()).toEqual([a.people.secretary, a.people.publicity_officer].sort());
    expect(told[0]!.text).toContain('上半年未专题研究意识形态工作');
    // Scoring again before the unit reports its rectification: refused.
    expect((await post(`/api/v1/supervisions/${sa}/score`, a.tokens.publicity, { items: full() })).status).toBe(409);
  });

  it('the unit reports its rectification (only its secretary or publicity officer); the department scores again', async () => {
    expect((await post(`/api/v1/supervisions/${sa}/rectification`, b.tokens.secretary, { note: '已整改' })).status).toBe(403);
    expect((await post(`/api/v1/supervisions/${sa}/rectification`, a.tokens.drafter, { note: '已整改' })).status).toBe(403);
    expect((await post(`/api/v1/supervisions/${sa}/rectification`, a.tokens.secretary, {})).status).toBe(400);
    const reported = await post(`/api/v1/supervisions/${sa}/rectification`, a.tokens.secretary, { note: '11月已召开党委会专题研究' });
    expect(reported.status, reported.text).toBe(200);
    expect(reported.body).toMatchObject({ rectificationNote: '11月已召开党委会专题研究', stage: 'rectified', allowedActions: [] });
    expect((await get(`/api/v1/supervisions/${sa}`, a.tokens.publicity)).body.allowedActions).toEqual(['score']);
    expect((await post(`/api/v1/supervisions/${sa}/rectification`, a.tokens.secretary, { note: '再次' })).status).toBe(409);
    const rescored = await post(`/api/v1/supervisions/${sa}/score`, a.tokens.publicity, { items: full() });
    expect(rescored.body).toMatchObject({ status: 'scored', stage: 'scored', total: 100, rectifyDeadline: null });
    const trail = await t.runtime.database.db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.subjectId, sa)).orderBy(asc(auditEvents.seq));
    expect(trail.map((e) => e.action)).toEqual(['supervision.opened', 'supervision.scored', 'supervision.rectification_reported', 'supervision.scored']);
  });

  it('a rectification past its deadline is escalated once to the department and the unit’s secretary, and stays open', async () => {
    const short = full().map((s) => (s.key === 'commentators' ? { ...s, score: 0, finding: '未建立网络评论员队伍' } : s));
    expect((await post(`/api/v1/supervisions/${sb}/score`, b.tokens.publicity, { items: short, rectifyDeadline: '2026-11-20T17:00:00+08:00' })).status).toBe(200);
    await t.deliver();
    const { db } = t.runtime.database;
    expect(await sweepSupervisionOverdue(db, t.runtime.deps, cst('2026-11-20T16:59:00'))).toBe(0);
    t.clock.now = cst('2026-11-20T17:00:00');
    expect(await sweepSupervisionOverdue(db, t.runtime.deps, t.clock.now)).toBe(1);
    expect(await sweepSupervisionOverdue(db, t.runtime.deps, t.clock.now)).toBe(0);
    const sent = (await t.deliver()).filter((m) => m.kind === 'supervision');
    expect(sent.map((m) => m.to.personId)).toEqual(expect.arrayContaining([b.people.secretary, a.people.publicity, b.people.publicity]));
    expect(sent[0]!.subject).toContain('整改逾期');
    expect((await get(`/api/v1/supervisions/${sb}`, b.tokens.publicity)).body).toMatchObject({ status: 'rectifying', rectifiedAt: null });
  });
});
