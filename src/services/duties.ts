import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  dutyDecisions, dutyObligations, dutySubmissions, dutyTemplates, people, positionTerms, units,
  type DutyResponsible, type DutyReviewer, type DutyScope, type EvidenceFile, type EvidenceKind, type Position,
} from '../../db/schema';
import type { WorkCalendar } from '../domain/calendar';
import { DEFAULT_DUTY_TEMPLATES } from '../domain/duty-defaults';
import {
  allowedDutyCommands, awaitsSubmission, DEFAULT_DUTY_REMINDERS, describeDueRule, dueAt, dueDay, dueDutyStep, dutySteps, dutyTransition, IllegalDutyTransition,
  nextDutyStep, periodAt, standingOf, type DueRule, type Period, type DutyCommand, type DutyReminderPolicy, type ObligationStatus, type Recurrence,
} from '../domain/duties';
import { AppError, invalidField, words } from '../lib/errors';
import { label } from '../lib/i18n';
import { appendAudit } from './audit';
import { currentPositions, hasRole, isMemberOf, requireRole, type Person } from './auth';
import { workCalendarOf } from './calendar';
import { inTransaction, type ServiceDeps } from './context';
import { acceptUpload, serve, type FileDeps, type Upload } from './files';
import { enqueue } from './outbox';
import { holderOf } from './reviews';
import type { Sweep } from './sweeps';

/**
 * Recurring duties of the responsibility system (seeds 002 and 004): templates kept by the publicity
 * department; each period the sweep creates every unit's obligation; the unit's responsible holder
 * submits files and a note; the reviewer accepts or returns it with a comment. Reminders before the
 * due day and escalation after it run from Postgres like the chasing of reviews, and like it never
 * mark anything done. Every change is on the audit chain.
 */

export const dutyReminderPolicy: DutyReminderPolicy = DEFAULT_DUTY_REMINDERS;
/** At most this many files in one submission (the upload body limit in app.ts allows for them). */
export const MAX_EVIDENCE_FILES = 5;

type TemplateRow = typeof dutyTemplates.$inferSelect;
type ObligationRow = typeof dutyObligations.$inferSelect;

const templateNotFound = () => new AppError('not_found', { what: words('职责模板', 'duty template') });
const obligationNotFound = () => new AppError('not_found', { what: words('职责事项', 'duty') });

export function templateView(t: TemplateRow) {
  return {
    id: t.id, key: t.key, title: t.title, content: t.content, source: t.source, responsible: t.responsible, scope: t.scope,
    recurrence: t.recurrence, dates: t.dates, dueRule: t.dueRule, dueRuleText: describeDueRule(t.dueRule, t),
    evidence: t.evidence, reviewer: t.reviewer, active: t.active, createdAt: t.createdAt.toISOString(), updatedAt: t.updatedAt.toISOString(),
  };
}

/**
 * The seeds' duties as templates, once: a default already there (or retired) is left alone, so
 * this runs at every start. Inserted defaults are audited as the system's own act.
 */
export async function ensureDefaultDutyTemplates(db: Db, now: Date): Promise<number> {
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const inserted = await tx.insert(dutyTemplates).values(DEFAULT_DUTY_TEMPLATES.map((d) => ({ ...d, createdAt: now, updatedAt: now })))
      .onConflictDoNothing({ target: dutyTemplates.key }).returning();
    for (const t of inserted) {
      await appendAudit(tx, { actorId: null, action: 'duty_template.created', subjectType: 'duty_template', subjectId: t.id, data: { key: t.key, title: t.title, default: true }, at: now });
    }
    return inserted.length;
  });
}

export async function listTemplates(db: Db, _actor: Person) {
  // Every signed-in person may read what the responsibility system asks of them.
  const rows = await db.select().from(dutyTemplates).orderBy(asc(dutyTemplates.createdAt), asc(dutyTemplates.title));
  return rows.map(templateView);
}

export async function getTemplate(db: Db, _actor: Person, id: string) {
  const [row] = await db.select().from(dutyTemplates).where(eq(dutyTemplates.id, id));
  if (!row) throw templateNotFound();
  return templateView(row);
}

export interface TemplateInput {
  title: string;
  content: string;
  source?: string | null;
  responsible: DutyResponsible;
  scope?: DutyScope;
  recurrence: Recurrence;
  dates?: string[];
  dueRule: DueRule;
  evidence: EvidenceKind[];
  reviewer?: DutyReviewer;
  active?: boolean;
}

async function checkScope(db: Db, scope: DutyScope | undefined): Promise<void> {
  if (!scope || scope.units === 'all' || !scope.units.length) return;
  const found = await db.select({ id: units.id }).from(units).where(inArray(units.id, scope.units));
  const missing = scope.units.filter((id) => !found.some((u) => u.id === id));
  if (missing.length) throw invalidField('scope.units', words(`未知的单位 id：${missing.join('、')}`, `unknown unit ids: ${missing.join(', ')}`));
}

/** The department's own duty has no unit whose position could review it: the department reviews it. */
function checkReviewer(t: { responsible: DutyResponsible; reviewer?: DutyReviewer }): void {
  if (t.responsible === 'publicity' && (t.reviewer ?? 'publicity') !== 'publicity') {
    throw invalidField('reviewer', words('党委宣传部自身的职责由党委宣传部审核', "the publicity department's own duty is reviewed by the department"));
  }
}

export async function createTemplate(db: Db, deps: ServiceDeps, actor: Person, input: TemplateInput) {
  requireRole(actor, 'publicity', 'admin');
  await checkScope(db, input.scope);
  checkReviewer(input);
  return inTransaction(db, deps, async (tx) => {
    const now = deps.now();
    const [t] = await tx.insert(dutyTemplates).values({ ...input, createdBy: actor.id, createdAt: now, updatedAt: now }).returning();
    await appendAudit(tx, { actorId: actor.id, action: 'duty_template.created', subjectType: 'duty_template', subjectId: t!.id, data: { ...input }, at: now });
    return templateView(t!);
  });
}

/** JSON with object keys sorted: jsonb hands back its own key order. */
const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));

/** Changes apply to periods that begin afterwards; obligations already created keep their due day. */
export async function updateTemplate(db: Db, deps: ServiceDeps, actor: Person, id: string, patch: Partial<TemplateInput>) {
  requireRole(actor, 'publicity', 'admin');
  await checkScope(db, patch.scope);
  return inTransaction(db, deps, async (tx) => {
    const [before] = await tx.select().from(dutyTemplates).where(eq(dutyTemplates.id, id)).for('update');
    if (!before) throw templateNotFound();
    checkReviewer({ ...before, ...patch });
    const now = deps.now();
    const [t] = await tx.update(dutyTemplates).set({ ...patch, updatedAt: now }).where(eq(dutyTemplates.id, id)).returning();
    // A page posts every field: the record names only those whose value moved.
    const changed = Object.fromEntries(Object.keys(patch)
      .filter((k) => canonical(before[k as keyof TemplateRow] ?? null) !== canonical(patch[k as keyof TemplateInput] ?? null))
      .map((k) => [k, { from: before[k as keyof TemplateRow] ?? null, to: patch[k as keyof TemplateInput] ?? null }]));
    await appendAudit(tx, { actorId: actor.id, action: 'duty_template.updated', subjectType: 'duty_template', subjectId: id, data: { changed }, at: now });
    return templateView(t!);
  });
}

// ——— Periods: each one creates its obligations ———

async function unitsInScope(db: Db, scope: DutyScope): Promise<{ id: string }[]> {
  if (scope.units === 'all') return db.select({ id: units.id }).from(units);
  return scope.units.length ? db.select({ id: units.id }).from(units).where(inArray(units.id, scope.units)) : [];
}

/** The first step's time of an obligation due on `day`, for the sweep's index. */
const firstStepAt = (calendar: WorkCalendar, day: string) => nextDutyStep(dutySteps(calendar, dutyReminderPolicy, day), { reminders: 0, escalations: 0 })?.at ?? null;

/**
 * Units whose obligation under the template's earlier schedule (made after `period` began) already
 * covers part of it: the recurrence or dates changed mid-period. A change applies to periods that
 * begin afterwards, so such a unit gets no second obligation for the span under way.
 */
async function coveredBeforeChange(tx: Db, templateId: string, period: Period): Promise<Set<string | null>> {
  const rows = await tx.select({ unitId: dutyObligations.unitId }).from(dutyObligations).where(and(
    eq(dutyObligations.templateId, templateId), ne(dutyObligations.period, period.key),
    lt(dutyObligations.periodStart, period.end), gt(dutyObligations.periodEnd, period.start), gt(dutyObligations.createdAt, period.start),
  ));
  return new Set(rows.map((r) => r.unitId));
}

/**
 * Creates the current period's obligation of every active duty for every unit it binds (a unit or
 * duty added mid-period gets this period's). Idempotent: the (duty, unit, period) key is unique.
 */
export async function createPeriodObligations(db: Db, deps: ServiceDeps, now: Date): Promise<number> {
  return inTransaction(db, deps, async (tx) => {
    const calendar = await workCalendarOf(tx);
    const templates = await tx.select().from(dutyTemplates).where(eq(dutyTemplates.active, true));
    // A period begins at 00:00: its notices wait for the working morning (releaseHeldNotices sends them).
    const noticeAt = calendar.pastQuiet(now);
    const held = noticeAt > now;
    let created = 0;
    for (const t of templates) {
      const period = periodAt({ recurrence: t.recurrence, dates: t.dates }, now);
      if (!period) continue;
      const covered = await coveredBeforeChange(tx, t.id, period);
      // The department's own duty is one obligation of no unit; any other binds the units in scope.
      const bound = (t.responsible === 'publicity' ? [{ id: null }] : await unitsInScope(tx, t.scope)).filter((u) => !covered.has(u.id));
      if (!bound.length) continue;
      const day = dueDay(calendar, t.dueRule, period);
      const rows = await tx.insert(dutyObligations).values(bound.map((u) => ({
        templateId: t.id, unitId: u.id, period: period.key, year: period.year, periodStart: period.start, periodEnd: period.end,
        dueDay: day, dueAt: dueAt(calendar, t.dueRule, period), nextReminderAt: firstStepAt(calendar, day), noticeAt: held ? noticeAt : null, createdAt: now, updatedAt: now,
      }))).onConflictDoNothing().returning({ id: dutyObligations.id, unitId: dutyObligations.unitId });
      for (const o of rows) {
        await appendAudit(tx, { actorId: null, action: 'duty.obligation_created', subjectType: 'duty_obligation', subjectId: o.id, data: { templateId: t.id, title: t.title, unitId: o.unitId, period: period.key, dueDay: day }, at: now });
        if (!held) await enqueue(tx, 'duty.assigned', { obligationId: o.id });
      }
      created += rows.length;
    }
    return created;
  });
}

/**
 * The "new duty" notices held back out of quiet hours, once their time has come: each is written to
 * the outbox in the transaction that clears its time, so it goes out exactly once whatever happens
 * to the workers or Redis meanwhile.
 */
export async function releaseHeldNotices(db: Db, deps: ServiceDeps, now: Date, batch = 500): Promise<number> {
  return inTransaction(db, deps, async (tx) => {
    const due = await tx.select({ id: dutyObligations.id }).from(dutyObligations)
      .where(lte(dutyObligations.noticeAt, now)).orderBy(asc(dutyObligations.noticeAt)).limit(batch)
      .for('update', { skipLocked: true });
    if (!due.length) return 0;
    await tx.update(dutyObligations).set({ noticeAt: null }).where(inArray(dutyObligations.id, due.map((o) => o.id)));
    for (const o of due) await enqueue(tx, 'duty.assigned', { obligationId: o.id });
    return due.length;
  });
}

// ——— Chasing: remind before the due day, escalate after it; never decide ———

const publicityDepartment = async (db: Db) =>
  (await db.select({ id: people.id }).from(people).where(sql`'publicity' = any(${people.roles})`).orderBy(asc(people.createdAt))).map((p) => p.id);

/**
 * Who answers for an obligation now: in a unit, the responsible position's holder, or the unit's
 * secretary while it is vacant (or once the duty became the department's); the department's own
 * obligation, everyone in the department.
 */
export async function answerersOf(db: Db, o: { unitId: string | null }, responsible: DutyResponsible): Promise<string[]> {
  if (o.unitId === null) return publicityDepartment(db);
  const holder = (responsible === 'publicity' ? null : await holderOf(db, o.unitId, responsible)) ?? (await holderOf(db, o.unitId, 'secretary'));
  return holder ? [holder] : [];
}

/**
 * Step 1: the unit's secretary (第一责任人) and publicity officer; step 2: the publicity department.
 * The responsible holder is told anyway, and for the department's own obligation the department is
 * that holder: nobody else is told.
 */
export async function dutyEscalationTargets(tx: Db, o: { unitId: string | null; responsible: DutyResponsible }, step: number): Promise<string[]> {
  const { unitId } = o;
  if (unitId === null) return [];
  const holders = await answerersOf(tx, o, o.responsible);
  const ids = step === 1
    ? (await Promise.all((['secretary', 'publicity_officer'] as const).map((p) => holderOf(tx, unitId, p)))).filter((x): x is string => !!x)
    : await publicityDepartment(tx);
  return [...new Set(ids)].filter((id) => !holders.includes(id));
}

/** Sends what is due: one reminder or escalation step per obligation per pass. Idempotent per instant. */
export async function runDutyReminders(db: Db, deps: ServiceDeps, now: Date, batch = 200): Promise<number> {
  return inTransaction(db, deps, async (tx) => {
    const due = await tx.select({ o: dutyObligations, responsible: dutyTemplates.responsible })
      .from(dutyObligations).innerJoin(dutyTemplates, eq(dutyTemplates.id, dutyObligations.templateId))
      .where(and(inArray(dutyObligations.status, ['open', 'returned']), lte(dutyObligations.nextReminderAt, now)))
      .orderBy(asc(dutyObligations.nextReminderAt)).limit(batch)
      .for('update', { of: dutyObligations, skipLocked: true });
    if (!due.length) return 0;
    const calendar = await workCalendarOf(tx);
    // Steps fall at 08:30 on working days; one found due in quiet hours (the sweep did not run for a
    // while) waits for the next working morning rather than waking the unit at night.
    const sendAt = calendar.pastQuiet(now);
    if (sendAt > now) {
      await tx.update(dutyObligations).set({ nextReminderAt: sendAt }).where(inArray(dutyObligations.id, due.map(({ o }) => o.id)));
      return 0;
    }
    for (const { o, responsible } of due) {
      const steps = dutySteps(calendar, dutyReminderPolicy, o.dueDay);
      const sent = { reminders: o.remindersSent, escalations: o.escalationsSent };
      const step = dueDutyStep(steps, sent, now);
      if (step?.kind === 'remind') {
        sent.reminders = step.n;
        await enqueue(tx, 'duty.reminder', { obligationId: o.id, n: step.n });
        await appendAudit(tx, { actorId: null, action: 'duty.reminded', subjectType: 'duty_obligation', subjectId: o.id, data: { n: step.n, dueDay: o.dueDay }, at: now });
      } else if (step?.kind === 'escalate') {
        // Reminders overtaken by an escalation are not sent later.
        sent.reminders = steps.filter((s) => s.kind === 'remind').length;
        sent.escalations = step.step;
        const notifyIds = await dutyEscalationTargets(tx, { unitId: o.unitId, responsible }, step.step);
        await enqueue(tx, 'duty.escalated', { obligationId: o.id, step: step.step, notifyIds });
        await appendAudit(tx, {
          actorId: null, action: 'duty.escalated', subjectType: 'duty_obligation', subjectId: o.id,
          data: { step: step.step, dueDay: o.dueDay, notified: notifyIds, to: step.step === 1 && o.unitId ? 'unit_secretary_and_publicity_officer' : 'publicity_department' }, at: now,
        });
      }
      await tx.update(dutyObligations).set({ remindersSent: sent.reminders, escalationsSent: sent.escalations, nextReminderAt: nextDutyStep(steps, sent)?.at ?? null, updatedAt: now })
        .where(eq(dutyObligations.id, o.id));
    }
    return due.length;
  });
}

export const dutySweeps: Sweep[] = [
  { name: 'duty-periods', run: createPeriodObligations },
  { name: 'duty-notices', run: releaseHeldNotices },
  { name: 'duty-reminders', run: runDutyReminders },
];

// ——— Who may do what ———

/** The unit's responsible holder, or its secretary (第一责任人), submits for the unit; anyone in the department for the department. */
async function maySubmit(db: Db, actor: Person, unitId: string | null, responsible: DutyResponsible): Promise<boolean> {
  if (unitId === null) return hasRole(actor, 'publicity');
  const held = await currentPositions(db, actor.id);
  return held.some((p) => p.unitId === unitId && (p.position === responsible || p.position === 'secretary'));
}

async function mayReview(db: Db, actor: Person, unitId: string | null, reviewer: DutyReviewer): Promise<boolean> {
  if (reviewer === 'publicity') return hasRole(actor, 'publicity');
  return unitId !== null && (await holderOf(db, unitId, reviewer)) === actor.id;
}

/** Members of the unit, its reviewer, and the publicity department and admins see an obligation (the department's own: they alone). */
async function requireObligationAccess(db: Db, actor: Person, unitId: string | null, reviewer: DutyReviewer): Promise<void> {
  if (hasRole(actor, 'publicity', 'admin')) return;
  if (unitId !== null && (await isMemberOf(db, actor, unitId))) return;
  if (await mayReview(db, actor, unitId, reviewer)) return;
  throw new AppError('forbidden');
}

// ——— Reading ———

const obligationColumns = {
  o: dutyObligations,
  t: { id: dutyTemplates.id, title: dutyTemplates.title, responsible: dutyTemplates.responsible, reviewer: dutyTemplates.reviewer, evidence: dutyTemplates.evidence, recurrence: dutyTemplates.recurrence },
  unitName: units.name,
  acceptedSubmittedAt: dutySubmissions.submittedAt,
};

function baseObligationQuery(db: Db) {
  return db.select(obligationColumns).from(dutyObligations)
    .innerJoin(dutyTemplates, eq(dutyTemplates.id, dutyObligations.templateId))
    .leftJoin(units, eq(units.id, dutyObligations.unitId))
    .leftJoin(dutySubmissions, eq(dutySubmissions.id, dutyObligations.acceptedSubmissionId));
}
type ObligationJoined = Awaited<ReturnType<typeof baseObligationQuery>>[number];

export function obligationSummary(r: ObligationJoined, now: Date) {
  const { o, t } = r;
  return {
    id: o.id, templateId: t.id, title: t.title, unitId: o.unitId, unitName: r.unitName ?? null, period: o.period, year: o.year, recurrence: t.recurrence,
    periodStart: o.periodStart.toISOString(), periodEnd: o.periodEnd.toISOString(), dueDay: o.dueDay, dueAt: o.dueAt.toISOString(),
    status: o.status, standing: standingOf({ status: o.status, dueAt: o.dueAt, acceptedSubmittedAt: r.acceptedSubmittedAt }, now),
    overdue: awaitsSubmission(o.status) && now > o.dueAt, responsible: t.responsible, reviewer: t.reviewer, evidence: t.evidence,
    remindersSent: o.remindersSent, escalationsSent: o.escalationsSent, acceptedAt: o.acceptedAt?.toISOString() ?? null,
  };
}
export type ObligationSummary = ReturnType<typeof obligationSummary>;

export interface ObligationFilter {
  unitId?: string;
  /** A period key (`2026-Q1`, `2026-H2`, `2026`, `2026-06-30`), or a year: every period of that year. */
  period?: string;
  /** Only what the caller answers for (their positions' duties in their units). */
  mine?: boolean;
}

/** The units whose obligations the caller sees without naming one: all for publicity/admin, else their own. */
async function unitsOf(db: Db, actor: Person): Promise<string[]> {
  return [...new Set([...(actor.unitId ? [actor.unitId] : []), ...(await currentPositions(db, actor.id)).map((p) => p.unitId)])];
}

export async function listObligations(db: Db, deps: ServiceDeps, actor: Person, filter: ObligationFilter): Promise<ObligationSummary[]> {
  const where: SQL[] = [];
  if (filter.unitId) {
    const [unit] = await db.select({ id: units.id }).from(units).where(eq(units.id, filter.unitId));
    if (!unit) throw new AppError('not_found', { what: words('单位', 'unit') });
    if (!hasRole(actor, 'publicity', 'admin') && !(await isMemberOf(db, actor, filter.unitId))) throw new AppError('forbidden');
    where.push(eq(dutyObligations.unitId, filter.unitId));
  } else if (!hasRole(actor, 'publicity', 'admin') || filter.mine) {
    const mine = await unitsOf(db, actor);
    // The department's own obligations are its people's.
    const department = hasRole(actor, 'publicity');
    if (!mine.length && !department) return [];
    where.push(or(mine.length ? inArray(dutyObligations.unitId, mine) : undefined, department ? isNull(dutyObligations.unitId) : undefined)!);
  }
  if (filter.period) where.push(/^\d{4}$/.test(filter.period) ? eq(dutyObligations.year, Number(filter.period)) : eq(dutyObligations.period, filter.period));
  let rows = await baseObligationQuery(db).where(and(...where)).orderBy(asc(dutyObligations.dueAt), asc(units.name), asc(dutyTemplates.title));
  if (filter.mine) {
    const held = await currentPositions(db, actor.id);
    const department = hasRole(actor, 'publicity');
    rows = rows.filter((r) => (r.o.unitId === null ? department : held.some((p) => p.unitId === r.o.unitId && (p.position === r.t.responsible || p.position === 'secretary'))));
  }
  const now = deps.now();
  return rows.map((r) => obligationSummary(r, now));
}

const fileUrl = (deps: ServiceDeps, obligationId: string, f: EvidenceFile) => `${deps.config.publicUrl}/api/v1/duties/${obligationId}/files/${f.sha256}`;

export async function getObligation(db: Db, deps: ServiceDeps, actor: Person, id: string) {
  const [row] = await baseObligationQuery(db).where(eq(dutyObligations.id, id));
  if (!row) throw obligationNotFound();
  await requireObligationAccess(db, actor, row.o.unitId, row.t.reviewer);
  const subs = await db.select({ s: dutySubmissions, d: dutyDecisions, by: people.name }).from(dutySubmissions)
    .leftJoin(dutyDecisions, eq(dutyDecisions.submissionId, dutySubmissions.id))
    .innerJoin(people, eq(people.id, dutySubmissions.submittedBy))
    .where(eq(dutySubmissions.obligationId, id)).orderBy(asc(dutySubmissions.round));
  const [canSubmit, canReview] = await Promise.all([maySubmit(db, actor, row.o.unitId, row.t.responsible), mayReview(db, actor, row.o.unitId, row.t.reviewer)]);
  const allowed = allowedDutyCommands(row.o.status).filter((c) => (c === 'submit' ? canSubmit : canReview));
  return {
    ...obligationSummary(row, deps.now()),
    allowedActions: allowed,
    submissions: subs.map(({ s, d, by }) => ({
      id: s.id, round: s.round, note: s.note, submittedBy: s.submittedBy, submittedByName: by, submittedAt: s.submittedAt.toISOString(),
      files: s.files.map((f) => ({ ...f, url: fileUrl(deps, id, f) })),
      decision: d ? { decision: d.decision, comment: d.comment, decidedBy: d.decidedBy, decidedAt: d.decidedAt.toISOString() } : null,
    })),
  };
}

// ——— Changing: submit, accept, return ———

async function lockObligation(tx: Db, id: string): Promise<{ o: ObligationRow; t: TemplateRow }> {
  const [row] = await tx.select({ o: dutyObligations, t: dutyTemplates }).from(dutyObligations)
    .innerJoin(dutyTemplates, eq(dutyTemplates.id, dutyObligations.templateId))
    .where(eq(dutyObligations.id, id)).for('update', { of: dutyObligations });
  if (!row) throw obligationNotFound();
  return row;
}

function moved(status: ObligationStatus, command: DutyCommand): ObligationStatus {
  try {
    return dutyTransition(status, command);
  } catch (err) {
    if (!(err instanceof IllegalDutyTransition)) throw err;
    const actionZh = { submit: '提交', accept: '通过', return: '退回' }[command];
    const actionEn = { submit: 'submitted', accept: 'accepted', return: 'returned' }[command];
    throw new AppError('duty_transition', { status, statusZh: label('dutyStatus', status), actionZh, actionEn }, { status, action: command });
  }
}

export async function submitEvidence(db: Db, deps: FileDeps, actor: Person, id: string, input: { note: string; files: Upload[] }) {
  const [pre] = await db.select({ unitId: dutyObligations.unitId, responsible: dutyTemplates.responsible, reviewer: dutyTemplates.reviewer })
    .from(dutyObligations).innerJoin(dutyTemplates, eq(dutyTemplates.id, dutyObligations.templateId)).where(eq(dutyObligations.id, id));
  if (!pre) throw obligationNotFound();
  if (!(await maySubmit(db, actor, pre.unitId, pre.responsible))) {
    throw new AppError('forbidden', {}, {
      reason: pre.unitId === null
        ? words('此职责只能由党委宣传部提交', 'only the publicity department submits this duty')
        : words(`此职责只能由本单位${label('level', pre.responsible)}或学院书记提交`, `only the unit's ${label('level', pre.responsible, 'en')} or secretary submits this duty`),
    });
  }
  if (!input.files.length) throw new AppError('file_missing', { field: 'files' }, [{ path: 'files', in: 'body', message: words('至少须上传一个佐证文件（multipart 字段 "files"）', 'at least one evidence file is required (multipart field "files")') }]);
  if (input.files.length > MAX_EVIDENCE_FILES) {
    throw invalidField('files', words(`每次提交最多 ${MAX_EVIDENCE_FILES} 个文件`, `at most ${MAX_EVIDENCE_FILES} files per submission`));
  }
  // Checked and stored before the transaction (content-addressed: a refused submission leaves only unreferenced blobs).
  const files: EvidenceFile[] = [];
  for (const f of input.files) files.push(await acceptUpload(deps, f));
  await inTransaction(db, deps, async (tx) => {
    const { o, t } = await lockObligation(tx, id);
    const status = moved(o.status, 'submit');
    const now = deps.now();
    const [{ n }] = (await tx.select({ n: sql<number>`count(*)::int` }).from(dutySubmissions).where(eq(dutySubmissions.obligationId, id))) as [{ n: number }];
    const [s] = await tx.insert(dutySubmissions).values({ obligationId: id, round: n + 1, note: input.note, files, submittedBy: actor.id, submittedAt: now }).returning();
    await tx.update(dutyObligations).set({ status, updatedAt: now }).where(eq(dutyObligations.id, id));
    await appendAudit(tx, {
      actorId: actor.id, action: 'duty.submitted', subjectType: 'duty_obligation', subjectId: id,
      data: { submissionId: s!.id, round: s!.round, title: t.title, unitId: o.unitId, period: o.period, late: now > o.dueAt, files: files.map((f) => ({ sha256: f.sha256, name: f.name })), note: input.note }, at: now,
    });
    await enqueue(tx, 'duty.submitted', { obligationId: id, submissionId: s!.id });
  });
  return getObligation(db, deps, actor, id);
}

/** Accept, or return with a comment: the reviewer's decision on the latest submission. */
export async function decide(db: Db, deps: ServiceDeps, actor: Person, id: string, decision: 'accept' | 'return', comment: string | undefined) {
  await inTransaction(db, deps, async (tx) => {
    const { o, t } = await lockObligation(tx, id);
    if (!(await mayReview(tx, actor, o.unitId, t.reviewer))) throw new AppError('forbidden', {}, { reason: words(`只有此职责的审核人（${t.reviewer}）可以决定`, `only the duty's reviewer (${t.reviewer}) decides`) });
    // After the reviewer check: someone who may not decide is told so, not asked for a comment.
    if (decision === 'return' && !comment?.trim()) throw new AppError('comment_required', {}, [{ path: 'comment', in: 'body', message: words('退回时须填写意见', 'a comment is required to return a submission') }]);
    const status = moved(o.status, decision);
    const [latest] = await tx.select().from(dutySubmissions).where(eq(dutySubmissions.obligationId, id)).orderBy(desc(dutySubmissions.round)).limit(1);
    if (latest!.submittedBy === actor.id) {
      throw new AppError('separation_of_duties', { reasonZh: '不能审核自己提交的材料', reasonEn: 'You cannot review your own submission' }, { reason: 'own_submission' });
    }
    const now = deps.now();
    await tx.insert(dutyDecisions).values({ submissionId: latest!.id, obligationId: id, decision, comment: comment?.trim() || null, decidedBy: actor.id, decidedAt: now });
    await tx.update(dutyObligations).set({
      status, updatedAt: now, ...(decision === 'accept' ? { acceptedAt: now, acceptedSubmissionId: latest!.id } : {}),
    }).where(eq(dutyObligations.id, id));
    await appendAudit(tx, {
      actorId: actor.id, action: decision === 'accept' ? 'duty.accepted' : 'duty.returned', subjectType: 'duty_obligation', subjectId: id,
      data: { submissionId: latest!.id, round: latest!.round, comment: comment?.trim() || null, title: t.title, unitId: o.unitId, period: o.period }, at: now,
    });
    await enqueue(tx, 'duty.decided', { obligationId: id, submissionId: latest!.id, decision });
  });
  return getObligation(db, deps, actor, id);
}

/** One evidence file of an obligation, to those who may see the obligation. */
export async function evidenceFile(db: Db, deps: FileDeps, actor: Person, id: string, sha256: string) {
  const [row] = await db.select({ unitId: dutyObligations.unitId, reviewer: dutyTemplates.reviewer }).from(dutyObligations)
    .innerJoin(dutyTemplates, eq(dutyTemplates.id, dutyObligations.templateId)).where(eq(dutyObligations.id, id));
  if (!row) throw obligationNotFound();
  await requireObligationAccess(db, actor, row.unitId, row.reviewer);
  const subs = await db.select({ files: dutySubmissions.files }).from(dutySubmissions).where(eq(dutySubmissions.obligationId, id));
  const file = subs.flatMap((s) => s.files).find((f) => f.sha256 === sha256);
  if (!file) throw new AppError('not_found', { what: words('文件', 'file') });
  return serve(deps, file);
}

/** Who holds a unit's position now, for messages and pages. */
export async function holderName(db: Db, unitId: string, position: Position): Promise<string | null> {
  const [row] = await db.select({ name: people.name }).from(positionTerms).innerJoin(people, eq(people.id, positionTerms.personId))
    .where(and(eq(positionTerms.unitId, unitId), eq(positionTerms.position, position), sql`${positionTerms.endedAt} is null`));
  return row?.name ?? null;
}
