import { readdirSync, readFileSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { dutyObligations, dutyTemplates } from '../../db/schema';
import type { Recurrence } from '../../src/domain/duties';
import type { TestEnv } from '../harness';

/** The recurrences issue 16's outside tests accept, written out so that widening RECURRENCES fails. */
export const DOCUMENTED_RECURRENCES = ['quarterly', 'half_yearly', 'yearly', 'dates'];

const MIGRATIONS = new URL('../../db/migrations/', import.meta.url);

/**
 * Stores an active template the way databases before the as-needed migration held 适时上报
 * (`recurrence = 'as_needed'`), then runs that migration's SQL twice (a second run must change
 * nothing); returns the template's id.
 */
export async function migrateLegacyAsNeeded(t: TestEnv): Promise<string> {
  const db = t.runtime.database.db;
  const [row] = await db.insert(dutyTemplates).values({
    title: '旧库中的适时上报', content: '重大舆情动态适时上报。', responsible: 'secretary', recurrence: 'as_needed' as Recurrence,
    dueRule: { from: 'period_start', days: 0, unit: 'calendar_days', roll: 'none' }, evidence: ['report'],
  }).returning({ id: dutyTemplates.id });
  const file = readdirSync(MIGRATIONS).find((f) => f.endsWith('_as_needed_dates.sql'));
  const migration = readFileSync(new URL(file!, MIGRATIONS), 'utf8');
  for (let i = 0; i < 2; i++) await db.execute(sql.raw(migration));
  return row!.id;
}

/** What the API shows of an as-needed template: `dates` with none, its rule saying 适时上报; and no obligation of it. */
export async function expectAsNeeded(t: TestEnv, template: { id: string } & Record<string, unknown>) {
  expect(template).toMatchObject({ recurrence: 'dates', dates: [], dueRuleText: { zh: expect.stringContaining('适时上报'), en: expect.stringContaining('as needed') } });
  const made = await t.runtime.database.db.select({ id: dutyObligations.id }).from(dutyObligations).where(eq(dutyObligations.templateId, template.id));
  expect(made).toEqual([]);
}
