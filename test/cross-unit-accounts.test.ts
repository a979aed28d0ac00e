import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ALL_TICKED, LEVELS, createTestEnv, type TestEnv } from './harness';
import { application, rowsOf, type Demo } from './registry-fixtures';

/**
 * A draft is reviewed by its own unit's chain only, so it may only target its own unit's accounts:
 * a draft of unit B naming unit A's official account would reach A's readers without A ever seeing
 * it. Refused when the draft is written, at submit and at the final approval (drafts written before
 * the rule), with a 400 naming `accountIds` and the foreign account ids only.
 */
let t: TestEnv;
let demo: Demo;
let unitB: string;
let drafterB: { id: string; token: string };
let accountB: { id: string; name: string };

beforeAll(async () => {
  t = await createTestEnv('postgres');
  demo = await t.seed();
  const unit = await t.request('POST', '/api/v1/units', { token: demo.tokens.admin, body: { name: '外国语学院', code: 'FL' } });
  expect(unit.status, unit.text).toBe(201);
  unitB = unit.body.id;
  const person = await t.request('POST', '/api/v1/people', { token: demo.tokens.admin, body: { name: '乙单位撰稿人', email: 'drafter.b@demo.imprimatur.local', roles: ['staff'], unitId: unitB } });
  expect(person.status, person.text).toBe(201);
  drafterB = { id: person.body.id, token: await t.tokenFor(person.body.id) };
  // Unit B's own account, registered by the publicity department: its name must not leak to unit A's drafter.
  const applied = await t.request('POST', '/api/v1/accounts', { token: demo.tokens.publicity, body: application(demo, { unitId: unitB, name: '=外院机密账号' }) });
  expect(applied.status, applied.text).toBe(201);
  const approved = await t.request('POST', `/api/v1/accounts/${applied.body.id}/approve`, { token: demo.tokens.publicity });
  expect(approved.status, approved.text).toBe(200);
  accountB = { id: applied.body.id, name: applied.body.name };
});
afterAll(() => t?.close());

const draftBody = (unitId: string, accountIds: string[]) => ({ title: '跨单位发布', body: '正文。', unitId, accountIds });
const draftCount = async () => rowsOf<{ n: number }>(await t.runtime.database.db.execute(sql`select count(*)::int as n from drafts`))[0]!.n;

function expectForeignRefusal(res: { status: number; body: any; text: string }, foreignId: string) {
  expect(res.status, res.text).toBe(400);
  expect(res.body.error.code).toBe('account_of_other_unit');
  expect(res.body.error.message).toMatch(/^accountIds/);
  expect(res.body.error.details).toMatchObject({ field: 'accountIds', accounts: [foreignId] });
}

describe('a draft targets only accounts of its own unit', () => {
  it('unit B’s drafter naming unit A’s (publishable) account is refused at create, naming accountIds, and nothing is written', async () => {
    const before = await draftCount();
    const res = await t.request('POST', '/api/v1/drafts', { token: drafterB.token, body: draftBody(unitB, [demo.accountId]) });
    expectForeignRefusal(res, demo.accountId);
    expect(await draftCount()).toBe(before);
  });

  it('publicity staff, who may write in any unit, are refused too: the draft would still pass only unit B’s chain', async () => {
    const res = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.publicity, body: draftBody(unitB, [demo.accountId]) });
    expectForeignRefusal(res, demo.accountId);
  });

  it('unit A’s drafter naming unit B’s account learns neither its name nor its status; English with Accept-Language: en', async () => {
    const res = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: draftBody(demo.unitId, [demo.accountId, accountB.id]), headers: { 'accept-language': 'en' } });
    expectForeignRefusal(res, accountB.id);
    expect(res.body.error.message).toMatch(/^accountIds: .*another unit/);
    expect(res.text).not.toContain(accountB.name);
    expect(res.text).not.toContain('registered');
  });

  it('a draft of the account’s own unit still goes through', async () => {
    const res = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: draftBody(demo.unitId, [demo.accountId]) });
    expect(res.status, res.text).toBe(201);
  });
});

describe('drafts written before the rule', () => {
  /** A unit-A draft that somehow also targets unit B's account (as the old code let one be written). */
  async function legacyDraft(submit: boolean): Promise<string> {
    const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: draftBody(demo.unitId, [demo.accountId]) });
    expect(created.status, created.text).toBe(201);
    if (submit) expect((await t.request('POST', `/api/v1/drafts/${created.body.id}/submit`, { token: demo.tokens.drafter })).status).toBe(200);
    await t.runtime.database.db.execute(sql`insert into draft_accounts (draft_id, account_id) values (${created.body.id}, ${accountB.id})`);
    return created.body.id;
  }

  it('are refused at submit, and stay drafts', async () => {
    const id = await legacyDraft(false);
    const res = await t.request('POST', `/api/v1/drafts/${id}/submit`, { token: demo.tokens.drafter });
    expectForeignRefusal(res, accountB.id);
    expect((await t.request('GET', `/api/v1/drafts/${id}`, { token: demo.tokens.drafter })).body.status).toBe('draft');
  });

  it('already in review cannot be finally approved', async () => {
    const id = await legacyDraft(true);
    for (const level of LEVELS.slice(0, -1)) {
      const link = await t.linkFor(demo.people[level]!);
      const res = await t.request('POST', `/api/v1/signoff/${link}`, { body: { decision: 'approve', checklist: ALL_TICKED } });
      expect(res.status, `${level}: ${res.text}`).toBe(200);
    }
    const last = await t.linkFor(demo.people.secretary!);
    const res = await t.request('POST', `/api/v1/signoff/${last}`, { body: { decision: 'approve', checklist: ALL_TICKED } });
    expectForeignRefusal(res, accountB.id);
    expect((await t.request('GET', `/api/v1/drafts/${id}`, { token: demo.tokens.drafter })).body.status).toBe('in_review');
  });
});
