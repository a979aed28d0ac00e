import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { people, supervisions, units } from '../../db/schema';
import { mayBeScored, statusAfterScoring, scoringProblems, supervisionStage, SUPERVISION_ITEMS, totalScore, type ItemScore, type SupervisionStatus } from '../domain/supervision';
import { label } from '../lib/i18n';
import { AppError, invalidField, words } from '../lib/errors';
import { supervisionMessage } from '../notify/duty-messages';
import { parseRobots } from '../notify/robots';
import { appendAudit } from './audit';
import { currentPositions, hasRole, isMemberOf, requireRole, type Person } from './auth';
import { inTransaction, type ServiceDeps } from './context';
import { dutyYear } from './duty-exports';
import type { OutboxRow, Planned } from './notifications';
import { enqueue } from './outbox';
import { holderOf } from './reviews';
import type { Sweep } from './sweeps';

/**
 * The yearly 专项督查 (seed 004 第六条; seed 002 检查督导): one checklist per unit, scored by the
 * publicity department item by item; marks taken off carry a finding, findings carry a
 * rectification deadline; the unit reports its rectification, and an overdue one is escalated
 * once. Every step is audited.
 */

type Row = typeof supervisions.$inferSelect;
const notFound = () => new AppError('not_found', { what: words('专项督查', 'supervision') });

function view(r: Row & { unitName: string }) {
  return {
    id: r.id, year: r.year, unitId: r.unitId, unitName: r.unitName, status: r.status, stage: supervisionStage(r), total: r.total, summary: r.summary,
    items: SUPERVISION_ITEMS.map((item) => {
      const s = r.items.find((x) => x.key === item.key);
      return { ...item, score: s?.score ?? null, finding: s?.finding ?? null };
    }),
    rectifyDeadline: r.rectifyDeadline?.toISOString() ?? null, rectifiedAt: r.rectifiedAt?.toISOString() ?? null, rectificationNote: r.rectificationNote,
    scoredBy: r.scoredBy, scoredAt: r.scoredAt?.toISOString() ?? null, escalatedAt: r.escalatedAt?.toISOString() ?? null,
  };
}

const withUnit = (db: Db) => db.select({ s: supervisions, unitName: units.name }).from(supervisions).innerJoin(units, eq(units.id, supervisions.unitId));

/** Opens the year's supervision for every unit (or those named); a unit already under it is left alone. */
export async function openSupervisions(db: Db, deps: ServiceDeps, actor: Person, year: number, unitIds?: string[]) {
  requireRole(actor, 'publicity', 'admin');
  if (unitIds?.length) {
    const found = await db.select({ id: units.id }).from(units).where(inArray(units.id, unitIds));
    const missing = unitIds.filter((id) => !found.some((u) => u.id === id));
    if (missing.length) throw invalidField('unitIds', words(`未知的单位 id：${missing.join('、')}`, `unknown unit ids: ${missing.join(', ')}`));
  }
  await inTransaction(db, deps, async (tx) => {
    const now = deps.now();
    const targets = unitIds?.length ? unitIds.map((id) => ({ id })) : await tx.select({ id: units.id }).from(units);
    if (!targets.length) return;
    const opened = await tx.insert(supervisions).values(targets.map((u) => ({ year, unitId: u.id, createdBy: actor.id, createdAt: now, updatedAt: now })))
      .onConflictDoNothing().returning({ id: supervisions.id, unitId: supervisions.unitId });
    await appendAudit(tx, opened.map((o) => ({ actorId: actor.id, action: 'supervision.opened', subjectType: 'supervision', subjectId: o.id, data: { year, unitId: o.unitId }, at: now })));
  });
  return listSupervisions(db, actor, year);
}

export async function listSupervisions(db: Db, actor: Person, year?: number) {
  const where = [];
  if (year) where.push(eq(supervisions.year, year));
  if (!hasRole(actor, 'publicity', 'admin')) {
    const mine = [...new Set([...(actor.unitId ? [actor.unitId] : []), ...(await currentPositions(db, actor.id)).map((p) => p.unitId)])];
    if (!mine.length) return [];
    where.push(inArray(supervisions.unitId, mine));
  }
  const rows = await withUnit(db).where(and(...where)).orderBy(asc(supervisions.year), asc(units.name));
  return rows.map((r) => view({ ...r.s, unitName: r.unitName }));
}

async function load(db: Db, actor: Person, id: string) {
  const [r] = await withUnit(db).where(eq(supervisions.id, id));
  if (!r) throw notFound();
  if (!hasRole(actor, 'publicity', 'admin') && !(await isMemberOf(db, actor, r.s.unitId))) throw new AppError('forbidden');
  return r;
}

/** The unit's secretary (第一责任人) or publicity officer reports its rectification. */
async function mayReportRectification(db: Db, actor: Person, unitId: string): Promise<boolean> {
  const held = await currentPositions(db, actor.id);
  return held.some((p) => p.unitId === unitId && (p.position === 'secretary' || p.position === 'publicity_officer'));
}

export type SupervisionAction = 'score' | 'rectification';

/**
 * One supervision, with what this system knows of the unit's duties that year (the checker's
 * starting point) and what the caller may do now (the same checks the changes make).
 */
export async function getSupervision(db: Db, deps: ServiceDeps, actor: Person, id: string) {
  const r = await load(db, actor, id);
  // The duty record is the department's own (dutyYear checks the role): a unit member sees the checklist only.
  const record = hasRole(actor, 'publicity', 'admin')
    ? (await dutyYear(db, deps, actor, r.s.year)).items.filter((i) => i.o.unitId === r.s.unitId).map((i) => ({ title: i.title, period: i.o.period, standing: i.standing }))
    : null;
  const v = view({ ...r.s, unitName: r.unitName });
  const allowedActions: SupervisionAction[] = [];
  if (hasRole(actor, 'publicity') && mayBeScored(v.stage)) allowedActions.push('score');
  if (v.stage === 'rectifying' && (await mayReportRectification(db, actor, r.s.unitId))) allowedActions.push('rectification');
  return { ...v, allowedActions, dutyRecord: record };
}

async function lock(tx: Db, id: string): Promise<Row> {
  const [row] = await tx.select().from(supervisions).where(eq(supervisions.id, id)).for('update');
  if (!row) throw notFound();
  return row;
}

const illegal = (status: SupervisionStatus, actionZh: string, actionEn: string) =>
  new AppError('conflict', { reason: words(`专项督查当前为“${label('supervisionStatus', status)}”，不能${actionZh}`, `The supervision is ${status}; it cannot be ${actionEn}`) }, { status });

export async function scoreSupervision(db: Db, deps: ServiceDeps, actor: Person, id: string, input: { items: ItemScore[]; summary?: string; rectifyDeadline?: Date }) {
  requireRole(actor, 'publicity');
  const now = deps.now();
  const problems = scoringProblems(input.items, input.rectifyDeadline ?? null, now);
  if (problems.length) throw new AppError('validation_failed', { fields: [...new Set(problems.map((p) => p.path))].join(', ') }, problems.map((p) => ({ path: p.path, in: 'body', message: words(p.zh, p.message) })));
  await inTransaction(db, deps, async (tx) => {
    const row = await lock(tx, id);
    // A first scoring, or the re-check once the unit has reported its rectification.
    if (!mayBeScored(supervisionStage(row))) throw illegal(row.status, '评分', 'scored');
    const status = statusAfterScoring(input.items);
    const items = input.items.map((s) => ({ key: s.key, score: s.score, finding: s.finding?.trim() || null }));
    await tx.update(supervisions).set({
      status, items, total: totalScore(items), summary: input.summary ?? null, rectifyDeadline: status === 'rectifying' ? input.rectifyDeadline! : null,
      rectifiedAt: null, rectificationNote: null, escalatedAt: null, scoredBy: actor.id, scoredAt: now, updatedAt: now,
    }).where(eq(supervisions.id, id));
    await appendAudit(tx, { actorId: actor.id, action: 'supervision.scored', subjectType: 'supervision', subjectId: id, data: { year: row.year, unitId: row.unitId, status, total: totalScore(items), items, rectifyDeadline: input.rectifyDeadline?.toISOString() ?? null }, at: now });
    await enqueue(tx, 'supervision.scored', { supervisionId: id });
  });
  return getSupervision(db, deps, actor, id);
}

/** The unit (its secretary or publicity officer) reports the rectification done; the department scores again. */
export async function reportRectification(db: Db, deps: ServiceDeps, actor: Person, id: string, note: string) {
  const r = await load(db, actor, id);
  if (!(await mayReportRectification(db, actor, r.s.unitId))) {
    throw new AppError('forbidden', {}, { reason: words('只有本单位学院书记或宣传员可以报告整改', "only the unit's secretary or publicity officer reports its rectification") });
  }
  await inTransaction(db, deps, async (tx) => {
    const row = await lock(tx, id);
    if (row.status !== 'rectifying' || row.rectifiedAt) throw illegal(row.status, '报告整改', 'reported as rectified');
    const now = deps.now();
    await tx.update(supervisions).set({ rectifiedAt: now, rectificationNote: note, updatedAt: now }).where(eq(supervisions.id, id));
    await appendAudit(tx, { actorId: actor.id, action: 'supervision.rectification_reported', subjectType: 'supervision', subjectId: id, data: { note, late: !!row.rectifyDeadline && now > row.rectifyDeadline }, at: now });
  });
  return getSupervision(db, deps, actor, id);
}

/** A rectification past its deadline and not reported is escalated once (never marked done). */
export async function sweepSupervisionOverdue(db: Db, deps: ServiceDeps, now: Date): Promise<number> {
  return inTransaction(db, deps, async (tx) => {
    const overdue = await tx.update(supervisions).set({ escalatedAt: now })
      .where(and(eq(supervisions.status, 'rectifying'), isNull(supervisions.escalatedAt), isNull(supervisions.rectifiedAt), lte(supervisions.rectifyDeadline, now)))
      .returning({ id: supervisions.id, unitId: supervisions.unitId });
    for (const o of overdue) {
      await enqueue(tx, 'supervision.rectification_overdue', { supervisionId: o.id });
      await appendAudit(tx, { actorId: null, action: 'supervision.rectification_overdue', subjectType: 'supervision', subjectId: o.id, data: { unitId: o.unitId }, at: now });
    }
    return overdue.length;
  });
}

export const supervisionSweeps: Sweep[] = [{ name: 'supervision-rectification-overdue', run: sweepSupervisionOverdue }];

export async function supervisionPlans(db: Db, deps: ServiceDeps, row: OutboxRow, key: string): Promise<Planned[]> {
  const { supervisionId } = row.payload as { supervisionId: string };
  const [r] = await db.select({ s: supervisions, unit: units }).from(supervisions).innerJoin(units, eq(units.id, supervisions.unitId)).where(eq(supervisions.id, supervisionId));
  if (!r) return [];
  const overdue = row.topic === 'supervision.rectification_overdue';
  const ids = [await holderOf(db, r.unit.id, 'secretary'), ...(overdue ? [] : [await holderOf(db, r.unit.id, 'publicity_officer')])].filter((x): x is string => !!x);
  const recipients = [
    ...(ids.length ? await db.select().from(people).where(inArray(people.id, ids)) : []),
    ...(overdue ? await db.select().from(people).where(sql`'publicity' = any(${people.roles})`).orderBy(asc(people.createdAt)) : []),
  ].filter((p, i, all) => all.findIndex((q) => q.id === p.id) === i);
  const robots = parseRobots(r.unit.robots);
  return recipients.map((person): Planned => ({
    key, kind: 'supervision', person, reviewId: null, robots, carriesLink: false,
    async compose(tx) {
      const [now] = await tx.select().from(supervisions).where(eq(supervisions.id, supervisionId));
      if (!now || (overdue && (now.status !== 'rectifying' || now.rectifiedAt))) return null;
      return supervisionMessage({
        recipientName: person.name, unitName: r.unit.name, year: now.year, total: now.total, overdue, rectifyDeadline: now.rectifyDeadline,
        findings: now.items.filter((i) => i.finding).map((i) => `${SUPERVISION_ITEMS.find((x) => x.key === i.key)?.title ?? i.key}：${i.finding}`),
        url: `${deps.config.publicUrl}/supervisions/${supervisionId}`,
      });
    },
  }));
}
