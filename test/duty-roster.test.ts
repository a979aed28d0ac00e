import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveries } from '../db/schema';
import { createTestEnv, LOOPBACK_RECEIVERS, type TestEnv } from './harness';
import { itChecksAccess, itChecksPageAccess, sessionsOf } from './support/access';
import { startReceiver } from './support/receiver';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';

/**
 * The duty roster (值班表): a unit's and the university's, which stands in for a unit with nobody
 * on duty; entries that end before they begin or overlap the same person's are refused naming the
 * field; who may read and set which roster; and a new report reaching the person on duty at once
 * — at 23:30 Beijing time, inside quiet hours — over a real robot receiver and a real SMTP server.
 */
const cst = (local: string) => new Date(`${local}+08:00`);
type Demo = Awaited<ReturnType<TestEnv['seed']>>;

let t: TestEnv;
let sink: SmtpSink;
let robot: Awaited<ReturnType<typeof startReceiver>>;
let a: Demo;
let b: Demo;

beforeAll(async () => {
  sink = await startSmtpSink();
  robot = await startReceiver();
  t = await createTestEnv('postgres', { ...LOOPBACK_RECEIVERS, SMTP_URL: sink.url });
  t.clock.now = cst('2026-12-04T10:00:00');
  a = await t.seed();
  b = await t.seed();
  await t.deliver();
}, 60_000);
afterAll(async () => {
  await t?.close();
  await Promise.all([sink?.close(), robot?.close()]);
});

const put = (path: string, token: string | undefined, entries: { personId: string; from: string; to: string }[]) => t.request('PUT', path, { token, body: { entries } });
const report = (token: string, unitId: string, summary: string) => t.request('POST', '/api/v1/incidents', {
  token, body: { unitId, summary, occurredAt: t.clock.now.toISOString(), place: '校园论坛', people: '匿名用户', development: '跟帖增加', group: 'students' },
});
const incidentMail = async () => (await t.deliver()).filter((m) => m.kind === 'incident');

describe('the university roster and the refusals', () => {
  it('publicity sets the university roster; anyone signed in reads it; staff may not set it', async () => {
    const set = await put('/api/v1/duty-roster', a.tokens.publicity, [
      { personId: a.people.publicity!, from: '2026-12-04T08:00:00+08:00', to: '2026-12-05T08:00:00+08:00' },
      { personId: a.people.admin!, from: '2026-12-05T08:00:00+08:00', to: '2026-12-06T08:00:00+08:00' },
    ]);
    expect(set.status, set.text).toBe(200);
    expect(set.body.unitId).toBeNull();
    expect(set.body.entries.map((e: { name: string; from: string }) => [e.name, e.from])).toEqual([['孙宣传部', cst('2026-12-04T08:00:00').toISOString()], ['周管理员', cst('2026-12-05T08:00:00').toISOString()]]);
    const read = await t.request('GET', '/api/v1/duty-roster', { token: b.tokens.drafter });
    expect(read.status).toBe(200);
    expect(read.body.entries).toEqual(set.body.entries);
    expect((await put('/api/v1/duty-roster', a.tokens.secretary, [])).status).toBe(403);
    expect((await t.request('GET', '/api/v1/duty-roster', { token: b.tokens.drafter })).body.entries).toHaveLength(2);
  });

  it('refuses an entry whose to is not after its from, and one person’s overlapping entries, naming the field; nothing changes', async () => {
    const before = (await t.request('GET', '/api/v1/duty-roster', { token: a.tokens.publicity })).body;
    const cases: [string, { personId: string; from: string; to: string }[], string][] = [
      ['to before from', [{ personId: a.people.drafter!, from: '2026-12-06T08:00:00+08:00', to: '2026-12-06T07:00:00+08:00' }], 'entries.0.to'],
      ['to equal to from', [{ personId: a.people.drafter!, from: '2026-12-06T08:00:00+08:00', to: '2026-12-06T08:00:00+08:00' }], 'entries.0.to'],
      ['the same person twice at once', [
        { personId: a.people.drafter!, from: '2026-12-06T08:00:00+08:00', to: '2026-12-07T08:00:00+08:00' },
        { personId: a.people.secretary!, from: '2026-12-06T08:00:00+08:00', to: '2026-12-07T08:00:00+08:00' },
        { personId: a.people.drafter!, from: '2026-12-07T07:00:00+08:00', to: '2026-12-08T08:00:00+08:00' },
      ], 'entries.2.from'],
    ];
    for (const [what, entries, field] of cases) {
      const res = await put('/api/v1/duty-roster', a.tokens.publicity, entries);
      expect(res.status, what).toBe(400);
      expect(res.body.error.code, what).toBe('validation_failed');
      expect(res.body.error.details.map((d: { path: string }) => d.path), what).toEqual([field]);
    }
    const unknown = await put('/api/v1/duty-roster', a.tokens.publicity, [{ personId: '00000000-0000-4000-8000-000000000000', from: '2026-12-06T08:00:00+08:00', to: '2026-12-07T08:00:00+08:00' }]);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('entries.personId');
    const malformed = await put('/api/v1/duty-roster', a.tokens.publicity, [{ personId: 'nobody', from: 'tomorrow', to: '2026-12-07T08:00:00+08:00' }]);
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain('entries.0.personId');
    expect(malformed.text).toContain('entries.0.from');
    expect((await t.request('GET', '/api/v1/duty-roster', { token: a.tokens.publicity })).body).toEqual(before);
    // Back to back is not an overlap; two people at once is allowed.
    const fine = await put('/api/v1/duty-roster', a.tokens.publicity, [
      ...before.entries.map((e: { personId: string; from: string; to: string }) => ({ personId: e.personId, from: e.from, to: e.to })),
      { personId: a.people.publicity!, from: '2026-12-05T08:00:00+08:00', to: '2026-12-06T08:00:00+08:00' },
    ]);
    expect(fine.status, fine.text).toBe(200);
    expect(fine.body.entries).toHaveLength(3);
  });

  it('an ended entry stays as the record, and a new one may not overlap it', async () => {
    const unit = `/api/v1/units/${b.unitId}/duty-roster`;
    // The night's duty, recorded after it ended (10:00): a new roster keeps it.
    const first = await put(unit, b.tokens.admin, [{ personId: b.people.section_head!, from: '2026-12-03T20:00:00+08:00', to: '2026-12-04T08:00:00+08:00' }]);
    expect(first.status, first.text).toBe(200);
    const overlapping = await put(unit, b.tokens.admin, [{ personId: b.people.section_head!, from: '2026-12-04T07:00:00+08:00', to: '2026-12-05T08:00:00+08:00' }]);
    expect(overlapping.status).toBe(400);
    expect(overlapping.body.error.details[0].path).toBe('entries.0.from');
    expect(overlapping.body.error.details[0].message).toContain('2026-12-03 20:00 – 2026-12-04 08:00');
    const cleared = await put(unit, b.tokens.admin, []);
    expect(cleared.body.entries.map((e: { to: string }) => e.to)).toEqual([cst('2026-12-04T08:00:00').toISOString()]);
  });
});

describe('who may read and set which roster', () => {
  type Who = 'none' | 'drafterA' | 'secretaryA' | 'officerB' | 'publicity' | 'admin';
  const token = (who: Who) => ({ none: undefined, drafterA: a.tokens.drafter, secretaryA: a.tokens.secretary, officerB: b.tokens.publicity_officer, publicity: a.tokens.publicity, admin: a.tokens.admin })[who];
  const UNKNOWN = '00000000-0000-4000-8000-000000000000';
  // What the allowed callers set is the roster the later tests use: A's section head on duty all week.
  const unitA = () => ({ entries: [{ personId: a.people.section_head!, from: '2026-12-04T00:00:00+08:00', to: '2026-12-11T00:00:00+08:00' }] });
  const university = () => ({ entries: [{ personId: a.people.publicity!, from: '2026-12-04T00:00:00+08:00', to: '2026-12-11T00:00:00+08:00' }] });
  itChecksAccess<Who>(() => t, token, [
    ['read the university roster', () => ['GET', '/api/v1/duty-roster'], { none: 401, drafterA: 200, officerB: 200, publicity: 200 }],
    ['set the university roster', () => ['PUT', '/api/v1/duty-roster', university()], { none: 401, drafterA: 403, secretaryA: 403, officerB: 403, publicity: 200, admin: 200 }],
    ['read a unit’s roster', () => ['GET', `/api/v1/units/${a.unitId}/duty-roster`], { none: 401, drafterA: 200, secretaryA: 200, officerB: 403, publicity: 200 }],
    ['set a unit’s roster', () => ['PUT', `/api/v1/units/${a.unitId}/duty-roster`, unitA()], { none: 401, drafterA: 403, secretaryA: 403, officerB: 403, publicity: 200, admin: 200 }],
    ['an unknown unit’s roster', () => ['GET', `/api/v1/units/${UNKNOWN}/duty-roster`], { publicity: 404, officerB: 403 }],
    ['set an unknown unit’s roster', () => ['PUT', `/api/v1/units/${UNKNOWN}/duty-roster`, unitA()], { publicity: 404, officerB: 403 }],
    ['a unit id that is not one', () => ['GET', '/api/v1/units/abc/duty-roster'], { publicity: 400 }],
  ]);
});

describe('who receives a new report', () => {
  it('the unit’s person on duty; a unit with nobody on duty: the university’s', async () => {
    await t.deliver();
    // A: its own roster (the section head); the university's person on duty is not told.
    const ownA = await report(a.tokens.drafter!, a.unitId, '本单位值班人员接报');
    expect(ownA.status, ownA.text).toBe(201);
    const toA = (await incidentMail()).map((m) => m.to.personId);
    expect(toA).toContain(a.people.section_head);
    expect(toA).not.toContain(a.people.publicity);
    // B: its roster only holds an ended entry, so the university's person on duty is told.
    const fallback = await report(b.tokens.drafter!, b.unitId, '学校值班人员接报');
    expect(fallback.status, fallback.text).toBe(201);
    expect(new Set((await incidentMail()).map((m) => m.to.personId))).toEqual(new Set([a.people.publicity, b.people.deputy_leader]));
  });

  it('at 23:30 Beijing time (quiet hours) the person on duty gets it at once, by the unit’s robot and by mail', async () => {
    t.clock.now = cst('2026-12-04T23:30:00');
    await t.deliver();
    const robots = await t.request('PUT', `/api/v1/units/${a.unitId}/robots`, { token: a.tokens.admin, body: { wecom: { url: `${robot.url}/cgi-bin/webhook/send?key=duty-key` } } });
    expect(robots.status, robots.text).toBe(200);
    const prefs = await t.request('PUT', `/api/v1/people/${a.people.section_head}/notifications`, { token: a.tokens.section_head, body: { channels: ['wecom', 'email'], wecomUserId: 'WangDuty' } });
    expect(prefs.status, prefs.text).toBe(200);
    const mailsBefore = sink.messages.length;
    const robotBefore = robot.received.length;

    const created = await report(a.tokens.drafter!, a.unitId, '深夜微博热帖');
    expect(created.status, created.text).toBe(201);
    // One relay of the outbox at 23:30: nothing waits for the morning.
    await t.deliver();

    const posted = robot.received.slice(robotBefore);
    const toDuty = posted.filter((r) => r.body.text?.mentioned_list?.includes('WangDuty'));
    expect(toDuty).toHaveLength(1);
    expect(toDuty[0]!.path).toBe('/cgi-bin/webhook/send');
    expect(toDuty[0]!.query.get('key')).toBe('duty-key');
    expect(toDuty[0]!.body.msgtype).toBe('text');
    expect(toDuty[0]!.body.text.content).toContain('深夜微博热帖');
    expect(toDuty[0]!.body.text.content).toContain('王系主任');

    const { email } = (await t.request('GET', `/api/v1/people/${a.people.section_head}`, { token: a.tokens.admin })).body;
    const mine = () => sink.messages.slice(mailsBefore).filter((m) => !Array.isArray(m.to) && m.to?.value[0]?.address === email);
    await expect.poll(() => mine().length, { timeout: 5_000 }).toBe(1);
    expect(mine()[0]!.subject).toContain('【舆情报告】');
    expect(mine()[0]!.text).toContain(`http://imprimatur.test/incidents/${created.body.id}`);

    // Both sends recorded as sent at the report's minute, none deferred.
    const sent = await t.runtime.database.db.select().from(deliveries).where(eq(deliveries.personId, a.people.section_head!));
    const forThis = sent.filter((d) => d.kind === 'incident' && d.status === 'sent');
    expect(new Set(forThis.map((d) => d.channel))).toEqual(new Set(['wecom', 'email']));
  });
});

describe('the roster pages over HTTP', () => {
  type Who = 'none' | 'drafterA' | 'secretaryA' | 'drafterB' | 'publicity' | 'admin';
  const { session } = sessionsOf<Who>(() => t, (who) => ({ none: undefined, drafterA: a.people.drafter, secretaryA: a.people.secretary, drafterB: b.people.drafter, publicity: a.people.publicity, admin: a.people.admin })[who]);
  const UNKNOWN = '00000000-0000-4000-8000-000000000000';
  // The forms are empty or name no entry: refused by role first, else re-rendered naming the field (400); nothing changes either way.
  itChecksPageAccess<Who>(() => t, session, [
    ['the roster overview', () => ['GET', '/incidents/roster'], { none: 303, drafterA: 200, drafterB: 200, publicity: 200, admin: 200 }],
    ['a unit’s roster', () => ['GET', `/incidents/roster/${a.unitId}`], { none: 303, drafterA: 200, secretaryA: 200, drafterB: 403, publicity: 200, admin: 200 }],
    ['adding to a unit’s roster', () => ['POST', `/incidents/roster/${a.unitId}/entries`, {}], { none: 303, drafterA: 403, secretaryA: 403, drafterB: 403, publicity: 400, admin: 400 }],
    ['taking an entry off a unit’s roster', () => ['POST', `/incidents/roster/${a.unitId}/entries/end`, { entryId: UNKNOWN }], { none: 303, drafterA: 403, secretaryA: 403, drafterB: 403, publicity: 400 }],
    ['adding to the university’s roster', () => ['POST', '/incidents/roster/entries', {}], { none: 303, drafterA: 403, drafterB: 403, publicity: 400, admin: 400 }],
    ['taking an entry off the university’s roster', () => ['POST', '/incidents/roster/entries/end', { entryId: 'x' }], { none: 303, drafterA: 403, publicity: 400 }],
    ['an unknown unit’s roster', () => ['GET', `/incidents/roster/${UNKNOWN}`], { drafterB: 403, publicity: 404 }],
    ['adding to an unknown unit’s roster', () => ['POST', `/incidents/roster/${UNKNOWN}/entries`, {}], { drafterB: 403, publicity: 404 }],
  ]);

  it('the overview lists only the person’s own units to staff, every unit to publicity; in English on asking', async () => {
    const mine = await t.request('GET', '/incidents/roster', { cookie: (await session('drafterB'))!.cookie });
    expect(mine.text).toContain(`/incidents/roster/${b.unitId}`);
    expect(mine.text).not.toContain(`/incidents/roster/${a.unitId}`);
    const all = await t.request('GET', '/incidents/roster?lang=en', { cookie: (await session('publicity'))!.cookie });
    expect(all.text).toContain(`/incidents/roster/${a.unitId}?lang=en`);
    expect(all.text).toContain(`/incidents/roster/${b.unitId}?lang=en`);
    expect(all.text).toContain('Duty roster');
    expect(all.text).toContain('The university: add a duty');
  });

  it('another unit’s staff get a 403 page; the unit’s staff read without forms; staff posting get a 403 page', async () => {
    const stranger = await t.signIn((await t.request('GET', `/api/v1/people/${b.people.drafter}`, { token: a.tokens.admin })).body.email);
    const refused = await t.request('GET', `/incidents/roster/${a.unitId}`, { cookie: stranger.cookie });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('text/html');
    expect(refused.text).not.toContain('王系主任');
    const member = await t.signIn((await t.request('GET', `/api/v1/people/${a.people.drafter}`, { token: a.tokens.admin })).body.email);
    const read = await t.request('GET', `/incidents/roster/${a.unitId}`, { cookie: member.cookie });
    expect(read.status).toBe(200);
    expect(read.text).toContain('王系主任');
    expect(read.text).not.toContain('action="/incidents/roster/');
    const posted = await t.request('POST', `/incidents/roster/${a.unitId}/entries`, {
      cookie: member.cookie, form: { _csrf: member.csrf, personId: a.people.drafter!, from: '2026-12-12T08:00', to: '2026-12-13T08:00' }, headers: { accept: 'text/html' },
    });
    expect(posted.status).toBe(403);
    expect((await t.request('GET', `/api/v1/units/${a.unitId}/duty-roster`, { token: a.tokens.admin })).text).not.toContain('2026-12-12');
  });

  it('publicity’s form: a forged token changes nothing; to before from and an overlap come back naming the field', async () => {
    const s = await t.signIn((await t.request('GET', `/api/v1/people/${a.people.publicity}`, { token: a.tokens.admin })).body.email);
    const add = (form: Record<string, string>) => t.request('POST', `/incidents/roster/${a.unitId}/entries`, { cookie: s.cookie, form: { _csrf: s.csrf, ...form }, headers: { accept: 'text/html' } });
    const forged = await t.request('POST', `/incidents/roster/${a.unitId}/entries`, {
      cookie: s.cookie, form: { _csrf: 'x'.repeat(64), personId: a.people.drafter!, from: '2026-12-12T08:00', to: '2026-12-13T08:00' }, headers: { accept: 'text/html' },
    });
    expect(forged.status).toBe(403);
    const backwards = await add({ personId: a.people.drafter!, from: '2026-12-12T08:00', to: '2026-12-12T07:00' });
    expect(backwards.status).toBe(400);
    expect(backwards.text).toContain('error-summary');
    expect(backwards.text).toContain('href="#f-to"');
    expect(backwards.text).toContain('结束时间：须晚于开始时间');
    expect(backwards.text).toContain('value="2026-12-12T07:00"');
    // The section head is on duty all week: another entry inside it is an overlap, named on 开始时间.
    const overlap = await add({ personId: a.people.section_head!, from: '2026-12-06T08:00', to: '2026-12-06T20:00' });
    expect(overlap.status).toBe(400);
    expect(overlap.text).toContain('href="#f-from"');
    expect(overlap.text).toContain('同一人员的值班时间重叠');
    const nobody = await add({ from: '2026-12-12T08:00', to: '2026-12-13T08:00' });
    expect(nobody.status).toBe(400);
    expect(nobody.text).toContain('href="#f-personId"');
    // The picker's no-script search: the form again, with the match to tick.
    const search = await add({ pickerSearch: 'personId', personIdQ: '李撰', from: '2026-12-12T08:00' });
    expect(search.status).toBe(200);
    expect(search.text).toContain(`value="${a.people.drafter}"`);
    expect(search.text).toContain('value="2026-12-12T08:00"');
    const roster = (await t.request('GET', `/api/v1/units/${a.unitId}/duty-roster`, { token: a.tokens.admin })).body.entries;
    expect(roster.map((e: { personId: string }) => e.personId)).toEqual([a.people.section_head]);

    // Added, then taken off again: the roster page says so.
    const added = await add({ personId: a.people.drafter!, from: '2026-12-12T08:00', to: '2026-12-13T08:00' });
    expect(added.status, added.text).toBe(303);
    expect(added.headers.get('location')).toBe(`/incidents/roster/${a.unitId}?done=added#entries`);
    const after = (await t.request('GET', `/api/v1/units/${a.unitId}/duty-roster`, { token: a.tokens.admin })).body.entries;
    const entry = after.find((e: { personId: string }) => e.personId === a.people.drafter);
    expect(entry).toMatchObject({ from: cst('2026-12-12T08:00:00').toISOString(), to: cst('2026-12-13T08:00:00').toISOString() });
    const ended = await t.request('POST', `/incidents/roster/${a.unitId}/entries/end`, { cookie: s.cookie, form: { _csrf: s.csrf, entryId: entry.id }, headers: { accept: 'text/html' } });
    expect(ended.status).toBe(303);
    const left = (await t.request('GET', `/api/v1/units/${a.unitId}/duty-roster`, { token: a.tokens.admin })).body.entries;
    expect(left.map((e: { personId: string }) => e.personId)).toEqual([a.people.section_head]);
    // A running duty taken off ends now and stays as the record; an ended one cannot be taken off (409, on the page).
    const running = await t.request('POST', `/incidents/roster/${a.unitId}/entries/end`, { cookie: s.cookie, form: { _csrf: s.csrf, entryId: left[0].id }, headers: { accept: 'text/html' } });
    expect(running.status).toBe(303);
    const record = (await t.request('GET', `/api/v1/units/${a.unitId}/duty-roster`, { token: a.tokens.admin })).body.entries;
    expect(record).toMatchObject([{ id: left[0].id, from: left[0].from, to: t.clock.now.toISOString() }]);
    const again = await t.request('POST', `/incidents/roster/${a.unitId}/entries/end`, { cookie: s.cookie, form: { _csrf: s.csrf, entryId: left[0].id }, headers: { accept: 'text/html' } });
    expect(again.status).toBe(409);
    expect(again.text).toContain('已结束的值班是值班记录，不能移除');
  });
});
