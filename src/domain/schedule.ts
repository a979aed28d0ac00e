import type { WorkCalendar } from './calendar';

/**
 * The reminder schedule of one pending review. Pure: it says when the next reminder or escalation
 * is due and never acts on the draft (nothing here approves or rejects).
 */

/** How long a sign-off level has to answer: working hours for normal drafts, wall-clock for urgent. */
export interface LevelSla {
  normalHours: number;
  urgentHours: number;
}

export interface ReminderPolicy {
  /** First reminder once this share of the SLA has elapsed, e.g. 0.5. */
  firstAtShare: number;
  /** Working hours between reminders of a normal draft, e.g. 4. */
  repeatEveryHours: number;
  /** Reminders before escalating, e.g. 3 — with the repeat, ISO 8601 R3/PT4H. */
  maxReminders: number;
  /** Wall-clock hours between reminders of an urgent draft, e.g. 1. */
  urgentRepeatEveryHours: number;
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = {
  firstAtShare: 0.5,
  repeatEveryHours: 4,
  maxReminders: 3,
  urgentRepeatEveryHours: 1,
};

/** Step 1: the holder of the level above and the unit's publicity officer; step 2: the publicity department. */
export const ESCALATION_STEPS = 2;

/** 'urgent' is 当日回复: it must be answered the day it is assigned. */
export type Urgency = 'normal' | 'urgent';

export type ReminderStep = { kind: 'remind'; n: number; at: Date } | { kind: 'escalate'; step: number; at: Date };

export interface PendingReview {
  calendar: WorkCalendar;
  sla: LevelSla;
  urgency: Urgency;
  assignedAt: Date;
}

const HOUR_MS = 3_600_000;

function afterWallClockHours(from: Date, hours: number): Date {
  return new Date(from.getTime() + Math.round(hours * HOUR_MS));
}

/** The SLA deadline. An urgent draft is due the same day however long its SLA. */
export function dueAt({ calendar, sla, urgency, assignedAt }: PendingReview): Date {
  if (urgency === 'normal') return calendar.addWorkingHours(assignedAt, sla.normalHours);
  const due = afterWallClockHours(assignedAt, sla.urgentHours);
  const endOfDay = calendar.endOfDay(assignedAt);
  return due < endOfDay ? due : endOfDay;
}

/**
 * What to send next given what has been sent: reminders up to the cap, then the escalation
 * steps, then nothing. Counts rather than timestamps drive it, so a worker can call it after
 * every send and a retry never skips or repeats a step.
 */
export function nextReminder(
  args: PendingReview & { policy: ReminderPolicy; remindersSent: number; escalationsSent: number },
): ReminderStep | null {
  const { policy, remindersSent, escalationsSent } = args;
  if (remindersSent < policy.maxReminders) {
    return { kind: 'remind', n: remindersSent + 1, at: messageTime(args, remindersSent) };
  }
  if (escalationsSent < ESCALATION_STEPS) {
    return { kind: 'escalate', step: escalationsSent + 1, at: messageTime(args, policy.maxReminders + escalationsSent) };
  }
  return null;
}

/**
 * When the index-th message (reminders then escalations, from 0) falls due. Every message sits on
 * one fixed cadence from assignment, so moving one out of quiet hours does not push later ones.
 */
function messageTime(
  { calendar, policy, sla, urgency, assignedAt }: PendingReview & { policy: ReminderPolicy },
  index: number,
): Date {
  const at =
    urgency === 'normal'
      ? calendar.addWorkingHours(assignedAt, policy.firstAtShare * sla.normalHours + index * policy.repeatEveryHours)
      : afterWallClockHours(assignedAt, policy.firstAtShare * sla.urgentHours + index * policy.urgentRepeatEveryHours);
  // A same-day answer outranks the approver's evening; once that day is over the draft is late
  // anyway and waking someone up buys nothing.
  const sameDayUrgent = urgency === 'urgent' && at <= calendar.endOfDay(assignedAt);
  return sameDayUrgent ? at : calendar.endOfQuiet(at);
}
