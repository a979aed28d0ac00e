import type { WorkCalendar } from './calendar';
import { CST_OFFSET_MS, cstDate } from './cst';

/**
 * Recurring duties of the responsibility system (责任制): when a duty's periods run, when each
 * period's obligation is due, when its holder is reminded and when it is escalated, and what a
 * submission, an acceptance or a return does to it. Pure: dates in, dates and states out; the
 * services do the I/O. Nothing here ever marks an obligation done: only a reviewer's acceptance does.
 *
 * Days are China Standard Time calendar days written `YYYY-MM-DD`; a period is a run of whole days.
 */

/**
 * The recurrences the API documents. `dates`: fixed days of every year (`MM-DD`); a `dates` schedule
 * with no days is 适时上报 (as needed: reported when something happens), which has no periods.
 */
export const RECURRENCES = ['quarterly', 'half_yearly', 'yearly', 'dates'] as const;
export type Recurrence = (typeof RECURRENCES)[number];

export interface Schedule {
  recurrence: Recurrence;
  /** For `dates`: the days of the year (`MM-DD`), each closing one period. */
  dates?: string[];
}

/** 适时上报 (as needed): a `dates` schedule without dates, so no period and no obligation ever falls due. */
export const isAsNeeded = (s: Schedule): boolean => s.recurrence === 'dates' && !s.dates?.length;

/**
 * When a period's obligation is due: `days` after the period's last day (or its first), counted in
 * calendar or working days, then moved to the next working day if it falls on a day off (the
 * holiday calendar, 调休 included). Due at the end of that day, 北京时间.
 */
export interface DueRule {
  from: 'period_end' | 'period_start';
  days: number;
  unit: 'calendar_days' | 'working_days';
  roll: 'next_working_day' | 'none';
}

export interface Period {
  /** `2026-Q1`, `2026-H2`, `2026`, or the closing day `2026-06-30` of a `dates` period. */
  key: string;
  year: number;
  firstDay: string;
  lastDay: string;
  /** CST midnight starting firstDay; `end` is CST midnight after lastDay. */
  start: Date;
  end: Date;
}

const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_DAY = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Day arithmetic on `YYYY-MM-DD` strings (UTC midnight stands in for the CST day). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}
/** The instant CST midnight starts `day`. */
export const cstMidnight = (day: string): Date => new Date(Date.parse(`${day}T00:00:00Z`) - CST_OFFSET_MS);
const noonOf = (day: string) => new Date(cstMidnight(day).getTime() + 12 * 3_600_000);

export function isValidDay(day: string): boolean {
  return ISO_DAY.test(day) && new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) === day;
}

/** `MM-DD` that exists in every year except 02-29, which is refused (it would skip three years in four). */
export function isValidMonthDay(md: string): boolean {
  return MONTH_DAY.test(md) && md !== '02-29' && isValidDay(`2026-${md}`);
}

function period(key: string, firstDay: string, lastDay: string): Period {
  return { key, year: Number(firstDay.slice(0, 4)), firstDay, lastDay, start: cstMidnight(firstDay), end: cstMidnight(addDays(lastDay, 1)) };
}

const pad = (n: number) => String(n).padStart(2, '0');
const monthStart = (year: number, month: number) => `${year}-${pad(month)}-01`;

function quarter(year: number, q: number): Period {
  const first = monthStart(year, 3 * q - 2);
  return period(`${year}-Q${q}`, first, addDays(q === 4 ? `${year + 1}-01-01` : monthStart(year, 3 * q + 1), -1));
}
function half(year: number, h: number): Period {
  return period(`${year}-H${h}`, monthStart(year, h === 1 ? 1 : 7), h === 1 ? `${year}-06-30` : `${year}-12-31`);
}
const wholeYear = (year: number) => period(String(year), `${year}-01-01`, `${year}-12-31`);

/** A `dates` period runs from the day after the previous listed day (the year's first day for the first) to its day. */
function datesPeriods(year: number, dates: string[]): Period[] {
  const sorted = [...new Set(dates)].sort();
  return sorted.map((md, i) => {
    const lastDay = `${year}-${md}`;
    const firstDay = i === 0 ? `${year}-01-01` : addDays(`${year}-${sorted[i - 1]}`, 1);
    return period(lastDay, firstDay, lastDay);
  });
}

/** The periods of one year, in order (none when as needed). */
export function periodsOfYear(schedule: Schedule, year: number): Period[] {
  switch (schedule.recurrence) {
    case 'quarterly': return [1, 2, 3, 4].map((q) => quarter(year, q));
    case 'half_yearly': return [1, 2].map((h) => half(year, h));
    case 'yearly': return [wholeYear(year)];
    case 'dates': return datesPeriods(year, schedule.dates ?? []);
  }
}

/**
 * The period containing instant `at`, or null (as needed; or a `dates` duty after the year's last
 * listed day, whose next period begins next year).
 */
export function periodAt(schedule: Schedule, at: Date): Period | null {
  const day = cstDate(at);
  const year = Number(day.slice(0, 4));
  return periodsOfYear(schedule, year).find((p) => p.firstDay <= day && day <= p.lastDay) ?? null;
}

/** The period named by `key` under this schedule, or null when the key does not name one. */
export function periodByKey(schedule: Schedule, key: string): Period | null {
  const year = Number(/^(\d{4})/.exec(key)?.[1]);
  if (!(year >= 2000 && year <= 2100)) return null;
  return periodsOfYear(schedule, year).find((p) => p.key === key) ?? null;
}

/** What a `period` query may say: a period key of any schedule, or a year. */
export const PERIOD_KEY = /^\d{4}(-Q[1-4]|-H[12]|-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))?$/;

/** A period key as people say it: 「2026年第四季度」 "Q4 2026", 「2026年下半年」 "second half of 2026", 「2026年」, 「截至2026年6月30日」. */
export function periodWords(key: string): { zh: string; en: string } {
  const m = /^(\d{4})(?:-Q([1-4])|-H([12])|-(\d{2})-(\d{2}))?$/.exec(key);
  if (!m) return { zh: key, en: key };
  const [, year, q, h, month, day] = m;
  if (q) return { zh: `${year}年第${'一二三四'[Number(q) - 1]}季度`, en: `Q${q} ${year}` };
  if (h) return { zh: `${year}年${h === '1' ? '上' : '下'}半年`, en: `${h === '1' ? 'first' : 'second'} half of ${year}` };
  if (month) return { zh: `截至${year}年${Number(month)}月${Number(day)}日`, en: `to ${Number(day)} ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][Number(month) - 1]} ${year}` };
  return { zh: `${year}年`, en: year! };
}

/** `n` working days after `day` (before it when negative); 0 is `day` itself. */
export function addWorkingDays(calendar: WorkCalendar, day: string, n: number): string {
  let d = day;
  const step = n < 0 ? -1 : 1;
  for (let left = Math.abs(n); left > 0; ) {
    d = addDays(d, step);
    if (calendar.isWorkingDay(noonOf(d))) left--;
  }
  return d;
}

/** `day`, or the first working day after it. */
export function nextWorkingDay(calendar: WorkCalendar, day: string): string {
  let d = day;
  while (!calendar.isWorkingDay(noonOf(d))) d = addDays(d, 1);
  return d;
}

/** The day a period's obligation is due. */
export function dueDay(calendar: WorkCalendar, rule: DueRule, p: Period): string {
  const from = rule.from === 'period_end' ? p.lastDay : p.firstDay;
  const day = rule.unit === 'working_days' ? addWorkingDays(calendar, from, rule.days) : addDays(from, rule.days);
  return rule.roll === 'next_working_day' ? nextWorkingDay(calendar, day) : day;
}

/** The due instant: the last moment of the due day, 北京时间. */
export function dueAt(calendar: WorkCalendar, rule: DueRule, p: Period): Date {
  return new Date(cstMidnight(dueDay(calendar, rule, p)).getTime() + DAY_MS - 1);
}

/** The due rule in words, zh-CN and English, as the templates list shows it; an as-needed duty says so instead. */
export function describeDueRule(rule: DueRule, schedule: Schedule): { zh: string; en: string } {
  if (isAsNeeded(schedule)) return { zh: '适时上报（无固定日期，不按期生成职责事项）', en: 'as needed (no set dates; no periodic duties are created)' };
  const { recurrence } = schedule;
  const zhPeriod = { quarterly: '季度', half_yearly: '半年', yearly: '年度', dates: '规定日期' }[recurrence];
  const enPeriod = { quarterly: 'quarter', half_yearly: 'half-year', yearly: 'year', dates: 'set date' }[recurrence];
  const zhUnit = rule.unit === 'working_days' ? '个工作日' : '天';
  const enUnit = rule.unit === 'working_days' ? 'working days' : 'days';
  const zhFrom = rule.from === 'period_end' ? (recurrence === 'dates' ? '规定日期' : `${zhPeriod}结束`) : `${zhPeriod}开始`;
  const enFrom = rule.from === 'period_end' ? `the end of the ${enPeriod}` : `the start of the ${enPeriod}`;
  const zh = `${zhFrom}后 ${rule.days} ${zhUnit}内${rule.roll === 'next_working_day' ? '（遇节假日顺延至下一个工作日）' : ''}`;
  const en = `${rule.days} ${enUnit} after ${enFrom}${rule.roll === 'next_working_day' ? ', moved to the next working day if that is a day off' : ''}`;
  return { zh, en };
}

// ——— Reminders and escalation ———

export interface DutyReminderPolicy {
  /** Reminders on the working days this many working days before the due day, e.g. [5, 1]. */
  remindWorkingDaysBefore: number[];
  /** Escalation steps on the working days this many working days after the due day, e.g. [1, 5]. */
  escalateWorkingDaysAfter: number[];
}

/** Step 1: the unit's secretary (第一责任人) and publicity officer; step 2: the publicity department. */
export const DEFAULT_DUTY_REMINDERS: DutyReminderPolicy = { remindWorkingDaysBefore: [5, 1], escalateWorkingDaysAfter: [1, 5] };

export type DutyStep = { kind: 'remind'; n: number; at: Date } | { kind: 'escalate'; step: number; at: Date };

/** Messages go out at the start of the working day (08:30 北京时间 by default). */
const startOfWorkingDay = (calendar: WorkCalendar, day: string) => calendar.nextWorkingStart(cstMidnight(day));

/** Every step of one obligation, in order: reminders before the due day, then escalations after it. */
export function dutySteps(calendar: WorkCalendar, policy: DutyReminderPolicy, due: string): DutyStep[] {
  const before = [...new Set(policy.remindWorkingDaysBefore)].filter((n) => n > 0).sort((a, b) => b - a);
  const after = [...new Set(policy.escalateWorkingDaysAfter)].filter((n) => n > 0).sort((a, b) => a - b);
  // A due day that is itself a day off (roll: none) still counts back from the working days before it.
  return [
    ...before.map((n, i): DutyStep => ({ kind: 'remind', n: i + 1, at: startOfWorkingDay(calendar, addWorkingDays(calendar, due, -n)) })),
    ...after.map((n, i): DutyStep => ({ kind: 'escalate', step: i + 1, at: startOfWorkingDay(calendar, addWorkingDays(calendar, due, n)) })),
  ];
}

/**
 * The step to send at `now` given what was sent: null when nothing is due yet (see `nextDutyStep`
 * for when). Counts drive it, so a retry never repeats or skips an escalation. Reminders that fell
 * due while nothing ran collapse into the latest one, and a reminder whose moment has been
 * overtaken by the next step is not sent at all: escalations are never skipped.
 */
export function dueDutyStep(steps: DutyStep[], sent: { reminders: number; escalations: number }, now: Date): DutyStep | null {
  const remaining = steps.filter((s) => (s.kind === 'remind' ? s.n > sent.reminders : s.step > sent.escalations));
  let due: DutyStep | null = null;
  for (const s of remaining) {
    if (s.at > now) break;
    if (s.kind === 'escalate') return s;
    due = s;
  }
  return due;
}

/** When the next step after those sent falls due, or null when none is left. */
export function nextDutyStep(steps: DutyStep[], sent: { reminders: number; escalations: number }): DutyStep | null {
  return steps.find((s) => (s.kind === 'remind' ? s.n > sent.reminders : s.step > sent.escalations)) ?? null;
}

// ——— Obligation states ———

/**
 * `withdrawn`: no longer owed, never by a command: an upgrade found the duty never bound the unit (a
 * default corrected after it shipped) and closed what the unit had not yet had accepted, keeping
 * whatever it filed.
 */
export const OBLIGATION_STATUSES = ['open', 'submitted', 'returned', 'accepted', 'withdrawn'] as const;
export type ObligationStatus = (typeof OBLIGATION_STATUSES)[number];
export type DutyCommand = 'submit' | 'accept' | 'return';

export class IllegalDutyTransition extends Error {
  constructor(readonly status: ObligationStatus, readonly command: DutyCommand) {
    super(`cannot ${command} an obligation that is ${status}`);
  }
}

/** What each command does in each status; a missing cell is refused. Accepted and withdrawn obligations are final. */
const TABLE: Record<ObligationStatus, Partial<Record<DutyCommand, ObligationStatus>>> = {
  open: { submit: 'submitted' },
  returned: { submit: 'submitted' },
  submitted: { accept: 'accepted', return: 'returned' },
  accepted: {},
  withdrawn: {},
};

export function dutyTransition(status: ObligationStatus, command: DutyCommand): ObligationStatus {
  const next = TABLE[status][command];
  if (!next) throw new IllegalDutyTransition(status, command);
  return next;
}

export const allowedDutyCommands = (status: ObligationStatus): DutyCommand[] => Object.keys(TABLE[status]) as DutyCommand[];

/** Whether reminders and escalation still apply: only while the unit owes a submission. */
export const awaitsSubmission = (status: ObligationStatus) => status === 'open' || status === 'returned';

/**
 * Where an obligation stands on the department's board: done (accepted, submitted by the due time),
 * late (accepted, but the accepted submission came after it), missing (past due with nothing
 * accepted or in review), in_review, pending (not yet due), withdrawn (not owed after all).
 */
export const STANDINGS = ['pending', 'in_review', 'done', 'late', 'missing', 'withdrawn'] as const;
export type Standing = (typeof STANDINGS)[number];

export function standingOf(o: { status: ObligationStatus; dueAt: Date; acceptedSubmittedAt: Date | null }, now: Date): Standing {
  if (o.status === 'withdrawn') return 'withdrawn';
  if (o.status === 'accepted') return o.acceptedSubmittedAt && o.acceptedSubmittedAt > o.dueAt ? 'late' : 'done';
  if (o.status === 'submitted') return 'in_review';
  return now > o.dueAt ? 'missing' : 'pending';
}
