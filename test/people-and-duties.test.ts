import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryArgs } from './support/entries';
import { sql } from 'drizzle-orm';
import { parseConfig, ConfigError } from '../src/config';
import { emailDomainAllowed } from '../src/domain/email';
import { sheetHash } from '../src/domain/sheet';
import { sheetFacts } from '../src/services/sheet';
import { operatorToken } from '../src/services/bootstrap';
import { ALL_TICKED, createTestEnv, type TestEnv } from './harness';
import { rowsOf, type Demo } from './registry-fixtures';

/**
 * Separation of duties against whoever manages people: no answer hands out another person's
 * credential, new addresses must belong to the institution, and appointments are told to the
 * people who would notice a puppet.
 */
const run = promisify(execFile);
const TOKEN = /imp_[A-Za-z0-9_-]{20,}/;

let t: TestEnv;
let demo: Demo;
beforeAll(async () => {
  t = await createTestEnv('postgres');
  demo = await t.seed();
});
afterAll(() => t?.close());

const addPerson = (token: string, body: Record<string, unknown>) => t.request('POST', '/api/v1/people', { token, body: { roles: ['staff'], unitId: demo.unitId, ...body } });

describe('people are created without handing out their credential', () => {
  it('POST /people answers without a token; the new person is welcomed at their own address with the sign-in page, no credential', async () => {
    await t.deliver();
    const res = await addPerson(demo.tokens.publicity!, { name: '新同事', email: 'new.colleague@demo.imprimatur.local' });
    expect(res.status, res.text).toBe(201);
    expect(res.body).not.toHaveProperty('token');
    expect(res.text).not.toMatch(TOKEN);
    const sent = await t.deliver();
    expect(sent).toHaveLength(1);
    const welcome = sent[0]!;
    expect(welcome).toMatchObject({ kind: 'welcome', to: { personId: res.body.id, email: 'new.colleague@demo.imprimatur.local' } });
    expect(welcome.subject).toMatch(/^【账号开通】/);
    expect(welcome.text).toContain('http://imprimatur.test/login');
    expect(welcome.text.indexOf('登录方法')).toBeLessThan(welcome.text.indexOf('To sign in'));
    for (const part of [welcome.text, welcome.html, welcome.link ?? '']) expect(part).not.toMatch(TOKEN);
    // The token the person will use is theirs alone: the creator's own identity is unchanged.
    const me = await t.request('GET', '/api/v1/me', { token: await t.tokenFor(res.body.id) });
    expect(me.body).toMatchObject({ id: res.body.id, email: 'new.colleague@demo.imprimatur.local' });
  });

  it('a WeCom or DingTalk id is one person’s: a second holder would receive the first’s links (409 naming it, case aside)', async () => {
    const first = await addPerson(demo.tokens.admin!, { name: '企微甲', email: 'wecom.a@demo.imprimatur.local', wecomUserId: 'WangWu', dingtalkUserId: 'dt-1' });
    expect(first.status, first.text).toBe(201);
    for (const [field, value] of [['wecomUserId', 'wangwu'], ['dingtalkUserId', 'DT-1']] as const) {
      const again = await addPerson(demo.tokens.admin!, { name: '企微乙', email: `wecom.b.${field}@demo.imprimatur.local`, [field]: value });
      expect(again.status).toBe(409);
      expect(again.body.error.details).toEqual({ field });
    }
    // Nor taken over from someone's own settings; keeping one's own is fine.
    const other = await t.request('PUT', `/api/v1/people/${demo.people.drafter}/notifications`, { token: demo.tokens.drafter, body: { channels: ['wecom', 'email'], wecomUserId: 'WANGWU' } });
    expect(other.status).toBe(409);
    const own = await t.request('PUT', `/api/v1/people/${first.body.id}/notifications`, { token: await t.tokenFor(first.body.id), body: { channels: ['wecom'], wecomUserId: 'WangWu' } });
    expect(own.status, own.text).toBe(200);
  });

  it('two people created at once with the same WeCom id: one is made, the other refused (the check is not a race)', async () => {
    for (let round = 0; round < 5; round++) {
      const both = await Promise.all(['甲', '乙'].map((who, i) => addPerson(demo.tokens.admin!, { name: `并发${who}`, email: `race.${round}.${i}@demo.imprimatur.local`, wecomUserId: `race-${round}`, dingtalkUserId: `race-dt-${round}-${i}` })));
      expect(both.map((r) => r.status).sort(), both.map((r) => r.text).join('\n')).toEqual([201, 409]);
      const holders = rowsOf(await t.runtime.database.db.execute(sql`select id from people where lower(wecom_user_id) = ${`race-${round}`}`));
      expect(holders).toHaveLength(1);
    }
  });

  it('the OpenAPI description of POST /people promises no token', async () => {
    const spec = (await t.request('GET', '/openapi.json')).body;
    const schema = spec.paths['/api/v1/people'].post.responses['201'].content['application/json'].schema;
    const resolved = schema.$ref ? spec.components.schemas[schema.$ref.split('/').pop()] : schema;
    expect(Object.keys(resolved.properties)).not.toContain('token');
  });

  it('`cli token --email E` prints { personId, token } for an existing person, and the token works', async () => {
    const databaseUrl = t.runtime.config.databaseUrl!;
    const env = { ...process.env, DATABASE_URL: databaseUrl, APP_SECRET: t.runtime.config.appSecret, LOG_LEVEL: 'silent', NODE_ENV: 'test' };
    // Looked up case-insensitively, as addresses are unique regardless of case.
    const email = (await t.request('GET', '/api/v1/me', { token: demo.tokens.drafter })).body.email.toUpperCase();
    const { stdout } = await run(process.execPath, entryArgs('cli', ['token', '--email', email]), { env, cwd: process.cwd() });
    const printed = JSON.parse(stdout.trim());
    expect(Object.keys(printed).sort()).toEqual(['personId', 'token']);
    expect(printed.personId).toBe(demo.people.drafter);
    const me = await t.request('GET', '/api/v1/me', { token: printed.token });
    expect(me.body.id).toBe(demo.people.drafter);
    const unknown = await run(process.execPath, entryArgs('cli', ['token', '--email', 'nobody@nowhere.cn']), { env, cwd: process.cwd() }).catch((e: { stdout: string; code: number }) => e);
    expect((unknown as { code: number }).code).toBe(1);
    expect(JSON.parse((unknown as { stdout: string }).stdout).error.code).toBe('not_found');
    const issued = rowsOf<{ n: number }>(await t.runtime.database.db.execute(sql`select count(*)::int as n from audit_events where action = 'person.token_issued' and subject_id = ${demo.people.drafter}`));
    expect(issued[0]!.n).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('operator tokens keep to the limit of 20, each with its own name; the oldest operator token gives way, never one the person named', async () => {
    const person = await addPerson(demo.tokens.admin!, { name: '令牌上限', email: 'token.limit@demo.imprimatur.local' });
    const own = await t.request('POST', '/api/v1/tokens', { token: await t.tokenFor(person.body.id), body: { label: 'cli 我的脚本' } });
    expect(own.status, own.text).toBe(201);
    const minted: string[] = [];
    for (let i = 0; i < 22; i++) minted.push((await operatorToken(t.runtime.database.db, t.runtime.deps, { personId: person.body.id })).token);
    const live = (await t.request('GET', '/api/v1/tokens', { token: minted.at(-1) })).body.items as { label: string }[];
    expect(live).toHaveLength(20);
    expect(new Set(live.map((k) => k.label)).size).toBe(20);
    expect(live.map((k) => k.label)).toContain('cli 我的脚本');
    expect(live.filter((k) => k.label !== 'cli 我的脚本').every((k) => /^cli \d{4}-\d{2}-\d{2} \d{2}:\d{2}( \(\d+\))?$/.test(k.label))).toBe(true);
    // The first ones gave way (revoked, recorded); the newest work.
    expect((await t.request('GET', '/api/v1/me', { token: minted[0] })).status).toBe(401);
    expect((await t.request('GET', '/api/v1/me', { token: minted.at(-1) })).status).toBe(200);
  });

  it('a CLI run with another APP_SECRET is refused naming it (its token would be accepted nowhere); `secret:adopt` changes the secret on purpose', async () => {
    const cli = (secret: string, ...args: string[]) =>
      run(process.execPath, entryArgs('cli', args), { env: { ...process.env, DATABASE_URL: t.runtime.config.databaseUrl!, APP_SECRET: secret, LOG_LEVEL: 'silent', NODE_ENV: 'test', LANG: 'C' }, cwd: process.cwd() })
        .then(({ stdout }) => ({ code: 0, out: JSON.parse(stdout.trim()) }), (e: { stdout: string; code: number }) => ({ code: e.code, out: JSON.parse(e.stdout.trim()) }));
    const email = (await t.request('GET', '/api/v1/me', { token: demo.tokens.drafter })).body.email;
    const other = 'another-secret-0123456789abcdef0123456789';
    const refused = await cli(other, 'token', '--email', email);
    expect(refused.code).toBe(1);
    expect(refused.out.error.code).toBe('invalid_config');
    expect(refused.out.error.message).toMatch(/^APP_SECRET 与此数据库在用的密钥不同.*secret:adopt/);
    expect(JSON.stringify(refused.out)).not.toMatch(TOKEN);
    // On purpose: the new secret is adopted; now the old one is refused, until it is adopted back.
    expect((await cli(other, 'secret:adopt')).out).toEqual({ adopted: true, changed: true });
    expect((await cli(t.runtime.config.appSecret, 'installation')).out.error.code).toBe('invalid_config');
    expect((await cli(t.runtime.config.appSecret, 'secret:adopt')).out).toEqual({ adopted: true, changed: true });
    expect((await cli(t.runtime.config.appSecret, 'secret:adopt')).out).toEqual({ adopted: true, changed: false });
    expect((await cli(t.runtime.config.appSecret, 'installation')).code).toBe(0);
  }, 120_000);
});

describe('appointing a position holder is told to the outgoing holder and the unit’s secretary', () => {
  it('both get a zh-CN-first notice naming the new holder; no link in it', async () => {
    const created = await addPerson(demo.tokens.admin!, { name: '新任副院长', email: 'new.deputy@demo.imprimatur.local' });
    await t.deliver();
    const put = await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/deputy_leader`, { token: demo.tokens.publicity, body: { personId: created.body.id } });
    expect(put.status, put.text).toBe(200);
    const sent = (await t.deliver()).filter((m) => m.kind === 'position_assigned');
    expect(sent.map((m) => m.to.personId).sort()).toEqual([demo.people.deputy_leader, demo.people.secretary].sort());
    for (const m of sent) {
      expect(m.subject).toMatch(/^【岗位变动】/);
      expect(m.text).toContain('新任副院长');
      expect(m.text).toContain('张副院长');
      expect(m.text.indexOf('任命')).toBeLessThan(m.text.indexOf('appointed'));
      expect(m.link).toBeUndefined();
    }
    expect(put.body.changed).toBe(true);
    // The same person again: nothing changes, nobody is told, and the answer says so.
    const again = await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/deputy_leader`, { token: demo.tokens.publicity, body: { personId: created.body.id } });
    expect(again.body).toMatchObject({ changed: false, handedOver: 0 });
    expect((await t.deliver()).filter((m) => m.kind === 'position_assigned')).toEqual([]);
    // Appointing a new secretary still tells the secretary who is being replaced.
    const put2 = await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/secretary`, { token: demo.tokens.publicity, body: { personId: created.body.id } });
    expect(put2.status).toBe(200);
    const sent2 = (await t.deliver()).filter((m) => m.kind === 'position_assigned');
    expect(sent2.map((m) => m.to.personId)).toEqual([demo.people.secretary]);
    for (const [position, personId] of [['deputy_leader', demo.people.deputy_leader], ['secretary', demo.people.secretary]] as const) {
      await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/${position}`, { token: demo.tokens.admin, body: { personId } });
    }
    await t.deliver();
  });
});

describe('a level signed by someone appointed while the draft was in review is flagged', () => {
  it('on the draft’s record (appointedDuringReview, appointedAt), in the audit chain and on the approval sheet; earlier holders are not flagged', async () => {
    const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '任命期间签署测试', body: '正文', unitId: demo.unitId, accountIds: [demo.accountId] } });
    const draftId = created.body.id as string;
    expect((await t.request('POST', `/api/v1/drafts/${draftId}/submit`, { token: demo.tokens.drafter })).status).toBe(200);
    const approve = async (personId: string) =>
      t.request('POST', `/api/v1/signoff/${await t.linkFor(personId)}`, { body: { decision: 'approve', checklist: ALL_TICKED, comment: '同意' } });
    expect((await approve(demo.people.section_head!)).status).toBe(200);
    t.clock.advance(1);
    const puppet = await addPerson(demo.tokens.publicity!, { name: '临时副院长', email: 'interim.deputy@demo.imprimatur.local' });
    await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/deputy_leader`, { token: demo.tokens.publicity, body: { personId: puppet.body.id } });
    const appointedAt = t.clock.now.toISOString();
    t.clock.advance(1);
    expect((await approve(puppet.body.id)).status).toBe(200);
    const view = await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter });
    const [first, second] = view.body.reviews;
    expect(first).toMatchObject({ level: 'section_head', decision: 'approve', appointedDuringReview: false, appointedAt: null });
    expect(second).toMatchObject({ level: 'deputy_leader', decision: 'approve', reviewer: { id: puppet.body.id }, appointedDuringReview: true, appointedAt });
    const events = rowsOf<{ data: { level: string; appointedAt: string } }>(
      await t.runtime.database.db.execute(sql`select data from audit_events where action = 'signoff.by_mid_review_appointee' and draft_id = ${draftId}`),
    );
    expect(events.map((e) => [e.data.level, e.data.appointedAt])).toEqual([['deputy_leader', appointedAt]]);
    // On the approval sheet (审核单) too: its facts, and the page its QR code opens, flag that level alone.
    const facts = (await sheetFacts(t.runtime.database.db, draftId))!;
    expect(facts.entries.map((e) => [e.level, e.appointedDuringReview ?? false])).toEqual([['section_head', false], ['deputy_leader', true]]);
    const confirm = await t.request('GET', `/sheets/${draftId}/${await sheetHash(facts)}`);
    expect(confirm.status).toBe(200);
    expect(confirm.text.match(/审核期间新任命/g)).toHaveLength(1);
    await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/deputy_leader`, { token: demo.tokens.admin, body: { personId: demo.people.deputy_leader } });
    await t.deliver();
  });
});

describe('another unit’s account', () => {
  it('a drafter who names another unit’s blocked account learns neither its name nor its status; its own unit still does', async () => {
    const other = await t.seed();
    const account = (await t.request('GET', `/api/v1/accounts/${other.accountId}`, { token: other.tokens.publicity })).body;
    const suspended = await t.request('POST', `/api/v1/accounts/${other.accountId}/suspend`, { token: other.tokens.publicity, body: { reason: '内容整顿' } });
    expect(suspended.status, suspended.text).toBe(200);
    const draft = { title: '跨单位账号', body: '正文', accountIds: [other.accountId] };
    const foreign = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { ...draft, unitId: demo.unitId } });
    // Refused for belonging to another unit (test/cross-unit-accounts.test.ts), before its state is looked at.
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.code).toBe('account_of_other_unit');
    expect(foreign.text).not.toContain(account.name);
    expect(foreign.text).not.toContain('suspended');
    expect(foreign.text).not.toContain('暂停');
    expect(foreign.body.error.details.accounts).toEqual([other.accountId]);
    const own = await t.request('POST', '/api/v1/drafts', { token: other.tokens.drafter, body: { ...draft, unitId: other.unitId } });
    expect(own.status).toBe(409);
    expect(own.body.error.message).toContain(account.name);
    expect(own.body.error.details.accounts).toEqual([{ id: other.accountId, status: 'suspended', reason: 'suspended' }]);
  });
});

describe('new addresses must belong to the institution (ALLOWED_EMAIL_DOMAINS)', () => {
  it('matches the domain or a subdomain, case-insensitively; empty allows any', () => {
    const domains = ['pku.edu.cn', 'alumni.example.cn'];
    expect(emailDomainAllowed('li@pku.edu.cn', domains)).toBe(true);
    expect(emailDomainAllowed('Li@Mail.PKU.edu.CN', domains)).toBe(true);
    expect(emailDomainAllowed('li@x.alumni.example.cn', domains)).toBe(true);
    expect(emailDomainAllowed('li@evilpku.edu.cn', domains)).toBe(false);
    expect(emailDomainAllowed('li@pku.edu.cn.evil.com', domains)).toBe(false);
    expect(emailDomainAllowed('"pku.edu.cn"@evil.com', domains)).toBe(false);
    expect(emailDomainAllowed('anyone@anywhere.org', [])).toBe(true);
  });

  it('is read from a comma-separated setting; a malformed entry stops start', () => {
    expect(parseConfig({ ALLOWED_EMAIL_DOMAINS: ' PKU.edu.cn, @alumni.example.cn ,' }).allowedEmailDomains).toEqual(['pku.edu.cn', 'alumni.example.cn']);
    expect(parseConfig({}).allowedEmailDomains).toEqual([]);
    expect(() => parseConfig({ ALLOWED_EMAIL_DOMAINS: 'pku.edu.cn, not a domain' })).toThrow(ConfigError);
  });

  describe('through the API', () => {
    let u: TestEnv;
    let admin: string;
    beforeAll(async () => {
      u = await createTestEnv('postgres', { ALLOWED_EMAIL_DOMAINS: 'PKU.edu.cn' });
      admin = (await u.seed()).tokens.admin!;
    }, 120_000);
    afterAll(() => u?.close());

    it('a foreign address is a 400 naming email and changes nothing; the institution’s addresses pass', async () => {
      const count = async () => rowsOf<{ n: number }>(await u.runtime.database.db.execute(sql`select count(*)::int as n from people`))[0]!.n;
      const before = await count();
      for (const email of ['puppet@gmail.com', 'puppet@evilpku.edu.cn', 'puppet@pku.edu.cn.evil.com']) {
        const res = await u.request('POST', '/api/v1/people', { token: admin, body: { name: '傀儡', email, roles: ['staff'] } });
        expect(res.status, email).toBe(400);
        expect(res.body.error.code).toBe('email_domain_not_allowed');
        expect(res.body.error.message).toContain('email');
        expect(res.body.error.details[0].path).toBe('email');
      }
      expect(await count()).toBe(before);
      for (const email of ['li@pku.edu.cn', 'wang@Mail.PKU.EDU.CN']) {
        const res = await u.request('POST', '/api/v1/people', { token: admin, body: { name: '真人', email, roles: ['staff'] } });
        expect(res.status, res.text).toBe(201);
      }
    });
  });
});
