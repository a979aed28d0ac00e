import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSha256 } from '../src/domain/content';
import { ALL_TICKED, createTestEnv, type TestEnv } from './harness';
import { rowsOf } from './registry-fixtures';

/**
 * The one text rule (src/lib/text.ts): a NUL or a lone surrogate anywhere a caller can put a string
 * is a 400 naming the field and changes nothing; what is stored hashes to the recorded fingerprint.
 */
let t: TestEnv;
let demo: Awaited<ReturnType<TestEnv['seed']>>;
let draftId: string;

const NUL = 'a\u0000b';
const LONE = 'a\ud800b';

beforeAll(async () => {
  t = await createTestEnv('postgres');
  demo = await t.seed();
  const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '文本规则', body: '正文', unitId: demo.unitId, accountIds: [demo.accountId] } });
  draftId = created.body.id;
});
afterAll(() => t?.close());

async function counts() {
  const res = await t.runtime.database.db.execute(sql`select (select count(*) from drafts)::int as drafts, (select count(*) from draft_versions)::int as versions, (select count(*) from people)::int as people, (select count(*) from accounts)::int as accounts, (select count(*) from decisions)::int as decisions, (select count(*) from audit_events)::int as audit`);
  return rowsOf<Record<string, number>>(res)[0];
}

/** Sent as an admin: a 400 validation_failed, and no table's count moved. */
async function refusedUnchanged(method: string, path: string, body: unknown) {
  const before = await counts();
  const res = await t.request(method, path, { token: demo.tokens.admin, body });
  expect(res.status, res.text).toBe(400);
  expect(res.body.error.code).toBe('validation_failed');
  expect(await counts()).toEqual(before);
  return res;
}

describe('NUL and lone surrogates: 400 naming the field, nothing changed', () => {
  const cases: [string, () => [string, string, unknown, string?], string][] = [
    ['draft title with NUL', () => ['POST', '/api/v1/drafts', { title: NUL, body: 'b', unitId: demo.unitId, accountIds: [demo.accountId] }], 'title'],
    ['draft body with a lone surrogate', () => ['POST', '/api/v1/drafts', { title: 't', body: LONE, unitId: demo.unitId, accountIds: [demo.accountId] }], 'body'],
    ['draft edit with a trailing high surrogate', () => ['PATCH', `/api/v1/drafts/${draftId}`, { body: '正文\ud83d' }], 'body'],
    ['draft edit with a leading low surrogate', () => ['PATCH', `/api/v1/drafts/${draftId}`, { title: '\ude00标题' }], 'title'],
    ['withdraw reason with NUL', () => ['POST', `/api/v1/drafts/${draftId}/withdraw`, { reason: NUL }], 'reason'],
    ['person name with NUL', () => ['POST', '/api/v1/people', { name: NUL, email: 'nul@x.cn', roles: ['staff'] }], 'name'],
    ['person phone with NUL', () => ['POST', '/api/v1/people', { name: 'n', email: 'nul2@x.cn', roles: ['staff'], phone: '12345\u0000' }], 'phone'],
    ['unit name with a lone surrogate', () => ['POST', '/api/v1/units', { name: LONE, code: 'SUR1' }], 'name'],
    ['account name with NUL', () => ['POST', '/api/v1/accounts', { name: NUL, platform: 'wechat_official', platformId: 'gh_x', unitId: demo.unitId, ownerId: demo.people.publicity_officer, adminIds: [demo.people.publicity_officer], commentatorIds: [demo.people.drafter] }], 'name'],
    ['account url with NUL (a z.url field)', () => ['POST', '/api/v1/accounts', { name: 'n', url: 'https://example.cn/a\u0000', platform: 'wechat_official', platformId: 'gh_y', unitId: demo.unitId, ownerId: demo.people.publicity_officer, adminIds: [demo.people.publicity_officer], commentatorIds: [demo.people.drafter] }], 'url'],
    ['robot secret with NUL', () => ['PUT', `/api/v1/units/${demo.unitId}/robots`, { dingtalk: { url: 'https://oapi.dingtalk.com/robot/send?access_token=x', secret: NUL } }], 'dingtalk.secret'],
    ['calendar festival name with a lone surrogate', () => ['PUT', '/api/v1/calendar/2031', { festivals: [{ name: LONE, first: '2031-01-01' }] }], 'festivals.0.name'],
    ['a field name with NUL', () => ['POST', '/api/v1/drafts', { 'title\u0000': 't', body: 'b', unitId: demo.unitId, accountIds: [demo.accountId] }], '(body)'],
    ['query value with NUL', () => ['GET', '/api/v1/drafts?status=%00', undefined], 'status'],
    ['path segment with NUL (named as its route names it)', () => ['GET', '/api/v1/verify/SJ%00', undefined], 'code'],
    ['a unit id with NUL', () => ['GET', '/api/v1/units/a%00b', undefined], 'unitId'],
    ['verify code with NUL', () => ['GET', '/verify/SJ-2026%00', undefined], 'code'],
  ];

  it.each(cases)('%s', async (_, make, field) => {
    const [method, path, body] = make();
    const res = await refusedUnchanged(method, path, body);
    if (field !== '(body)') expect(res.body.error.message).toContain(field);
    expect(JSON.stringify(res.body.error.details)).toMatch(/空字符|不成对的代理项/);
    const english = await t.request(method, path, { token: demo.tokens.admin, body, headers: { 'accept-language': 'en' } });
    expect(JSON.stringify(english.body.error.details)).toMatch(/NUL|surrogate/);
  });

  it('refuses them in a sign-off decision, by API and by the no-JavaScript form', async () => {
    await t.request('POST', `/api/v1/drafts/${draftId}/submit`, { token: demo.tokens.drafter });
    const link = await t.linkFor(demo.people.section_head!);
    const before = await counts();
    const api = await t.request('POST', `/api/v1/signoff/${link}`, { body: { decision: 'approve', checklist: ALL_TICKED, comment: NUL } });
    expect(api.status, api.text).toBe(400);
    expect(api.body.error.message).toContain('comment');
    // (a form is UTF-8 on the wire, where a lone surrogate cannot exist; a NUL can)
    const form = new URLSearchParams({ decision: 'approve', comment: NUL });
    for (const item of Object.keys(ALL_TICKED)) form.append('checklist', item);
    const page = await t.runtime.app.request(`/s/${link}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('comment');
    expect(await counts()).toEqual(before);
    // the link is still good for a proper decision
    const ok = await t.request('POST', `/api/v1/signoff/${link}`, { body: { decision: 'approve', checklist: ALL_TICKED, comment: '同意 👍' } });
    expect(ok.status, ok.text).toBe(200);
  });

  it('bounds every text field', async () => {
    const res = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '长'.repeat(201), body: 'b', unitId: demo.unitId, accountIds: [demo.accountId] } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('title');
  });
});

describe('what is stored hashes to the recorded fingerprint', () => {
  it('keeps emoji, CJK and combining marks exactly, and the stored text hashes to the recorded content hash', async () => {
    const title = '通知 🎉 e\u0301';
    const body = '第一段\r\n𠀀 surrogate pair 😀, combining n\u0303, ideograph 𪚥';
    const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title, body, unitId: demo.unitId, accountIds: [demo.accountId] } });
    expect(created.status, created.text).toBe(201);
    const [stored] = rowsOf<{ title: string; body: string; body_format: 'text' | 'html'; content_sha256: string }>(
      await t.runtime.database.db.execute(sql`select v.title, v.body, v.body_format, v.content_sha256 from draft_versions v where v.draft_id = ${created.body.id}`),
    );
    const norm = (s: string) => s.normalize('NFC').replace(/\r\n?/g, '\n');
    expect(norm(stored!.body)).toBe(norm(body));
    expect(norm(stored!.title)).toBe(norm(title));
    expect(await contentSha256({ title: stored!.title, body: stored!.body, bodyFormat: stored!.body_format })).toBe(stored!.content_sha256);
    expect(created.body.contentSha256).toBe(stored!.content_sha256);
  });
});

describe('ids in upper case', () => {
  // PostgreSQL reads a uuid in either case; the service also compares ids as strings (the accounts
  // asked for against the rows found), so an upper-case id must be read as the same id, not as a 404.
  it('names the same rows as in lower case, in paths, queries and body arrays', async () => {
    const up = (id: string) => id.toUpperCase();
    const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '大写编号', body: '正文', unitId: up(demo.unitId), accountIds: [up(demo.accountId)] } });
    expect(created.status, created.text).toBe(201);
    expect(created.body.unitId).toBe(demo.unitId);
    expect(created.body.accountIds).toEqual([demo.accountId]);
    const read = await t.request('GET', `/api/v1/drafts/${up(created.body.id)}`, { token: demo.tokens.drafter });
    expect(read.status, read.text).toBe(200);
    expect(read.body.id).toBe(created.body.id);
    const listed = await t.request('GET', `/api/v1/people?unitId=${up(demo.unitId)}`, { token: demo.tokens.admin });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.items.length).toBeGreaterThan(0);
    expect(listed.body.items.every((p: { unitId: string }) => p.unitId === demo.unitId)).toBe(true);
  });
});

describe('dates a caller sends', () => {
  // Year 0 does not exist in PostgreSQL (it was a 500), and years below 100 came back from the
  // driver as 19xx/20xx: every instant and day is read by one validator (src/lib/http.ts) that
  // keeps them within 1900–2100.
  const incident = (occurredAt: string) => ({ unitId: demo.unitId, summary: '日期', occurredAt, place: '校内', people: '学生', development: '经过', group: 'students' });
  const cases: [string, () => [string, string, unknown], string][] = [
    ['an incident in year 0', () => ['POST', '/api/v1/incidents', incident('0000-01-01T00:00:00Z')], 'occurredAt'],
    ['an incident in year 49 (read back as 2049 before)', () => ['POST', '/api/v1/incidents', incident('0049-06-01T00:00:00Z')], 'occurredAt'],
    ['an incident in 9999', () => ['POST', '/api/v1/incidents', incident('9999-12-31T23:59:59Z')], 'occurredAt'],
    ['a roster entry in year 1', () => ['PUT', `/api/v1/units/${demo.unitId}/duty-roster`, { entries: [{ personId: demo.people.drafter, from: '0001-01-01T00:00:00Z', to: '2031-01-01T00:00:00Z' }] }], 'entries.0.from'],
    ['an account member ending in year 0', () => ['PATCH', `/api/v1/accounts/${demo.accountId}`, { members: [{ personId: demo.people.drafter, role: 'commentator', kind: 'student', endsAt: '0000-01-01T00:00:00Z' }] }], 'members.0.endsAt'],
    ['the audit log from year 0', () => ['GET', '/api/v1/audit/events?from=0000-01-01T00:00:00Z', undefined], 'from'],
    ['duties of a day that does not exist', () => ['GET', '/api/v1/duties?period=2026-02-30', undefined], 'period'],
    ['duties of year 0', () => ['GET', '/api/v1/duties?period=0000', undefined], 'period'],
  ];

  it.each(cases)('%s: 400 naming the field, nothing changed', async (_, make, field) => {
    const [method, path, body] = make();
    const res = await refusedUnchanged(method, path, body);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
  });

  it('an incident said to occur in the future is refused; one a minute ago is reported, its time read back as sent', async () => {
    const ahead = await t.request('POST', '/api/v1/incidents', { token: demo.tokens.drafter, body: incident(new Date(Date.now() + 3_600_000).toISOString()) });
    expect(ahead.status, ahead.text).toBe(400);
    expect(ahead.body.error.details[0]).toMatchObject({ path: 'occurredAt', message: '不能晚于当前时间' });
    const at = new Date(Date.now() - 60_000).toISOString();
    const ok = await t.request('POST', '/api/v1/incidents', { token: demo.tokens.drafter, body: incident(at) });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.occurredAt).toBe(at);
  });
});
