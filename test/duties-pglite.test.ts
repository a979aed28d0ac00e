import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPeriodObligations, runDutyReminders } from '../src/services/duties';
import { createTestEnv, type TestEnv } from './harness';
import { DOCUMENTED_RECURRENCES, expectAsNeeded, migrateLegacyAsNeeded } from './support/as-needed';
import { pdf } from './support/fixtures';
import type { Demo } from './registry-fixtures';

/** The core duty flow on embedded PGlite (what `npm start` runs without DATABASE_URL): defaults, a period's obligation, submit, accept. */
describe('duties on PGlite', () => {
  let t: TestEnv;
  let demo: Demo;
  const cst = (local: string) => new Date(`${local}+08:00`);
  beforeAll(async () => {
    t = await createTestEnv('pglite');
    t.clock.now = cst('2026-04-01T09:00:00');
    demo = await t.seed();
  });
  afterAll(() => t?.close());

  it('creates the quarter’s 舆情研判, reminds, and a submission is accepted', async () => {
    const templates = await t.request('GET', '/api/v1/duties/templates', { token: demo.tokens.drafter });
    expect(templates.body.items.map((x: { title: string }) => x.title)).toContain('舆情研判');
    await createPeriodObligations(t.runtime.database.db, t.runtime.deps, t.clock.now);
    const list = await t.request('GET', `/api/v1/duties?unitId=${demo.unitId}&period=2026-Q2`, { token: demo.tokens.publicity_officer });
    expect(list.status, list.text).toBe(200);
    const duty = list.body.items.find((o: { title: string }) => o.title === '舆情研判');
    // 30 June + 15 days is Wednesday 15 July.
    expect(duty).toMatchObject({ status: 'open', dueDay: '2026-07-15', standing: 'pending' });
    t.clock.now = cst('2026-07-14T08:30:00');
    await runDutyReminders(t.runtime.database.db, t.runtime.deps, t.clock.now);
    const sent = await t.deliver();
    expect(sent.filter((m) => m.kind === 'duty_reminder' && m.subject.includes('舆情研判')).map((m) => m.to.personId)).toEqual([demo.people.publicity_officer]);
    const form = new FormData();
    form.append('files', new File([pdf('二季度舆情研判') as Uint8Array<ArrayBuffer>], '二季度舆情研判.pdf', { type: 'application/pdf' }));
    form.append('note', '二季度研判报告');
    const submitted = await t.runtime.app.request(`/api/v1/duties/${duty.id}/submissions`, { method: 'POST', body: form, headers: { authorization: `Bearer ${demo.tokens.publicity_officer}` } });
    expect(submitted.status, await submitted.clone().text()).toBe(201);
    const accepted = await t.request('POST', `/api/v1/duties/${duty.id}/accept`, { token: demo.tokens.publicity, body: {} });
    expect(accepted.body).toMatchObject({ status: 'accepted', standing: 'done' });
  });

  it('the as-needed migration applies on PGlite: a stored as_needed template becomes dates with none and creates nothing', async () => {
    const id = await migrateLegacyAsNeeded(t);
    await createPeriodObligations(t.runtime.database.db, t.runtime.deps, t.clock.now);
    const templates = (await t.request('GET', '/api/v1/duties/templates', { token: demo.tokens.drafter })).body.items as { id: string; title: string; recurrence: string }[];
    await expectAsNeeded(t, templates.find((x) => x.id === id)!);
    await expectAsNeeded(t, templates.find((x) => x.title === '情况通报')!);
    expect(templates.map((x) => x.recurrence).filter((r) => !DOCUMENTED_RECURRENCES.includes(r))).toEqual([]);
  });
});
