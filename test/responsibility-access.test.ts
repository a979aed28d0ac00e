import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPERVISION_ITEMS } from '../src/domain/supervision';
import { createTestEnv, type TestEnv } from './harness';
import type { Demo } from './registry-fixtures';
import { itChecksAccess, itChecksPageAccess, sessionsOf } from './support/access';

/**
 * Who may do what with the yearly 专项督查, every route and page against every kind of caller: the
 * unit's staff, staff of another unit, the unit's leader (分管院领导), its secretary, the publicity
 * department, an admin, and nobody signed in. Unit A's checklist is already scored, so a caller
 * who passes the role and unit checks meets the state check (409) and nothing changes.
 */
type Who = 'none' | 'staffA' | 'staffB' | 'leaderA' | 'secretaryA' | 'publicity' | 'admin';

describe('专项督查: role and unit checks on every route and page', () => {
  let t: TestEnv;
  let a: Demo;
  let b: Demo;
  let sa = '';
  const full = () => SUPERVISION_ITEMS.map((i) => ({ key: i.key, score: i.max }));
  const person = (who: Who) => ({ none: undefined, staffA: a.people.drafter, staffB: b.people.drafter, leaderA: a.people.deputy_leader, secretaryA: a.people.secretary, publicity: a.people.publicity, admin: a.people.admin })[who];
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
  }, 60_000);
  afterAll(() => t?.close());

  const token = (who: Who) => ({ none: undefined, staffA: a.tokens.drafter, staffB: b.tokens.drafter, leaderA: a.tokens.deputy_leader, secretaryA: a.tokens.secretary, publicity: a.tokens.publicity, admin: a.tokens.admin })[who];
  const unknown = '00000000-0000-4000-8000-000000000000';
  const scoreForm = () => Object.fromEntries(SUPERVISION_ITEMS.map((i) => [`score-${i.key}`, String(i.max)]));

  describe('the API', () => {
    itChecksAccess<Who>(() => t, token, [
      // Opening again changes nothing (201 with the same supervisions).
      ['open the year', () => ['POST', '/api/v1/supervisions', { year: 2026 }], { none: 401, staffA: 403, staffB: 403, leaderA: 403, secretaryA: 403, publicity: 201, admin: 201 }],
      ['list a year', () => ['GET', '/api/v1/supervisions?year=2026'], { none: 401, staffA: 200, staffB: 200, leaderA: 200, secretaryA: 200, publicity: 200, admin: 200 }],
      ['one unit’s checklist', () => ['GET', `/api/v1/supervisions/${sa}`], { none: 401, staffA: 200, staffB: 403, leaderA: 200, secretaryA: 200, publicity: 200, admin: 200 }],
      ['an unknown checklist', () => ['GET', `/api/v1/supervisions/${unknown}`], { none: 401, staffA: 404, publicity: 404 }],
      ['score (already scored: 409 for the department)', () => ['POST', `/api/v1/supervisions/${sa}/score`, { items: full() }], { none: 401, staffA: 403, staffB: 403, leaderA: 403, secretaryA: 403, publicity: 409, admin: 409 }],
      ['report the rectification (none is owed: 409 for the secretary)', () => ['POST', `/api/v1/supervisions/${sa}/rectification`, { note: '已整改' }], { none: 401, staffA: 403, staffB: 403, leaderA: 403, secretaryA: 409, publicity: 403, admin: 403 }],
    ]);

    it('a list shows a unit’s people their own unit only', async () => {
      const units = async (who: Who) => ((await t.request('GET', '/api/v1/supervisions?year=2026', { token: token(who) })).body.items as { unitId: string }[]).map((s) => s.unitId).sort();
      expect(await units('staffA')).toEqual([a.unitId]);
      expect(await units('leaderA')).toEqual([a.unitId]);
      expect(await units('staffB')).toEqual([b.unitId]);
      expect(await units('publicity')).toEqual([a.unitId, b.unitId].sort());
    });
  });

  describe('the pages', () => {
    itChecksPageAccess<Who>(() => t, session, [
      ['the year’s page', () => ['GET', '/supervisions?year=2026'], { none: 303, staffA: 403, staffB: 403, leaderA: 403, secretaryA: 403, publicity: 200, admin: 200 }],
      ['opening the year', () => ['POST', '/supervisions', { year: '2026' }], { none: 303, staffA: 403, staffB: 403, leaderA: 403, secretaryA: 403, publicity: 303, admin: 303 }],
      ['one unit’s page', () => ['GET', `/supervisions/${sa}`], { none: 303, staffA: 200, staffB: 403, leaderA: 200, secretaryA: 200, publicity: 200, admin: 200 }],
      ['an unknown unit page', () => ['GET', `/supervisions/${unknown}`], { none: 303, staffA: 404, publicity: 404 }],
      ['the scoring form', () => ['POST', `/supervisions/${sa}/score`, scoreForm()], { none: 303, staffA: 403, staffB: 403, leaderA: 403, secretaryA: 403, publicity: 409, admin: 409 }],
      ['the rectification form', () => ['POST', `/supervisions/${sa}/rectification`, { note: '已整改' }], { none: 303, staffA: 403, staffB: 403, leaderA: 403, secretaryA: 409, publicity: 403, admin: 403 }],
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
});
