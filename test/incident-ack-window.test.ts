import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../db/node';
import { incidentSweeps } from '../src/services/incidents';
import { createTestEnv, type TestEnv } from './harness';
import { rowsOf } from './registry-fixtures';

/**
 * The acknowledgement window is the deployment's (INCIDENT_ACK_MINUTES), not a constant: at 20
 * minutes the deadline, the reminder (three quarters in) and the escalation all move with it.
 */
const cst = (local: string) => new Date(`${local}+08:00`);

const sweepAt = async (t: TestEnv, at: Date) => {
  t.clock.now = at;
  for (const s of incidentSweeps) await s.run(t.runtime.database.db, t.runtime.deps, at);
  return (await t.deliver()).filter((m) => m.kind === 'incident' && m.to).map((m) => ({ personId: m.to.personId, subject: m.subject }));
};
const report = (t: TestEnv, demo: Awaited<ReturnType<TestEnv['seed']>>) =>
  t.request('POST', '/api/v1/incidents', {
    token: demo.tokens.drafter,
    body: { unitId: demo.unitId, summary: '学生在微博发帖质疑宿舍停水', occurredAt: '2026-11-30T09:30:00+08:00', place: '学生宿舍', people: '本院学生', development: '转发 50 余次', group: 'students' },
  });

describe('the acknowledgement window follows INCIDENT_ACK_MINUTES', () => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  const sweep = (at: Date) => sweepAt(t, at);

  beforeAll(async () => {
    t = await createTestEnv('postgres', { INCIDENT_ACK_MINUTES: '20' });
    t.clock.now = cst('2026-11-30T10:00:00');
    demo = await t.seed();
    await t.deliver();
  }, 60_000);
  afterAll(() => t?.close());

  it('sets the deadline 20 minutes out, reminds after 15 and escalates after 20, once each', async () => {
    const created = await report(t, demo);
    expect(created.status, created.text).toBe(201);
    expect(created.body.deadlines.acknowledgeBy).toBe(cst('2026-11-30T10:20:00').toISOString());
    await t.deliver();
    expect(await sweep(cst('2026-11-30T10:14:00'))).toEqual([]);
    const reminder = await sweep(cst('2026-11-30T10:16:00'));
    expect(reminder.map((m) => m.personId)).toContain(demo.people.deputy_leader);
    expect(reminder.every((m) => m.subject.includes('【舆情提醒】'))).toBe(true);
    expect(await sweep(cst('2026-11-30T10:19:00'))).toEqual([]);
    const overdue = await sweep(cst('2026-11-30T10:21:00'));
    expect(overdue.map((m) => m.personId)).toContain(demo.people.secretary);
    expect(overdue.every((m) => m.subject.includes('【舆情超时】'))).toBe(true);
    expect(await sweep(cst('2026-11-30T11:30:00'))).toEqual([]);
  });

  it('refuses a window outside 5–1440 minutes at start, naming the variable', async () => {
    const { parseConfig } = await import('../src/config');
    expect(() => parseConfig({ INCIDENT_ACK_MINUTES: '2' })).toThrow(/INCIDENT_ACK_MINUTES/);
  });
});

/**
 * Incidents reported before their window was kept (migration 0025 left them null) are given the
 * 60 minutes every incident had before INCIDENT_ACK_MINUTES existed (0026), so a process started
 * with another setting moves none of their deadlines. On both databases: the migration runs on PGlite too.
 */
describe.each(['postgres', 'pglite'] as const)('an incident reported before windows were kept (%s)', (kind) => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  beforeAll(async () => {
    t = await createTestEnv(kind, { INCIDENT_ACK_MINUTES: '20' });
    t.clock.now = cst('2026-11-30T10:00:00');
    demo = await t.seed();
    await t.deliver();
  }, 60_000);
  afterAll(() => t?.close());

  it('is given 60 minutes by the upgrade, whatever INCIDENT_ACK_MINUTES the process has, and the column is required from then on', async () => {
    const created = await report(t, demo);
    expect(created.status, created.text).toBe(201);
    await t.deliver();
    const { database } = t.runtime;
    // The database as 0025 left it: the column nullable, this incident without a window, the migrations after it not yet applied.
    const journal = JSON.parse(readFileSync(new URL('../db/migrations/meta/_journal.json', import.meta.url), 'utf8')) as { entries: { tag: string; when: number }[] };
    const after0025 = journal.entries.find((e) => e.tag.startsWith('0026_'))!;
    await database.exec(`ALTER TABLE incidents ALTER COLUMN ack_minutes DROP NOT NULL; UPDATE incidents SET ack_minutes = NULL WHERE id = '${created.body.id}';
      DELETE FROM drizzle.__drizzle_migrations WHERE created_at >= ${after0025.when}`);
    await migrateDatabase(database);
    const [row] = rowsOf<{ ack_minutes: number }>(await database.db.execute(sql`select ack_minutes from incidents where id = ${created.body.id}`));
    expect(row!.ack_minutes).toBe(60);
    const shown = await t.request('GET', `/api/v1/incidents/${created.body.id}`, { token: demo.tokens.drafter });
    expect(shown.body.deadlines.acknowledgeBy).toBe(cst('2026-11-30T11:00:00').toISOString());
    // Chased by its own hour: nothing at the setting's 20 minutes, the reminder three quarters into the hour.
    expect(await sweepAt(t, cst('2026-11-30T10:21:00'))).toEqual([]);
    expect((await sweepAt(t, cst('2026-11-30T10:46:00'))).map((m) => m.subject).join()).toContain('【舆情提醒】');
    await expect(database.exec(`UPDATE incidents SET ack_minutes = NULL WHERE id = '${created.body.id}'`)).rejects.toThrow(/null/i);
  });
});
