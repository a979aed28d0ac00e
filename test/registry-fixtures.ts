import { expect } from 'vitest';
import { SWEEPS } from '../src/services/sweeps';
import type { TestEnv } from './harness';

export type Demo = Awaited<ReturnType<TestEnv['seed']>>;
export const DAY_HOURS = 24;

let serial = 0;
const unique = () => `${Date.now().toString(36)}${(serial++).toString(36)}`;

/** A person in the demo unit (created by the demo's admin), with a token of their own. */
export async function newPerson(t: TestEnv, demo: Demo, name: string, roles: string[] = ['staff'], inUnit = true): Promise<{ id: string; token: string }> {
  const res = await t.request('POST', '/api/v1/people', { token: demo.tokens.admin, body: { name, email: `${unique()}@test.imprimatur.local`, roles, unitId: inUnit ? demo.unitId : null } });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.id, token: await t.tokenFor(res.body.id) };
}

/** A well-formed application for the demo unit, owned by the demo's publicity officer. */
export function application(demo: Demo, extra: Record<string, unknown> = {}) {
  return {
    name: `测试公众号${unique()}`, platform: 'wechat_official', platformId: `gh_${unique()}`, unitId: demo.unitId, ownerId: demo.people.publicity_officer,
    adminIds: [demo.people.publicity_officer], commentatorIds: [demo.people.drafter], ...extra,
  };
}

export async function applyFor(t: TestEnv, demo: Demo, extra: Record<string, unknown> = {}, token = demo.tokens.publicity_officer) {
  const res = await t.request('POST', '/api/v1/accounts', { token, body: application(demo, extra) });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

/** Applied and approved by the publicity department. */
export async function registered(t: TestEnv, demo: Demo, extra: Record<string, unknown> = {}) {
  const applied = await applyFor(t, demo, extra);
  const res = await t.request('POST', `/api/v1/accounts/${applied.id}/approve`, { token: demo.tokens.publicity });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

/** One pass of every registered sweep at the test clock's instant, as the worker's scheduler runs it. */
export async function sweep(t: TestEnv): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const s of SWEEPS) counts[s.name] = await s.run(t.runtime.database.db, t.runtime.deps, t.clock.now);
  return counts;
}

/** Rows of a raw query, whichever driver answered it. */
export const rowsOf = <T>(res: unknown) => ((Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as T[]);
