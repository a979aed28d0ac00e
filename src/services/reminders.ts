import { and, asc, eq, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { drafts, outbox, people, reviews, units, type Position, type Urgency } from '../../db/schema';
import type { WorkCalendar } from '../domain/calendar';
import { DEFAULT_REMINDER_POLICY, dueAt, nextReminder, type LevelSla, type ReminderPolicy, type ReminderStep } from '../domain/schedule';
import { appendAudit } from './audit';
import { workCalendarOf } from './calendar';
import type { ServiceDeps } from './context';
import { enqueue } from './outbox';
import { holderOf } from './reviews';
import type { Sweep } from './sweeps';
import { cstDate, cstHour } from '../domain/cst';

/**
 * Chasing approvers from Postgres alone: each pending review keeps its deadline and next reminder
 * time in its row; the sweeps below turn what is due into outbox rows, in the transaction that
 * bumps the counters, so a reminder is announced exactly once whatever happens to Redis. Nothing
 * here ever decides a review: timeouts remind, then escalate, and that is all.
 */

export const reminderPolicy: ReminderPolicy = DEFAULT_REMINDER_POLICY;
/** Used when a unit's chain names no SLA for a level. */
export const FALLBACK_SLA: LevelSla = { normalHours: 8, urgentHours: 2 };

export interface ReviewSchedule {
  dueAt: Date;
  nextReminderAt: Date | null;
}

/** Deadline and first reminder of a review assigned at `assignedAt`. Pure. */
export function scheduleReview(calendar: WorkCalendar, sla: LevelSla | undefined, urgency: Urgency, assignedAt: Date, policy = reminderPolicy): ReviewSchedule {
  const pending = { calendar, sla: sla ?? FALLBACK_SLA, urgency, assignedAt };
  const first = nextReminder({ ...pending, policy, remindersSent: 0, escalationsSent: 0 });
  return { dueAt: dueAt(pending), nextReminderAt: first?.at ?? null };
}

/** The schedule of a review of `level` on `draftId` assigned now: the unit's SLA for the level, the draft's urgency. */
export async function scheduleFor(tx: Db, draftId: string, level: Position, assignedAt: Date): Promise<ReviewSchedule> {
  const [row] = await tx.select({ urgency: drafts.urgency, chain: units.chain }).from(drafts).innerJoin(units, eq(units.id, drafts.unitId)).where(eq(drafts.id, draftId));
  return scheduleReview(await workCalendarOf(tx), row?.chain.sla?.[level], row?.urgency ?? 'normal', assignedAt);
}

/**
 * The open review's deadline and next reminder again, after the draft's urgency changed: same
 * assignment time and counts so far, the new urgency (a review made urgent is due today, not in
 * three working days).
 */
export async function rescheduleOpenReview(tx: Db, draftId: string): Promise<void> {
  const [row] = await tx
    .select({ review: reviews, urgency: drafts.urgency, chain: units.chain })
    .from(reviews).innerJoin(drafts, eq(drafts.id, reviews.draftId)).innerJoin(units, eq(units.id, drafts.unitId))
    .where(and(eq(reviews.draftId, draftId), eq(reviews.status, 'pending')));
  if (!row) return;
  const { review } = row;
  const args = { calendar: await workCalendarOf(tx), sla: row.chain.sla?.[review.level] ?? FALLBACK_SLA, urgency: row.urgency, assignedAt: review.assignedAt, policy: reminderPolicy };
  const next = nextReminder({ ...args, remindersSent: review.remindersSent, escalationsSent: review.escalationsSent });
  await tx.update(reviews).set({ dueAt: dueAt(args), nextReminderAt: next?.at ?? null }).where(eq(reviews.id, review.id));
}

/** Who an escalation step reaches: step 1 the holder of the level above and the unit's publicity officer; step 2 the publicity department. */
export async function escalationTargets(tx: Db, args: { unitId: string; levels: Position[]; level: Position; assigneeId: string; step: number }): Promise<string[]> {
  const ids: string[] = [];
  if (args.step === 1) {
    const above = args.levels[args.levels.indexOf(args.level) + 1];
    if (above) ids.push(...[await holderOf(tx, args.unitId, above)].filter((x): x is string => !!x));
    const officer = await holderOf(tx, args.unitId, 'publicity_officer');
    if (officer) ids.push(officer);
  } else {
    const dept = await tx.select({ id: people.id }).from(people).where(sql`'publicity' = any(${people.roles})`).orderBy(asc(people.createdAt));
    ids.push(...dept.map((p) => p.id));
  }
  return [...new Set(ids)].filter((id) => id !== args.assigneeId);
}

/**
 * When several reminders fell due while nothing ran (a long outage), only the latest is sent:
 * three reminders in one minute help nobody. Escalations are never skipped.
 */
function dueStep(args: Parameters<typeof nextReminder>[0], now: Date): { step: ReminderStep | null; remindersSent: number } {
  let remindersSent = args.remindersSent;
  let step = nextReminder({ ...args, remindersSent });
  for (;;) {
    if (step?.kind !== 'remind') break;
    const following = nextReminder({ ...args, remindersSent: remindersSent + 1 });
    if (following?.kind !== 'remind' || following.at > now) break;
    remindersSent++;
    step = following;
  }
  return { step, remindersSent };
}

/** Sends what is due: one reminder or escalation step per review per pass. Idempotent per instant. */
export async function runReminders(db: Db, deps: ServiceDeps, now: Date, batch = 200): Promise<number> {
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const due = await tx
      .select({ review: reviews, draft: { unitId: drafts.unitId, levels: drafts.levels, urgency: drafts.urgency }, chain: units.chain })
      .from(reviews)
      .innerJoin(drafts, eq(drafts.id, reviews.draftId))
      .innerJoin(units, eq(units.id, drafts.unitId))
      .where(and(eq(reviews.status, 'pending'), isNotNull(reviews.nextReminderAt), lte(reviews.nextReminderAt, now)))
      .orderBy(asc(reviews.nextReminderAt))
      .limit(batch)
      .for('update', { of: reviews, skipLocked: true });
    if (!due.length) return 0;
    const calendar = await workCalendarOf(tx);
    for (const { review, draft, chain } of due) {
      const args = { calendar, sla: chain.sla?.[review.level] ?? FALLBACK_SLA, urgency: draft.urgency, assignedAt: review.assignedAt, policy: reminderPolicy, remindersSent: review.remindersSent, escalationsSent: review.escalationsSent };
      const { step, remindersSent } = dueStep(args, now);
      let counts = { remindersSent, escalationsSent: review.escalationsSent };
      if (step?.kind === 'remind') {
        counts = { ...counts, remindersSent: step.n };
        await enqueue(tx, 'review.reminder', { reviewId: review.id, assignedAt: review.assignedAt.getTime(), n: step.n });
        await appendAudit(tx, { actorId: null, action: 'review.reminded', subjectType: 'review', subjectId: review.id, draftId: review.draftId, data: { n: step.n, level: review.level, assigneeId: review.assigneeId }, at: now });
      } else if (step?.kind === 'escalate') {
        counts = { ...counts, escalationsSent: step.step };
        const notifyIds = await escalationTargets(tx, { unitId: draft.unitId, levels: draft.levels, level: review.level, assigneeId: review.assigneeId, step: step.step });
        await enqueue(tx, 'review.escalated', { reviewId: review.id, assignedAt: review.assignedAt.getTime(), step: step.step, notifyIds });
        await appendAudit(tx, {
          actorId: null, action: 'review.escalated', subjectType: 'review', subjectId: review.id, draftId: review.draftId,
          data: { step: step.step, level: review.level, assigneeId: review.assigneeId, notified: notifyIds, to: step.step === 1 ? 'level_above_and_publicity_officer' : 'publicity_department' }, at: now,
        });
      }
      const next = step ? nextReminder({ ...args, ...counts }) : null;
      await tx.update(reviews).set({ ...counts, nextReminderAt: next?.at ?? null }).where(eq(reviews.id, review.id));
    }
    return due.length;
  });
}

/** Pending reviews opened before reminders existed get their schedule (keeps the sweep self-healing). */
export async function scheduleUnscheduled(db: Db, batch = 500): Promise<number> {
  const rows = await db
    .select({ id: reviews.id, draftId: reviews.draftId, level: reviews.level, assignedAt: reviews.assignedAt })
    .from(reviews)
    .where(and(eq(reviews.status, 'pending'), isNull(reviews.dueAt), eq(reviews.remindersSent, 0), eq(reviews.escalationsSent, 0)))
    .limit(batch);
  for (const r of rows) {
    const s = await scheduleFor(db, r.draftId, r.level, r.assignedAt);
    await db.update(reviews).set(s).where(and(eq(reviews.id, r.id), isNull(reviews.dueAt)));
  }
  return rows.length;
}

const DIGEST_LOCK = 0x1a0d18;
/** The digest goes out between 08:00 and 12:00 CST on working days, to approvers with at least this many pending reviews. */
export const DIGEST = { fromHour: 8, untilHour: 12, minItems: 2 };

/** One digest a morning per approver with several pending reviews; the outbox row itself marks the day as done. */
export async function runDigest(db: Db, deps: ServiceDeps, now: Date): Promise<number> {
  const date = cstDate(now);
  const hour = cstHour(now);
  if (hour < DIGEST.fromHour || hour >= DIGEST.untilHour || !(await workCalendarOf(db)).isWorkingDay(now)) return 0;
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    await tx.execute(sql`select pg_advisory_xact_lock(${DIGEST_LOCK})`);
    const waiting = await tx
      .select({ personId: reviews.assigneeId, reviewIds: sql<string[]>`array_agg(${reviews.id}::text order by ${reviews.assignedAt})` })
      .from(reviews)
      .where(eq(reviews.status, 'pending'))
      .groupBy(reviews.assigneeId)
      .having(sql`count(*) >= ${DIGEST.minItems}`);
    let written = 0;
    for (const w of waiting) {
      const [done] = await tx
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.topic, 'digest.daily'), sql`${outbox.payload}->>'personId' = ${w.personId}`, sql`${outbox.payload}->>'date' = ${date}`))
        .limit(1);
      if (done) continue;
      await enqueue(tx, 'digest.daily', { personId: w.personId, date, reviewIds: w.reviewIds });
      written++;
    }
    return written;
  });
}

export const reminderSweeps: Sweep[] = [
  { name: 'review-schedule', run: (db) => scheduleUnscheduled(db) },
  { name: 'review-reminders', run: runReminders },
  { name: 'daily-digest', run: runDigest },
];
