import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ALL_TICKED, createTestEnv, type TestEnv } from './harness';
import { itChecksAccess, type AccessCase } from './support/access';

/** Every route checks role and unit, and every malformed request is a 4xx naming the field, changing nothing. */
let t: TestEnv;
let a: Awaited<ReturnType<TestEnv['seed']>>;
let b: Awaited<ReturnType<TestEnv['seed']>>;
let draftId: string;
let reviewId: string;

beforeAll(async () => {
  t = await createTestEnv('postgres');
  a = await t.seed();
  b = await t.seed();
  const created = await t.request('POST', '/api/v1/drafts', { token: a.tokens.drafter, body: { title: '权限测试', body: '正文', unitId: a.unitId, accountIds: [a.accountId] } });
  draftId = created.body.id;
  const submitted = await t.request('POST', `/api/v1/drafts/${draftId}/submit`, { token: a.tokens.drafter });
  reviewId = submitted.body.reviews[0].id;
});
afterAll(() => t?.close());

async function counts() {
  const res = await t.runtime.database.db.execute(sql`select (select count(*) from drafts)::int as drafts, (select count(*) from draft_versions)::int as versions, (select count(*) from people)::int as people, (select count(*) from units)::int as units, (select count(*) from reviews)::int as reviews, (select count(*) from audit_events)::int as audit`);
  return ((Array.isArray(res) ? res : (res as any).rows) as Record<string, number>[])[0];
}

describe('role and unit checks', () => {
  type Who = 'none' | 'forged' | 'adminA' | 'publicityA' | 'drafterA' | 'sectionA' | 'drafterB' | 'sectionB';
  const token = (who: Who) =>
    ({ none: undefined, forged: 'imp_' + 'x'.repeat(43), adminA: a.tokens.admin, publicityA: a.tokens.publicity, drafterA: a.tokens.drafter, sectionA: a.tokens.section_head, drafterB: b.tokens.drafter, sectionB: b.tokens.section_head })[who];

  const cases: AccessCase<Who>[] = [
    ['create unit', () => ['POST', '/api/v1/units', { name: '新单位', code: `U${Math.random().toString(36).slice(2, 8)}` }], { none: 401, forged: 401, publicityA: 403, drafterA: 403, adminA: 201 }],
    ['read unit', () => ['GET', `/api/v1/units/${a.unitId}`], { none: 401, drafterB: 403, sectionB: 403, drafterA: 200, sectionA: 200, publicityA: 200 }],
    ['set chain', () => ['PUT', `/api/v1/units/${b.unitId}/chain`, { levels: ['section_head', 'deputy_leader', 'publicity_officer', 'secretary'] }], { none: 401, drafterB: 403, sectionB: 403, publicityA: 403, adminA: 200 }],
    ['create person', () => ['POST', '/api/v1/people', { name: '某人', email: `p${Math.random().toString(36).slice(2)}@x.cn`, roles: ['staff'] }], { none: 401, drafterA: 403, sectionA: 403, publicityA: 201, adminA: 201 }],
    ['publicity cannot mint an admin', () => ['POST', '/api/v1/people', { name: '某人', email: `q${Math.random().toString(36).slice(2)}@x.cn`, roles: ['admin'] }], { publicityA: 403 }],
    ['read another person', () => ['GET', `/api/v1/people/${a.people.secretary}`], { none: 401, drafterA: 403, drafterB: 403, publicityA: 200 }],
    ['me', () => ['GET', '/api/v1/me'], { none: 401, forged: 401, drafterB: 200 }],
    ['appoint position', () => ['PUT', `/api/v1/units/${b.unitId}/positions/secretary`, { personId: b.people.secretary }], { none: 401, drafterB: 403, sectionB: 403, adminA: 200 }],
    ['draft in another unit', () => ['POST', '/api/v1/drafts', { title: 't', body: 'b', unitId: a.unitId, accountIds: [a.accountId] }], { none: 401, drafterB: 403, sectionB: 403 }],
    ['read a draft of another unit', () => ['GET', `/api/v1/drafts/${draftId}`], { none: 401, drafterB: 403, sectionB: 403, drafterA: 200, sectionA: 200, publicityA: 200 }],
    ['edit someone else’s draft', () => ['PATCH', `/api/v1/drafts/${draftId}`, { title: '改' }], { none: 401, sectionA: 403, drafterB: 403, publicityA: 403 }],
    ['submit someone else’s draft', () => ['POST', `/api/v1/drafts/${draftId}/submit`], { sectionA: 403, drafterB: 403 }],
    ['withdraw someone else’s draft', () => ['POST', `/api/v1/drafts/${draftId}/withdraw`], { sectionA: 403, drafterB: 403 }],
    ['retract someone else’s draft', () => ['POST', `/api/v1/drafts/${draftId}/retract`], { sectionA: 403, drafterB: 403 }],
    ['urge someone else’s draft', () => ['POST', `/api/v1/drafts/${draftId}/urge`], { sectionA: 403, drafterB: 403 }],
    ['transfer a review not yours', () => ['POST', `/api/v1/reviews/${reviewId}/transfer`, { toPersonId: a.people.deputy_leader, reason: '出差' }], { none: 401, drafterA: 403, drafterB: 403 }],
    ['verify the audit chain', () => ['GET', '/api/v1/audit/verify'], { none: 401, drafterA: 403, sectionA: 403, publicityA: 200, adminA: 200 }],
  ];

  itChecksAccess(() => t, token, cases);

  it('lists only what the caller may see', async () => {
    const ofB = await t.request('GET', '/api/v1/drafts', { token: b.tokens.drafter });
    expect(ofB.body.items.map((d: any) => d.id)).not.toContain(draftId);
    const awaiting = await t.request('GET', '/api/v1/drafts?awaiting=me', { token: a.tokens.section_head });
    expect(awaiting.body.items.map((d: any) => d.id)).toContain(draftId);
    const mine = await t.request('GET', '/api/v1/drafts?mine=true', { token: a.tokens.section_head });
    expect(mine.body.items).toEqual([]);
  });
});

describe('malformed input: 4xx naming the field, nothing changed', () => {
  const cases: [string, string, string, { body?: unknown; raw?: string; headers?: Record<string, string> }, number, string][] = [
    ['unit without name', 'POST', '/api/v1/units', { body: { code: 'X1' } }, 400, 'name'],
    ['unit with a bad code', 'POST', '/api/v1/units', { body: { name: 'n', code: '中文 code' } }, 400, 'code'],
    ['unit chain out of order', 'POST', '/api/v1/units', { body: { name: 'n', code: 'X2', chain: { levels: ['secretary', 'section_head'] } } }, 400, 'chain.levels'],
    ['unit chain of one signature', 'PUT', '/api/v1/units/{unitA}/chain', { body: { levels: ['secretary'] } }, 400, 'levels'],
    ['unit chain with an unknown field', 'PUT', '/api/v1/units/{unitA}/chain', { body: { levels: ['section_head', 'deputy_leader', 'publicity_officer', 'secretary'], zzExtra: 'x' } }, 400, 'zzExtra'],
    ['unit chain with an unknown SLA field', 'PUT', '/api/v1/units/{unitA}/chain', { body: { levels: ['section_head', 'deputy_leader', 'publicity_officer', 'secretary'], sla: { secretary: { normalHours: 8, urgentHours: 2, zz: 1 } } } }, 400, 'sla.secretary'],
    ['unit chain without the leader in charge', 'POST', '/api/v1/units', { body: { name: 'n', code: 'X3', chain: { levels: ['section_head', 'publicity_officer', 'secretary'] } } }, 400, 'chain.levels'],
    ['person with a bad email', 'POST', '/api/v1/people', { body: { name: 'n', email: 'not-an-email', roles: ['staff'] } }, 400, 'email'],
    ['person with an unknown role', 'POST', '/api/v1/people', { body: { name: 'n', email: 'n@x.cn', roles: ['king'] } }, 400, 'roles.0'],
    ['person with no roles', 'POST', '/api/v1/people', { body: { name: 'n', email: 'n@x.cn', roles: [] } }, 400, 'roles'],
    ['person in an unknown unit', 'POST', '/api/v1/people', { body: { name: 'n', email: 'n2@x.cn', roles: ['staff'], unitId: '00000000-0000-4000-8000-000000000000' } }, 404, ''],
    ['duplicate email', 'POST', '/api/v1/people', { body: { name: 'n', email: 'DRAFTER@x.cn', roles: ['staff'] } }, 409, ''],
    ['unknown position', 'PUT', '/api/v1/units/{unitA}/positions/president', { body: { personId: '{person}' } }, 400, 'position'],
    ['position holder not a uuid', 'PUT', '/api/v1/units/{unitA}/positions/secretary', { body: { personId: 'bob' } }, 400, 'personId'],
    ['position holder unknown', 'PUT', '/api/v1/units/{unitA}/positions/secretary', { body: { personId: '00000000-0000-4000-8000-000000000000' } }, 404, ''],
    ['unit id not a uuid', 'GET', '/api/v1/units/abc', {}, 400, 'unitId'],
    ['draft without title', 'POST', '/api/v1/drafts', { body: { body: 'b', unitId: '{unitA}', accountIds: ['{account}'] } }, 400, 'title'],
    ['draft with a number as title', 'POST', '/api/v1/drafts', { body: { title: 42, body: 'b', unitId: '{unitA}', accountIds: ['{account}'] } }, 400, 'title'],
    ['draft with bad account ids', 'POST', '/api/v1/drafts', { body: { title: 't', body: 'b', unitId: '{unitA}', accountIds: ['x'] } }, 400, 'accountIds.0'],
    ['draft with unknown account', 'POST', '/api/v1/drafts', { body: { title: 't', body: 'b', unitId: '{unitA}', accountIds: ['00000000-0000-4000-8000-000000000000'] } }, 404, ''],
    ['draft with unknown unit', 'POST', '/api/v1/drafts', { body: { title: 't', body: 'b', unitId: '00000000-0000-4000-8000-000000000000', accountIds: ['{account}'] } }, 404, ''],
    ['draft with a bad urgency', 'POST', '/api/v1/drafts', { body: { title: 't', body: 'b', unitId: '{unitA}', accountIds: ['{account}'], urgency: 'asap' } }, 400, 'urgency'],
    ['draft with an unknown field', 'POST', '/api/v1/drafts', { body: { title: 't', body: 'b', unitId: '{unitA}', accountIds: ['{account}'], status: 'approved' } }, 400, ''],
    ['draft with broken JSON', 'POST', '/api/v1/drafts', { raw: '{"title": "t",' }, 400, ''],
    ['draft as form data', 'POST', '/api/v1/drafts', { raw: 'title=t', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, ''],
    ['draft id not a uuid', 'GET', '/api/v1/drafts/123', {}, 400, 'id'],
    ['draft list with a bad limit', 'GET', '/api/v1/drafts?limit=abc', {}, 400, 'limit'],
    ['draft list with a bad status', 'GET', '/api/v1/drafts?status=lost', {}, 400, 'status'],
    ['empty edit', 'PATCH', '/api/v1/drafts/{draft}', { body: {} }, 400, 'title'],
    ['urge with a number comment', 'POST', '/api/v1/drafts/{draft}/urge', { body: { comment: 5 } }, 400, 'comment'],
    ['unknown draft', 'GET', '/api/v1/drafts/00000000-0000-4000-8000-000000000000', {}, 404, ''],
    ['decision that is not one', 'POST', '/api/v1/signoff/{link}', { body: { decision: 'maybe', checklist: {} } }, 400, 'decision'],
    ['decision without checklist', 'POST', '/api/v1/signoff/{link}', { body: { decision: 'approve' } }, 400, 'checklist'],
    ['checklist with an unknown item', 'POST', '/api/v1/signoff/{link}', { body: { decision: 'approve', checklist: { ...ALL_TICKED, vibes: true } } }, 400, 'checklist'],
    ['checklist with a string', 'POST', '/api/v1/signoff/{link}', { body: { decision: 'approve', checklist: { ...ALL_TICKED, accurate: 'yes' } } }, 400, 'checklist.accurate'],
    ['return to a later level', 'POST', '/api/v1/signoff/{link}', { body: { decision: 'return', returnTo: 'secretary', comment: 'x', checklist: {} } }, 400, ''],
    ['return to a made-up level', 'POST', '/api/v1/signoff/{link}', { body: { decision: 'return', returnTo: 'mayor', comment: 'x', checklist: {} } }, 400, 'returnTo'],
    ['transfer without a reason', 'POST', '/api/v1/reviews/{review}/transfer', { body: { toPersonId: '{person}' } }, 400, 'reason'],
    ['unknown API path', 'GET', '/api/v1/nothing-here', {}, 404, ''],
    ['an empty JSON body where fields are required', 'POST', '/api/v1/units', { raw: '' }, 400, 'name'],
  ];

  let link: string;
  beforeAll(async () => {
    link = await t.linkFor(a.people.section_head!);
  });

  it.each(cases)('%s', async (_, method, rawPath, opts, status, field) => {
    const fill = (s: string) =>
      s.replace('{unitA}', a.unitId).replace('{account}', a.accountId).replace('{draft}', draftId).replace('{link}', link).replace('{review}', reviewId).replace('{person}', a.people.secretary!);
    const body = opts.body === undefined ? undefined : JSON.parse(fill(JSON.stringify(opts.body)).replace('DRAFTER@x.cn', `DRAFTER.${a.unitId}@x.cn`));
    if (_ === 'duplicate email') await t.request('POST', '/api/v1/people', { token: a.tokens.admin, body: { ...body, email: body.email.toLowerCase() } });
    const before = await counts();
    const res = await t.request(method, fill(rawPath), { token: a.tokens.admin, body, raw: opts.raw, headers: opts.headers });
    expect(res.status, res.text).toBe(status);
    expect(res.body.error.message).toBeTruthy();
    if (field) expect(res.body.error.message).toContain(field);
    expect(await counts()).toEqual(before);
  });

  it('takes an empty JSON body as no fields, so body-less actions work from clients that always send the header', async () => {
    const created = await t.request('POST', '/api/v1/drafts', { token: a.tokens.drafter, body: { title: '空请求体', body: '正文', unitId: a.unitId, accountIds: [a.accountId] } });
    const json = { 'content-type': 'application/json', authorization: `Bearer ${a.tokens.drafter}` };
    for (const [action, headers] of [['submit', json], ['withdraw', { ...json, 'content-length': '0' }]] as const) {
      const res = await t.runtime.app.request(`/api/v1/drafts/${created.body.id}/${action}`, { method: 'POST', headers });
      expect(res.status, await res.clone().text()).toBe(200);
    }
    const broken = await t.request('POST', `/api/v1/drafts/${created.body.id}/urge`, { token: a.tokens.drafter, raw: '{' });
    expect(broken.body.error.code).toBe('invalid_json');
  });

  it('answers in English when asked', async () => {
    const res = await t.request('GET', '/api/v1/drafts/123', { token: a.tokens.admin, headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(res.body.error.message).toMatch(/^Invalid request: id/);
  });
});
