import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPERVISION_ITEMS } from '../src/domain/supervision';
import { createPeriodObligations } from '../src/services/duties';
import { createTestEnv, type TestEnv } from './harness';
import type { Demo } from './registry-fixtures';
import { itChecksAccess, itChecksPageAccess, sessionsOf } from './support/access';
import { pdf } from './support/fixtures';

/**
 * Who may do what in the responsibility system: every 专项督查 route and page, and the duty pages
 * and their forms, against every kind of caller: the unit's staff, staff of another unit, the
 * unit's leader (分管院领导), its secretary, its publicity officer, the publicity department, an
 * admin, and nobody signed in. The records are put where a caller who passes the role and unit
 * checks meets the state check (409) instead, so nothing changes: unit A's checklist is already
 * scored, its 舆情研判 already submitted, its quarterly report not yet.
 */
type Who = 'none' | 'staffA' | 'staffB' | 'leaderA' | 'secretaryA' | 'officerA' | 'publicity' | 'admin';

describe('the responsibility system: role and unit checks on every route and page', () => {
  let t: TestEnv;
  let a: Demo;
  let b: Demo;
  let sa = '';
  let submitted = '';
  let open = '';
  const full = () => SUPERVISION_ITEMS.map((i) => ({ key: i.key, score: i.max }));
  const person = (who: Who) => ({ none: undefined, staffA: a.people.drafter, staffB: b.people.drafter, leaderA: a.people.deputy_leader, secretaryA: a.people.secretary, officerA: a.people.publicity_officer, publicity: a.people.publicity, admin: a.people.admin })[who];
  const { session } = sessionsOf<Who>(() => t, person);

  beforeAll(async () => {
    t = await createTestEnv('postgres');
    t.clock.now = new Date('2026-11-02T09:00:00+08:00');
    a = await t.seed();
    b = await t.seed();
    const opened = await t.request('POST', '/api/v1/supervisions', { token: a.tokens.publicity, body: { year: 2026 } });
    expect(opened.status, opened.text).toBe(201);
    sa = opened.body.items.find((s: { unitId: string }) => s.unitId === a.unitId).id;
    const scored = await t.request('POST', `/api/v1/supervisions/${sa}/score`, { token: a.tokens.publicity, body: { items: full() } });
    expect(scored.body.stage, scored.text).toBe('scored');
    await createPeriodObligations(t.runtime.database.db, t.runtime.deps, t.clock.now);
    const duties = (await t.request('GET', `/api/v1/duties?unitId=${a.unitId}&period=2026`, { token: a.tokens.publicity })).body.items as { id: string; title: string }[];
    submitted = duties.find((o) => o.title === '舆情研判')!.id;
    open = duties.find((o) => o.title === '网络意识形态研判报告和工作情况')!.id;
    const body = new FormData();
    body.append('files', new File([pdf('A') as Uint8Array<ArrayBuffer>], '四季度舆情研判.pdf', { type: 'application/pdf' }));
    body.append('note', 'A 单位四季度研判说明');
    const res = await t.runtime.app.request(`/api/v1/duties/${submitted}/submissions`, { method: 'POST', body, headers: { authorization: `Bearer ${a.tokens.publicity_officer}` } });
    expect(res.status, await res.text()).toBe(201);
  }, 60_000);
  afterAll(() => t?.close());

  const token = (who: Who) => ({ none: undefined, staffA: a.tokens.drafter, staffB: b.tokens.drafter, leaderA: a.tokens.deputy_leader, secretaryA: a.tokens.secretary, officerA: a.tokens.publicity_officer, publicity: a.tokens.publicity, admin: a.tokens.admin })[who];
  const unknown = '00000000-0000-4000-8000-000000000000';
  const scoreForm = () => Object.fromEntries(SUPERVISION_ITEMS.map((i) => [`score-${i.key}`, String(i.max)]));

  describe('专项督查 over the API', () => {
    itChecksAccess<Who>(() => t, token, [
      // Opening again changes nothing (201 with the same supervisions).
      ['open the year', () => ['POST', '/api/v1/supervisions', { year: 2026 }], { none: 401, staffA: 403, staffB: 403, leaderA: 403, secretaryA: 403, officerA: 403, publicity: 201, admin: 201 }],
      ['list a year', () => ['GET', '/api/v1/supervisions?year=2026'], { none: 401, staffA: 200, staffB: 200, leaderA: 200, secretaryA: 200, officerA: 200, publicity: 200, admin: 200 }],
      ['one unit’s checklist', () => ['GET', `/api/v1/supervisions/${sa}`], { none: 401, staffA: 200, staffB: 403, leaderA: 200, secretaryA: 200, officerA: 200, publicity: 200, admin: 200 }],
      ['an unknown checklist', () => ['GET', `/api/v1/supervisions/${unknown}`], { none: 401, staffA: 404, publicity: 404 }],
      ['score (already scored: 409 for the department)', () => ['POST', `/api/v1/supervisions/${sa}/score`, { items: full() }], { none: 401, staffA: 403, staffB: 403, leaderA: 403, secretaryA: 403, officerA: 403, publicity: 409, admin: 409 }],
      ['report the rectification (none is owed: 409 for the secretary)', () => ['POST', `/api/v1/supervisions/${sa}/rectification`, { note: '已整改' }], { none: 401, staffA: 403, staffB: 403, leaderA: 403, secretaryA: 409, officerA: 409, publicity: 403, admin: 403 }],
    ]);

    it('a list shows a unit’s people their own unit only', async () => {
      const units = async (who: Who) => ((await t.request('GET', '/api/v1/supervisions?year=2026', { token: token(who) })).body.items as { unitId: string }[]).map((s) => s.unitId).sort();
      expect(await units('staffA')).toEqual([a.unitId]);
      expect(await units('leaderA')).toEqual([a.unitId]);
      expect(await units('staffB')).toEqual([b.unitId]);
      expect(await units('publicity')).toEqual([a.unitId, b.unitId].sort());
    });
  });

  describe('专项督查 pages', () => {
    itChecksPageAccess<Who>(() => t, session, [
      ['the year’s page', () => ['GET', '/supervisions?year=2026'], { none: 303, staffA: 403, staffB: 403, leaderA: 403, secretaryA: 403, officerA: 403, publicity: 200, admin: 200 }],
      ['opening the year', () => ['POST', '/supervisions', { year: '2026' }], { none: 303, staffA: 403, staffB: 403, leaderA: 403, secretaryA: 403, officerA: 403, publicity: 303, admin: 303 }],
      ['one unit’s page', () => ['GET', `/supervisions/${sa}`], { none: 303, staffA: 200, staffB: 403, leaderA: 200, secretaryA: 200, officerA: 200, publicity: 200, admin: 200 }],
      ['an unknown unit page', () => ['GET', `/supervisions/${unknown}`], { none: 303, staffA: 404, publicity: 404 }],
      ['the scoring form', () => ['POST', `/supervisions/${sa}/score`, scoreForm()], { none: 303, staffA: 403, staffB: 403, leaderA: 403, secretaryA: 403, officerA: 403, publicity: 409, admin: 409 }],
      ['the rectification form', () => ['POST', `/supervisions/${sa}/rectification`, { note: '已整改' }], { none: 303, staffA: 403, staffB: 403, leaderA: 403, secretaryA: 409, officerA: 409, publicity: 403, admin: 403 }],
    ]);

    it('a refused page carries none of the unit’s checklist; the refusals changed nothing', async () => {
      const s = await session('staffB');
      const res = await t.request('GET', `/supervisions/${sa}`, { cookie: s!.cookie });
      expect(res.status).toBe(403);
      expect(res.text).toContain('无权');
      expect(res.text).not.toContain('data-item-score');
      const now = await t.request('GET', `/api/v1/supervisions/${sa}`, { token: a.tokens.publicity });
      expect(now.body).toMatchObject({ stage: 'scored', total: 100, rectifiedAt: null });
    });

    it('a form posted without the session’s CSRF token is refused and changes nothing', async () => {
      const s = await session('secretaryA');
      const res = await t.request('POST', `/supervisions/${sa}/rectification`, { cookie: s!.cookie, form: { note: '伪造' } });
      expect(res.status).toBe(403);
      expect((await t.request('GET', `/api/v1/supervisions/${sa}`, { token: a.tokens.publicity })).body.rectificationNote).toBeNull();
    });
  });
  describe('duty pages and their forms', () => {
    const evidence = () => {
      const form = new FormData();
      form.append('files', new File([pdf('again') as Uint8Array<ArrayBuffer>], '重复提交.pdf', { type: 'application/pdf' }));
      form.append('note', '再次提交');
      return form;
    };
    itChecksPageAccess<Who>(() => t, session, [
      ['my duties', () => ['GET', '/duties'], { none: 303, staffA: 200, staffB: 200, leaderA: 200, secretaryA: 200, officerA: 200, publicity: 200, admin: 200 }],
      ['the department’s board', () => ['GET', '/duties/board?year=2026'], { none: 303, staffA: 403, staffB: 403, leaderA: 403, secretaryA: 403, officerA: 403, publicity: 200, admin: 200 }],
      ['one duty', () => ['GET', `/duties/${submitted}`], { none: 303, staffA: 200, staffB: 403, leaderA: 200, secretaryA: 200, officerA: 200, publicity: 200, admin: 200 }],
      ['an unknown duty', () => ['GET', `/duties/${unknown}`], { none: 303, staffA: 404, publicity: 404 }],
      // Only the responsible holder or the secretary submits; it is already in review (409).
      ['the submit form', () => ['POST', `/duties/${submitted}/submit`, evidence()], { none: 303, staffA: 403, staffB: 403, leaderA: 403, secretaryA: 409, officerA: 409, publicity: 403, admin: 403 }],
      // Only the reviewer (publicity) decides; nothing was submitted yet (409).
      ['the decision form', () => ['POST', `/duties/${open}/decide`, { decision: 'accept' }], { none: 303, staffA: 403, staffB: 403, leaderA: 403, secretaryA: 403, officerA: 403, publicity: 409, admin: 409 }],
      // Returning without a comment: whoever may not decide is refused as such (not asked for a comment); the reviewer gets the form back.
      ['the decision form, return without a comment', () => ['POST', `/duties/${submitted}/decide`, { decision: 'return' }], { none: 303, staffA: 403, staffB: 403, leaderA: 403, secretaryA: 403, officerA: 403, publicity: 400, admin: 400 }],
    ]);

    it('a refused duty page carries none of its submissions; the refusals changed nothing', async () => {
      const res = await t.request('GET', `/duties/${submitted}`, { cookie: (await session('staffB'))!.cookie });
      expect(res.status).toBe(403);
      expect(res.text).not.toContain('A 单位四季度研判说明');
      const [one, other] = await Promise.all([submitted, open].map(async (id) => (await t.request('GET', `/api/v1/duties/${id}`, { token: a.tokens.publicity })).body));
      expect(one).toMatchObject({ status: 'submitted', submissions: [{ round: 1, decision: null }] });
      expect(other).toMatchObject({ status: 'open', submissions: [] });
    });
  });
});
