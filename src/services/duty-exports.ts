import { and, asc, eq, inArray } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client';
import { dutyDecisions, dutyObligations, dutySubmissions, dutyTemplates, people, units } from '../../db/schema';
import { cstDate, cstMinute } from '../domain/cst';
import { STANDINGS, standingOf, type Standing } from '../domain/duties';
import { toCsv } from '../lib/csv';
import { dutyPartyLabel, label } from '../lib/i18n';
import { requireRole, type Person } from './auth';
import type { ServiceDeps } from './context';

/**
 * A year of duties for the 年度目标责任考核 (seed 004 第十条: 将网络意识形态工作检查考核纳入年度目标责任考核):
 * every obligation of the year with where it stands, and per unit how many were done on time, late,
 * or are missing. The CSV and the printable summary read the same rows.
 */

const submitter = alias(people, 'submitter');
const decider = alias(people, 'decider');

export async function dutyYear(db: Db, deps: Pick<ServiceDeps, 'now'>, actor: Person, year: number) {
  requireRole(actor, 'publicity', 'admin');
  const now = deps.now();
  const rows = await db.select({
    o: dutyObligations, title: dutyTemplates.title, unitName: units.name,
    acceptedSubmittedAt: dutySubmissions.submittedAt, submittedByName: submitter.name, note: dutySubmissions.note, decidedByName: decider.name,
  }).from(dutyObligations)
    .innerJoin(dutyTemplates, eq(dutyTemplates.id, dutyObligations.templateId))
    .leftJoin(units, eq(units.id, dutyObligations.unitId))
    .leftJoin(dutySubmissions, eq(dutySubmissions.id, dutyObligations.acceptedSubmissionId))
    .leftJoin(submitter, eq(submitter.id, dutySubmissions.submittedBy))
    .leftJoin(dutyDecisions, eq(dutyDecisions.submissionId, dutySubmissions.id))
    .leftJoin(decider, eq(decider.id, dutyDecisions.decidedBy))
    .where(eq(dutyObligations.year, year))
    .orderBy(asc(units.name), asc(dutyObligations.periodStart), asc(dutyTemplates.title));
  // Returns so far, for the record: how often a unit's material had to be redone.
  const ids = rows.map((r) => r.o.id);
  const returns = ids.length
    ? await db.select({ obligationId: dutyDecisions.obligationId }).from(dutyDecisions).where(and(inArray(dutyDecisions.obligationId, ids), eq(dutyDecisions.decision, 'return')))
    : [];
  const items = rows.map((r) => ({
    // The department's own obligations are listed under the department.
    ...r, unitName: r.unitName ?? dutyPartyLabel('publicity'), standing: standingOf({ status: r.o.status, dueAt: r.o.dueAt, acceptedSubmittedAt: r.acceptedSubmittedAt }, now),
    returns: returns.filter((x) => x.obligationId === r.o.id).length,
  }));
  const byUnit = new Map<string | null, { unitId: string | null; unitName: string; total: number } & Record<Standing, number>>();
  for (const i of items) {
    const u = byUnit.get(i.o.unitId) ?? { unitId: i.o.unitId, unitName: i.unitName, total: 0, ...(Object.fromEntries(STANDINGS.map((s) => [s, 0])) as Record<Standing, number>) };
    u.total++;
    u[i.standing]++;
    byUnit.set(i.o.unitId, u);
  }
  return { year, generatedAt: now, items, units: [...byUnit.values()] };
}

export const DUTY_COLUMNS = [
  '单位 Unit', '职责 Duty', '期间 Period', '截止日 Due day', '状态 Status', '完成情况 Standing', '提交人 Submitted by', '提交时间 Submitted at',
  '提交说明 Note', '审核人 Accepted by', '通过时间 Accepted at', '退回次数 Returns', '提醒次数 Reminders', '督办次数 Escalations',
];

export async function dutyYearCsv(db: Db, deps: Pick<ServiceDeps, 'now'>, actor: Person, year: number) {
  const report = await dutyYear(db, deps, actor, year);
  const body = toCsv(DUTY_COLUMNS, report.items.map((i) => [
    i.unitName, i.title, i.o.period, i.o.dueDay, label('dutyStatus', i.o.status), label('standing', i.standing), i.submittedByName,
    i.acceptedSubmittedAt ? cstMinute(i.acceptedSubmittedAt) : null, i.note, i.decidedByName, i.o.acceptedAt ? cstMinute(i.o.acceptedAt) : null,
    i.returns, i.o.remindersSent, i.o.escalationsSent,
  ]));
  return { body, filename: `${year}年度网络意识形态工作责任制落实情况-${cstDate(report.generatedAt)}.csv` };
}
