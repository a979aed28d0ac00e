import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentSweeps } from '../src/services/incidents';
import { createTestEnv, type TestEnv } from './harness';

/**
 * The acknowledgement window is the deployment's (INCIDENT_ACK_MINUTES), not a constant: at 20
 * minutes the deadline, the reminder (three quarters in) and the escalation all move with it.
 */
const cst = (local: string) => new Date(`${local}+08:00`);

describe('the acknowledgement window follows INCIDENT_ACK_MINUTES', () => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  const sweepAt = async (at: Date) => {
    t.clock.now = at;
    for (const s of incidentSweeps) await s.run(t.runtime.database.db, t.runtime.deps, at);
    return (await t.deliver()).filter((m) => m.kind === 'incident' && m.to).map((m) => ({ personId: m.to.personId, subject: m.subject }));
  };

  beforeAll(async () => {
    t = await createTestEnv('postgres', { INCIDENT_ACK_MINUTES: '20' });
    t.clock.now = cst('2026-11-30T10:00:00');
    demo = await t.seed();
    await t.deliver();
  }, 60_000);
  afterAll(() => t?.close());

  it('sets the deadline 20 minutes out, reminds after 15 and escalates after 20, once each', async () => {
    const created = await t.request('POST', '/api/v1/incidents', {
      token: demo.tokens.drafter,
      body: { unitId: demo.unitId, summary: '学生在微博发帖质疑宿舍停水', occurredAt: '2026-11-30T09:30:00+08:00', place: '学生宿舍', people: '本院学生', development: '转发 50 余次', group: 'students' },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.deadlines.acknowledgeBy).toBe(cst('2026-11-30T10:20:00').toISOString());
    await t.deliver();
    expect(await sweepAt(cst('2026-11-30T10:14:00'))).toEqual([]);
    const reminder = await sweepAt(cst('2026-11-30T10:16:00'));
    expect(reminder.map((m) => m.personId)).toContain(demo.people.deputy_leader);
    expect(reminder.every((m) => m.subject.includes('【舆情提醒】'))).toBe(true);
    expect(await sweepAt(cst('2026-11-30T10:19:00'))).toEqual([]);
    const overdue = await sweepAt(cst('2026-11-30T10:21:00'));
    expect(overdue.map((m) => m.personId)).toContain(demo.people.secretary);
    expect(overdue.every((m) => m.subject.includes('【舆情超时】'))).toBe(true);
    expect(await sweepAt(cst('2026-11-30T11:30:00'))).toEqual([]);
  });

  it('refuses a window outside 5–1440 minutes at start, naming the variable', async () => {
    const { parseConfig } = await import('../src/config');
    expect(() => parseConfig({ INCIDENT_ACK_MINUTES: '2' })).toThrow(/INCIDENT_ACK_MINUTES/);
  });
});
