import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentSweeps } from '../src/services/incidents';
import { ALL_TICKED, createTestEnv, LEVELS, submitDraft, type TestEnv } from './harness';
import { pdf, png } from './support/fixtures';

/**
 * 舆情 incidents through the seeds' procedure: a report reaches the person on duty and the leader in
 * charge at once (越级上报 straight to the secretary, the skipped level told), climbs on
 * acknowledgement to the secretary, the dean and by group; 研判 sets class and severity; a class
 * (1) incident owes a reply the same Beijing day, made as a draft approved through the sign-off
 * chain; deadlines remind and escalate on a moving clock across midnight; the closing review closes.
 */
const cst = (local: string) => new Date(`${local}+08:00`);

describe.each(['postgres', 'pglite'] as const)('online-opinion incidents (%s)', (kind) => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  const office: Record<string, string> = {};
  let adminToken: string;

  const sweepAt = async (at: Date) => {
    t.clock.now = at;
    for (const s of incidentSweeps) await s.run(t.runtime.database.db, t.runtime.deps, at);
    return t.deliver();
  };
  const toWhom = (sent: Awaited<ReturnType<TestEnv['deliver']>>) => sent.filter((m) => m.kind === 'incident' && m.to).map((m) => m.to.personId);
  const report = (token: string, extra: Record<string, unknown> = {}) =>
    t.request('POST', '/api/v1/incidents', {
      token,
      body: { unitId: demo.unitId, summary: '学生在微博发帖质疑食堂涨价', occurredAt: '2026-11-30T09:00:00+08:00', place: '学生食堂', people: '本院学生若干', development: '帖子转发 200 余次，评论持续增加', group: 'students', ...extra },
    });

  beforeAll(async () => {
    t = await createTestEnv(kind);
    t.clock.now = cst('2026-11-30T10:00:00');
    demo = await t.seed();
    adminToken = await t.tokenFor(demo.people.admin!);
    // The offices incident reports go to (seed 003, part 4), appointed like any position.
    for (const [position, name] of [['deputy_secretary', '吴副书记'], ['dean', '郑院长'], ['deputy_dean', '冯分管院长']] as const) {
      const person = await t.request('POST', '/api/v1/people', { token: adminToken, body: { name, email: `${position}@demo.imprimatur.local`, roles: ['staff'], unitId: demo.unitId } });
      expect(person.status, person.text).toBe(201);
      office[position] = person.body.id;
      const put = await t.request('PUT', `/api/v1/units/${demo.unitId}/positions/${position}`, { token: adminToken, body: { personId: person.body.id } });
      expect(put.status, put.text).toBe(200);
    }
    const roster = await t.request('PUT', `/api/v1/units/${demo.unitId}/duty-roster`, {
      token: adminToken, body: { entries: [{ personId: demo.people.publicity_officer, from: '2026-11-29T00:00:00+08:00', to: '2026-12-31T00:00:00+08:00' }] },
    });
    expect(roster.status, roster.text).toBe(200);
    expect(roster.body.entries).toHaveLength(1);
    await t.deliver();
  }, 60_000);
  afterAll(() => t?.close());

  it('refuses a roster that ends before it begins, naming the entry, and a roster by anyone but publicity or admin', async () => {
    const bad = await t.request('PUT', `/api/v1/units/${demo.unitId}/duty-roster`, { token: adminToken, body: { entries: [{ personId: demo.people.drafter, from: '2026-12-02T00:00:00+08:00', to: '2026-12-01T00:00:00+08:00' }] } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('entries.0.to');
    const staff = await t.request('PUT', `/api/v1/units/${demo.unitId}/duty-roster`, { token: demo.tokens.drafter, body: { entries: [] } });
    expect(staff.status).toBe(403);
    const still = await t.request('GET', `/api/v1/units/${demo.unitId}/duty-roster`, { token: demo.tokens.drafter });
    expect(still.body.entries.map((e: { personId: string }) => e.personId)).toEqual([demo.people.publicity_officer]);
  });

  it('takes a report from a commentator and tells the person on duty and the leader in charge at once; it climbs on acknowledgement', async () => {
    const created = await report(demo.tokens.drafter!);
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ stage: 'reported', group: 'students', class: null });
    expect(created.body.deadlines.acknowledgeBy).toBe(new Date(t.clock.now.getTime() + 3600_000).toISOString());
    const id = created.body.id;
    const first = (await t.deliver()).filter((m) => m.kind === 'incident');
    // Students' incidents: the deputy secretary at once too (seed 003 第四篇(三)), beside the leader in charge.
    expect(new Set(toWhom(first))).toEqual(new Set([demo.people.publicity_officer, demo.people.deputy_leader, office.deputy_secretary]));
    expect(first[0]!.text).toContain(`http://imprimatur.test/incidents/${id}`);
    expect(first[0]!.subject).toContain('【舆情报告】');

    // Someone outside the unit learns nothing; a drafter cannot decide for the leaders.
    const outsider = await t.request('POST', '/api/v1/units', { token: adminToken, body: { name: '另一学院', code: `OTHER-INC-${kind}` } });
    const stranger = await t.request('POST', '/api/v1/people', { token: adminToken, body: { name: '外院人员', email: 'stranger.inc@demo.imprimatur.local', roles: ['staff'], unitId: outsider.body.id } });
    const strangerToken = await t.tokenFor(stranger.body.id);
    expect((await t.request('GET', `/api/v1/incidents/${id}`, { token: strangerToken })).status).toBe(404);
    expect((await report(strangerToken)).status).toBe(403);
    expect((await t.request('POST', `/api/v1/incidents/${id}/acknowledge`, { token: demo.tokens.drafter, body: {} })).status).toBe(403);
    // A step the stage does not allow yet.
    const early = await t.request('POST', `/api/v1/incidents/${id}/close`, { token: demo.tokens.deputy_leader, body: { summary: '—' } });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toBe('舆情事件当前阶段为“舆情报告”，不能总结评估并结束');

    const ack = await t.request('POST', `/api/v1/incidents/${id}/acknowledge`, { token: demo.tokens.deputy_leader, body: { note: '已接报，正在了解情况' } });
    expect(ack.status, ack.text).toBe(200);
    expect(ack.body.stage).toBe('acknowledged');
    expect(ack.body.deadlines.acknowledgeBy).toBeNull();
    const up = (await t.deliver()).filter((m) => m.kind === 'incident');
    // Then the secretary and the dean (the deputy secretary was told first; the deputy dean is not, for students).
    expect(new Set(toWhom(up))).toEqual(new Set([demo.people.secretary, office.dean]));
    expect(up[0]!.subject).toContain('【舆情上报】');
  });

  it('every class owes the public an answer before its handling is done (seed 003 八(二)4), not only the inquiry', async () => {
    // A draft approved the day before the incident happened is no reply to it.
    t.clock.now = cst('2026-11-29T10:00:00');
    const earlier = await submitDraft(t, demo, '与舆情无关的旧稿');
    for (const level of LEVELS) await t.request('POST', `/api/v1/signoff/${await t.linkFor(demo.people[level]!)}`, { body: { decision: 'approve', checklist: ALL_TICKED } });
    t.clock.now = cst('2026-11-30T10:00:00');
    for (const [cls, said] of [['suggestion', '建设性意见须积极采纳并予以回复'], ['fabrication', '须依法澄清事实真相'], ['hyping', '须依法告知事实真相']] as const) {
      const { body: incident } = await report(demo.tokens.drafter!, { summary: `分类处置：${cls}` });
      await t.request('POST', `/api/v1/incidents/${incident.id}/acknowledge`, { token: demo.tokens.deputy_leader, body: {} });
      const assessed = await t.request('POST', `/api/v1/incidents/${incident.id}/assess`, { token: demo.tokens.secretary, body: { severity: 'ordinary', class: cls, note: '研判' } });
      expect(assessed.status, assessed.text).toBe(200);
      const unanswered = await t.request('POST', `/api/v1/incidents/${incident.id}/finish`, { token: demo.tokens.secretary, body: { text: '不回复' } });
      expect(unanswered.status).toBe(409);
      expect(unanswered.body.error.message).toContain(said);
      expect(unanswered.body.error.details).toEqual({ field: 'draftId' });
      const unrelated = await t.request('POST', `/api/v1/incidents/${incident.id}/reply`, { token: demo.tokens.secretary, body: { draftId: earlier } });
      expect(unrelated.status).toBe(409);
      expect(unrelated.body.error.message).toBe('此稿件写于舆情发生之前，不是对它的回复');
      // Nor does the page's reply form offer it.
      if (cls === 'suggestion') {
        const { cookie } = await t.signIn((await t.request('GET', '/api/v1/me', { token: demo.tokens.secretary })).body.email);
        const page = await t.request('GET', `/incidents/${incident.id}`, { cookie });
        expect(page.text).toContain('还没有可作为此舆情回复的已批准稿件');
        expect(page.text).not.toContain(`value="${earlier}"`);
      }
    }
    await t.deliver();
  });

  it('owes a class-(1) reply the same Beijing day, recorded only as a draft approved through the chain', async () => {
    t.clock.now = cst('2026-11-30T11:00:00');
    const { body: incident } = await report(demo.tokens.drafter!);
    await t.request('POST', `/api/v1/incidents/${incident.id}/acknowledge`, { token: demo.tokens.deputy_leader, body: {} });
    const assessed = await t.request('POST', `/api/v1/incidents/${incident.id}/assess`, { token: demo.tokens.secretary, body: { severity: 'significant', class: 'inquiry', note: '属询问、诉求类，须当日回复' } });
    expect(assessed.status, assessed.text).toBe(200);
    expect(assessed.body).toMatchObject({ stage: 'handling', class: 'inquiry', severity: 'significant' });
    expect(assessed.body.deadlines.replyBy).toBe(cst('2026-11-30T23:59:59.999').toISOString());

    // Its handling cannot be finished unanswered.
    const unanswered = await t.request('POST', `/api/v1/incidents/${incident.id}/finish`, { token: demo.tokens.secretary, body: { text: '处置完毕' } });
    expect(unanswered.status).toBe(409);
    expect(unanswered.body.error.message).toContain('须当日回复');
    expect(unanswered.body.error.details).toEqual({ field: 'draftId' });

    const draftId = await submitDraft(t, demo, '关于食堂价格调整的情况说明');
    const unapproved = await t.request('POST', `/api/v1/incidents/${incident.id}/reply`, { token: demo.tokens.secretary, body: { draftId } });
    expect(unapproved.status).toBe(409);
    for (const level of LEVELS) {
      const token = await t.linkFor(demo.people[level]!);
      const decided = await t.request('POST', `/api/v1/signoff/${token}`, { body: { decision: 'approve', checklist: ALL_TICKED } });
      expect(decided.status, decided.text).toBe(200);
    }
    const replied = await t.request('POST', `/api/v1/incidents/${incident.id}/reply`, { token: demo.tokens.secretary, body: { draftId, promisedBy: '2026-12-03T18:00:00+08:00', note: '已在官方微博发布情况说明' } });
    expect(replied.status, replied.text).toBe(200);
    expect(replied.body.deadlines.replyBy).toBeNull();
    expect(replied.body.deadlines.resultBy).toBe(cst('2026-12-03T18:00:00').toISOString());
    expect(replied.body.entries.find((e: { kind: string }) => e.kind === 'reply')).toMatchObject({ draftId, actor: { id: demo.people.secretary } });
    const twice = await t.request('POST', `/api/v1/incidents/${incident.id}/reply`, { token: demo.tokens.publicity, body: { draftId } });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toBe('此回复稿已记录过');

    // Nothing is owed that day any more: the sweep at 23:59 sends nothing for it.
    expect(toWhom(await sweepAt(cst('2026-11-30T23:59:00')))).toEqual([]);
    const result = await t.request('POST', `/api/v1/incidents/${incident.id}/follow-up`, { token: demo.tokens.secretary, body: { text: '价格调整已暂缓，结果已公布', result: true } });
    expect(result.body.deadlines.resultBy).toBeNull();
    const finished = await t.request('POST', `/api/v1/incidents/${incident.id}/finish`, { token: demo.tokens.secretary, body: { text: '处置完毕' } });
    expect(finished.body.stage).toBe('reviewing');
    const closed = await t.request('POST', `/api/v1/incidents/${incident.id}/close`, { token: demo.tokens.secretary, body: { summary: '总结评估：回复及时，未再发酵。' } });
    expect(closed.status).toBe(200);
    expect(closed.body.stage).toBe('closed');
    // 较大 (significant) goes up to the university's leading group too (seed 003 八(二)3).
    expect(closed.body.entries.map((e: { kind: string }) => e.kind)).toEqual(['reported', 'acknowledged', 'reported_up', 'assessed', 'reported_up', 'reply', 'follow_up', 'handling_done', 'closed']);
    expect(closed.body.entries.filter((e: { kind: string }) => e.kind === 'reported_up')[1].data).toMatchObject({ to: 'leading_group' });
  });

  it('reminds and escalates an unanswered report on a moving clock, across midnight Beijing time, once each', async () => {
    await sweepAt(cst('2026-12-01T23:00:00')); // whatever earlier incidents still owe, sent now
    t.clock.now = cst('2026-12-01T23:30:00');
    const { body: incident } = await report(demo.tokens.drafter!, { summary: '深夜论坛帖子' });
    await t.deliver();
    expect(toWhom(await sweepAt(cst('2026-12-01T23:40:00')))).toEqual([]);
    const reminder = await sweepAt(cst('2026-12-02T00:16:00'));
    expect(new Set(toWhom(reminder))).toEqual(new Set([demo.people.publicity_officer, demo.people.deputy_leader, office.deputy_secretary]));
    expect(reminder[0]!.subject).toContain('【舆情提醒】');
    expect(toWhom(await sweepAt(cst('2026-12-02T00:20:00')))).toEqual([]);
    const overdue = await sweepAt(cst('2026-12-02T00:31:00'));
    expect(new Set(toWhom(overdue))).toEqual(new Set([demo.people.publicity_officer, demo.people.deputy_leader, office.deputy_secretary, demo.people.secretary, office.dean]));
    expect(overdue[0]!.subject).toContain('【舆情超时】');
    expect(toWhom(await sweepAt(cst('2026-12-02T03:00:00')))).toEqual([]);
    // Never decided for anyone: still waiting to be acknowledged.
    const still = await t.request('GET', `/api/v1/incidents/${incident.id}`, { token: demo.tokens.deputy_leader });
    expect(still.body.stage).toBe('reported');
    expect(still.body.entries.filter((e: { kind: string }) => e.kind === 'escalated')).toHaveLength(1);
  });

  it('a unit with nobody on duty and its leader’s post vacant: the report reaches the publicity department instead', async () => {
    const unit = await t.request('POST', '/api/v1/units', { token: demo.tokens.admin, body: { name: '新设研究中心', code: 'XSZX' } });
    expect(unit.status, unit.text).toBe(201);
    const staff = await t.request('POST', '/api/v1/people', { token: demo.tokens.admin, body: { name: '钱研究员', email: 'qian@xszx.example.cn', roles: ['staff'], unitId: unit.body.id } });
    const created = await report(await t.tokenFor(staff.body.id), { unitId: unit.body.id, summary: '中心活动照片被误传' });
    expect(created.status, created.text).toBe(201);
    const told = toWhom(await t.deliver());
    expect(told).toContain(demo.people.publicity);
    const reported = (await t.request('GET', `/api/v1/incidents/${created.body.id}`, { token: demo.tokens.publicity })).body.entries[0];
    expect(reported).toMatchObject({ kind: 'reported', data: { to: 'leading_group' } });
    expect(reported.data.notified).toEqual(expect.arrayContaining(told));
  });

  it('an urgent report skips to the secretary and tells the skipped leaders', async () => {
    t.clock.now = cst('2026-12-02T09:00:00');
    const created = await report(demo.tokens.drafter!, { urgent: true, group: 'teachers', summary: '教师言论被断章取义传播' });
    expect(created.status).toBe(201);
    const sent = (await t.deliver()).filter((m) => m.kind === 'incident');
    const urgent = sent.filter((m) => m.subject.includes('越级上报】'));
    const skipped = sent.filter((m) => m.subject.includes('【越级上报知会】'));
    expect(new Set(urgent.map((m) => m.to.personId))).toEqual(new Set([demo.people.publicity_officer, demo.people.secretary]));
    // Skipped: the leader in charge and, for teachers, the deputy secretary and the deputy dean in charge.
    expect(new Set(skipped.map((m) => m.to.personId))).toEqual(new Set([demo.people.deputy_leader, office.deputy_secretary, office.deputy_dean]));
    // Acknowledged by the secretary, it reaches the dean.
    await t.request('POST', `/api/v1/incidents/${created.body.id}/acknowledge`, { token: demo.tokens.secretary, body: {} });
    expect(new Set(toWhom(await t.deliver()))).toEqual(new Set([office.dean]));
  });

  it('keeps photos and screenshots as evidence, checked by their bytes, served only to those who may see the incident', async () => {
    t.clock.now = cst('2026-12-03T09:00:00');
    const { body: incident } = await report(demo.tokens.drafter!, { summary: '带截图的帖子' });
    const add = async (token: string, parts: [Uint8Array | string, string, string][], note?: string) => {
      const form = new FormData();
      for (const [bytes, name, type] of parts) form.append('files', new File([bytes as Uint8Array<ArrayBuffer>], name, { type }));
      if (note) form.append('note', note);
      const res = await t.runtime.app.request(`/api/v1/incidents/${incident.id}/evidence`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
      const text = await res.text();
      return { status: res.status, body: JSON.parse(text), text };
    };
    const shot = png(4, 3, [200, 30, 30]);
    const added = await add(demo.tokens.drafter!, [[shot, '微博截图.png', 'image/png'], [pdf('转发统计'), '统计.pdf', 'application/pdf']], '发帖截图与转发统计');
    expect(added.status, added.text).toBe(201);
    expect(added.body.evidence.map((f: { name: string }) => f.name)).toEqual(['微博截图.png', '统计.pdf']);
    const entry = added.body.entries.find((e: { kind: string }) => e.kind === 'evidence');
    expect(entry).toMatchObject({ text: '发帖截图与转发统计', actor: { id: demo.people.drafter } });

    // Bytes that are not what the name says, a type not allowed, too many at once: refused naming the field, nothing added.
    const fake = await add(demo.tokens.drafter!, [['not really a png', 'x.png', 'image/png']]);
    expect(fake.status).toBe(415);
    expect(fake.text).toContain('file');
    const none = await add(demo.tokens.drafter!, []);
    expect(none.status).toBe(400);
    expect(none.text).toContain('files');
    const many = await add(demo.tokens.drafter!, Array.from({ length: 6 }, (_, k) => [png(2, 2, [k, k, k]), `${k}.png`, 'image/png'] as [Uint8Array, string, string]));
    expect(many.status).toBe(400);
    expect(many.text).toContain('files');

    const url = added.body.evidence[0].url as string;
    const get = (token: string) => t.runtime.app.request(url, { headers: { authorization: `Bearer ${token}` } });
    const served = await get(demo.tokens.deputy_leader!);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(shot);
    // Someone of another unit: the same 404 as for the incident itself; an unknown hash: 404.
    const unit = await t.request('POST', '/api/v1/units', { token: adminToken, body: { name: '别的学院', code: `OTHER-EVID-${kind}` } });
    const stranger = await t.request('POST', '/api/v1/people', { token: adminToken, body: { name: '外院人员乙', email: `stranger.evid.${kind}@demo.imprimatur.local`, roles: ['staff'], unitId: unit.body.id } });
    const strangerToken = await t.tokenFor(stranger.body.id);
    expect((await get(strangerToken)).status).toBe(404);
    expect((await add(strangerToken, [[shot, 'a.png', 'image/png']])).status).toBe(404);
    expect((await t.runtime.app.request(url.replace(/[0-9a-f]{64}$/, '0'.repeat(64)), { headers: { authorization: `Bearer ${demo.tokens.deputy_leader}` } })).status).toBe(404);

    const after = await t.request('GET', `/api/v1/incidents/${incident.id}`, { token: demo.tokens.deputy_leader });
    expect(after.body.entries.filter((e: { kind: string }) => e.kind === 'evidence')).toHaveLength(1);
  });

  it('refuses bad input, naming the field, and lists the board gravest first', async () => {
    const bad = await report(demo.tokens.drafter!, { group: 'aliens', occurredAt: 'yesterday' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/group/);
    expect(bad.text).toMatch(/occurredAt/);
    const board = await t.request('GET', '/api/v1/incidents', { token: adminToken });
    expect(board.status).toBe(200);
    expect(board.body.items[0].urgent || board.body.items[0].severity).toBeTruthy();
    expect(board.body.items.every((i: { stage: string }) => i.stage !== 'closed')).toBe(true);
  });
});
