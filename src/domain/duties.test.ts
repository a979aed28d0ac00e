import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR, WorkCalendar } from './calendar';
import {
  addWorkingDays, allowedDutyCommands, DEFAULT_DUTY_REMINDERS, describeDueRule, dueAt, dueDay, dueDutyStep, dutySteps, dutyTransition, IllegalDutyTransition,
  isValidMonthDay, nextDutyStep, PERIOD_KEY, periodAt, periodByKey, periodWords, periodsOfYear, standingOf, type DueRule,
} from './duties';

const calendar = new WorkCalendar(DEFAULT_CALENDAR);
const cst = (local: string) => new Date(`${local}+08:00`);
const FIFTEEN_AFTER: DueRule = { from: 'period_end', days: 15, unit: 'calendar_days', roll: 'next_working_day' };

describe('periods', () => {
  it('quarters, halves and years run over whole CST days', () => {
    expect(periodsOfYear({ recurrence: 'quarterly' }, 2026).map((p) => [p.key, p.firstDay, p.lastDay])).toEqual([
      ['2026-Q1', '2026-01-01', '2026-03-31'], ['2026-Q2', '2026-04-01', '2026-06-30'], ['2026-Q3', '2026-07-01', '2026-09-30'], ['2026-Q4', '2026-10-01', '2026-12-31'],
    ]);
    expect(periodsOfYear({ recurrence: 'half_yearly' }, 2026).map((p) => [p.key, p.firstDay, p.lastDay])).toEqual([['2026-H1', '2026-01-01', '2026-06-30'], ['2026-H2', '2026-07-01', '2026-12-31']]);
    expect(periodsOfYear({ recurrence: 'yearly' }, 2026).map((p) => p.key)).toEqual(['2026']);
    expect(periodsOfYear({ recurrence: 'dates', dates: [] }, 2026)).toEqual([]);
    const q1 = periodByKey({ recurrence: 'quarterly' }, '2026-Q1')!;
    expect(q1.start).toEqual(cst('2026-01-01T00:00:00'));
    expect(q1.end).toEqual(cst('2026-04-01T00:00:00'));
  });

  it('the period at an instant is read in 北京时间 (16:30 UTC on 31 March is already Q2 in China)', () => {
    expect(periodAt({ recurrence: 'quarterly' }, new Date('2026-03-31T15:59:59Z'))!.key).toBe('2026-Q1');
    expect(periodAt({ recurrence: 'quarterly' }, new Date('2026-03-31T16:00:00Z'))!.key).toBe('2026-Q2');
    expect(periodAt({ recurrence: 'half_yearly' }, cst('2026-07-01T00:00:00'))!.key).toBe('2026-H2');
    expect(periodAt({ recurrence: 'dates', dates: [] }, cst('2026-07-01T00:00:00'))).toBeNull();
  });

  it('a dates schedule closes a period on each listed day; after the last one the next period is next year', () => {
    const s = { recurrence: 'dates' as const, dates: ['09-30', '03-31'] };
    expect(periodsOfYear(s, 2026).map((p) => [p.key, p.firstDay, p.lastDay])).toEqual([['2026-03-31', '2026-01-01', '2026-03-31'], ['2026-09-30', '2026-04-01', '2026-09-30']]);
    expect(periodAt(s, cst('2026-05-01T10:00:00'))!.key).toBe('2026-09-30');
    expect(periodAt(s, cst('2026-11-01T10:00:00'))).toBeNull();
    expect(isValidMonthDay('02-29')).toBe(false);
    expect(isValidMonthDay('04-31')).toBe(false);
    expect(isValidMonthDay('12-31')).toBe(true);
  });

  it('period keys: what names a period, and what does not', () => {
    expect(periodByKey({ recurrence: 'quarterly' }, '2026-Q5')).toBeNull();
    expect(periodByKey({ recurrence: 'quarterly' }, '2026-H1')).toBeNull();
    expect(periodByKey({ recurrence: 'half_yearly' }, '2026-H2')!.firstDay).toBe('2026-07-01');
    expect(['2026', '2026-Q4', '2026-H1', '2026-06-30'].every((k) => PERIOD_KEY.test(k))).toBe(true);
    expect(['26-Q1', '2026-Q0', '2026-13-01', '2026Q1', ''].some((k) => PERIOD_KEY.test(k))).toBe(false);
  });
});

describe('due rule', () => {
  it('15 days after the quarter end, at the end of that day (北京时间)', () => {
    const q1 = periodByKey({ recurrence: 'quarterly' }, '2026-Q1')!;
    expect(dueDay(calendar, FIFTEEN_AFTER, q1)).toBe('2026-04-15');
    expect(dueAt(calendar, FIFTEEN_AFTER, q1)).toEqual(new Date(cst('2026-04-16T00:00:00').getTime() - 1));
  });

  it('a due day on the National Day holiday moves to the first working day after it; without roll it stays', () => {
    const q3 = periodByKey({ recurrence: 'quarterly' }, '2026-Q3')!;
    expect(dueDay(calendar, { ...FIFTEEN_AFTER, days: 1 }, q3)).toBe('2026-10-08');
    expect(dueDay(calendar, { ...FIFTEEN_AFTER, days: 1, roll: 'none' }, q3)).toBe('2026-10-01');
    // A weekend too: 2026-H1 + 4 days is Saturday 4 July → Monday 6 July.
    expect(dueDay(calendar, { ...FIFTEEN_AFTER, days: 4 }, periodByKey({ recurrence: 'half_yearly' }, '2026-H1')!)).toBe('2026-07-06');
  });

  it('working days skip holidays and count make-up Saturdays', () => {
    expect(addWorkingDays(calendar, '2026-09-30', 1)).toBe('2026-10-08');
    expect(addWorkingDays(calendar, '2026-10-09', 1)).toBe('2026-10-10'); // 国庆调休 Saturday
    expect(addWorkingDays(calendar, '2026-10-08', -1)).toBe('2026-09-30');
    expect(dueDay(calendar, { from: 'period_end', days: 10, unit: 'working_days', roll: 'next_working_day' }, periodByKey({ recurrence: 'quarterly' }, '2026-Q3')!)).toBe('2026-10-20');
  });

  it('is described in both languages', () => {
    expect(describeDueRule(FIFTEEN_AFTER, { recurrence: 'quarterly' })).toEqual({
      zh: '季度结束后 15 天内（遇节假日顺延至下一个工作日）', en: '15 days after the end of the quarter, moved to the next working day if that is a day off',
    });
  });
});

describe('reminders before the due day, escalation after it', () => {
  // Q3 2026 due one day after its end: 1 Oct is a holiday, so 8 Oct.
  const steps = dutySteps(calendar, DEFAULT_DUTY_REMINDERS, '2026-10-08');

  it('on working days at 08:30, across 中秋, 国庆 and the make-up Saturday', () => {
    expect(steps.map((s) => [s.kind, s.kind === 'remind' ? s.n : s.step, s.at])).toEqual([
      ['remind', 1, cst('2026-09-23T08:30:00')], // 5 working days before: 24, 28, 29, 30 Sep and 8 Oct (25–27 Sep 中秋)
      ['remind', 2, cst('2026-09-30T08:30:00')],
      ['escalate', 1, cst('2026-10-09T08:30:00')],
      ['escalate', 2, cst('2026-10-14T08:30:00')], // 9, 10 (调休), 12, 13, 14 Oct
    ]);
  });

  it('sends each step once, in order, and never past the last', () => {
    const none = { reminders: 0, escalations: 0 };
    expect(dueDutyStep(steps, none, cst('2026-09-23T08:29:00'))).toBeNull();
    expect(dueDutyStep(steps, none, cst('2026-09-23T08:30:00'))).toMatchObject({ kind: 'remind', n: 1 });
    expect(dueDutyStep(steps, { reminders: 1, escalations: 0 }, cst('2026-09-29T12:00:00'))).toBeNull();
    expect(nextDutyStep(steps, { reminders: 1, escalations: 0 })).toMatchObject({ kind: 'remind', n: 2 });
    expect(dueDutyStep(steps, { reminders: 2, escalations: 2 }, cst('2027-01-01T00:00:00'))).toBeNull();
    expect(nextDutyStep(steps, { reminders: 2, escalations: 2 })).toBeNull();
  });

  it('after an outage: stale reminders collapse into the latest, and a reminder overtaken by an escalation is not sent', () => {
    expect(dueDutyStep(steps, { reminders: 0, escalations: 0 }, cst('2026-10-01T10:00:00'))).toMatchObject({ kind: 'remind', n: 2 });
    expect(dueDutyStep(steps, { reminders: 0, escalations: 0 }, cst('2026-10-20T10:00:00'))).toMatchObject({ kind: 'escalate', step: 1 });
    expect(dueDutyStep(steps, { reminders: 2, escalations: 1 }, cst('2026-10-20T10:00:00'))).toMatchObject({ kind: 'escalate', step: 2 });
  });
});

describe('obligation states', () => {
  it('submit → accept is final; return lets the unit submit again', () => {
    expect(dutyTransition('open', 'submit')).toBe('submitted');
    expect(dutyTransition('submitted', 'return')).toBe('returned');
    expect(dutyTransition('returned', 'submit')).toBe('submitted');
    expect(dutyTransition('submitted', 'accept')).toBe('accepted');
    expect(allowedDutyCommands('accepted')).toEqual([]);
    expect(() => dutyTransition('accepted', 'submit')).toThrow(IllegalDutyTransition);
    expect(() => dutyTransition('open', 'accept')).toThrow(IllegalDutyTransition);
    expect(() => dutyTransition('returned', 'return')).toThrow(IllegalDutyTransition);
  });

  it('standing on the board: done, late, missing, in review, pending', () => {
    const due = cst('2026-04-15T23:59:59');
    const before = cst('2026-04-10T10:00:00');
    const after = cst('2026-04-20T10:00:00');
    expect(standingOf({ status: 'open', dueAt: due, acceptedSubmittedAt: null }, before)).toBe('pending');
    expect(standingOf({ status: 'returned', dueAt: due, acceptedSubmittedAt: null }, after)).toBe('missing');
    expect(standingOf({ status: 'submitted', dueAt: due, acceptedSubmittedAt: null }, after)).toBe('in_review');
    expect(standingOf({ status: 'accepted', dueAt: due, acceptedSubmittedAt: before }, after)).toBe('done');
    expect(standingOf({ status: 'accepted', dueAt: due, acceptedSubmittedAt: after }, after)).toBe('late');
  });
});

describe('periodWords', () => {
  it('says a period key as people say it, in both languages', () => {
    expect(periodWords('2026-Q4')).toEqual({ zh: '2026年第四季度', en: 'Q4 2026' });
    expect(periodWords('2026-H1')).toEqual({ zh: '2026年上半年', en: 'first half of 2026' });
    expect(periodWords('2026')).toEqual({ zh: '2026年', en: '2026' });
    expect(periodWords('2026-06-30')).toEqual({ zh: '截至2026年6月30日', en: 'to 30 Jun 2026' });
    expect(periodWords('not-a-period')).toEqual({ zh: 'not-a-period', en: 'not-a-period' });
  });
});
