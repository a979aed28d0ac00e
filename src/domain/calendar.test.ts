import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR, WorkCalendar } from './calendar';
import { CN_HOLIDAYS } from './holidays';

/** A China Standard Time wall-clock reading, e.g. cst('2026-02-13 16:30'). */
const cst = (wallClock: string) => new Date(`${wallClock.replace(' ', 'T')}+08:00`);

const calendar = new WorkCalendar(DEFAULT_CALENDAR);

describe('holiday data', () => {
  it.each(CN_HOLIDAYS)('$year: dates inside the year, make-up days on weekends, no day both', (y) => {
    const holidays = y.holidays.map((h) => h.date);
    const workdays = y.workdays.map((w) => w.date);
    for (const date of [...holidays, ...workdays]) expect(date.startsWith(`${y.year}-`)).toBe(true);
    for (const date of workdays) expect([0, 6]).toContain(new Date(date).getUTCDay());
    expect(holidays.filter((d) => workdays.includes(d))).toEqual([]);
    expect(new Set(holidays).size).toBe(holidays.length);
  });

  it('counts the days off of the published notices and marks only 2027 as provisional', () => {
    const byYear = new Map(CN_HOLIDAYS.map((y) => [y.year, y]));
    expect(byYear.get(2025)?.holidays).toHaveLength(1 + 8 + 3 + 5 + 3 + 8);
    expect(byYear.get(2025)?.workdays.map((w) => w.date)).toEqual([
      '2025-01-26',
      '2025-02-08',
      '2025-04-27',
      '2025-09-28',
      '2025-10-11',
    ]);
    expect(byYear.get(2026)?.holidays).toHaveLength(3 + 9 + 3 + 5 + 3 + 3 + 7);
    expect(byYear.get(2026)?.workdays).toHaveLength(6);
    expect(CN_HOLIDAYS.filter((y) => y.provisional).map((y) => y.year)).toEqual([2027]);
  });
});

describe('isWorkingDay', () => {
  it('skips the 2026 Spring Festival, weekdays included', () => {
    expect(calendar.isWorkingDay(cst('2026-02-16 10:00'))).toBe(false); // 除夕, a Monday
    expect(calendar.isWorkingDay(cst('2026-02-23 10:00'))).toBe(false); // 初七, a Monday
    expect(calendar.isWorkingDay(cst('2026-02-24 10:00'))).toBe(true);
  });

  it('counts make-up Saturdays and Sundays as working days', () => {
    expect(calendar.isWorkingDay(cst('2026-02-14 10:00'))).toBe(true); // Sat, 春节调休
    expect(calendar.isWorkingDay(cst('2026-02-28 10:00'))).toBe(true); // Sat, 春节调休
    expect(calendar.isWorkingDay(cst('2025-01-26 10:00'))).toBe(true); // Sun, 春节调休
    expect(calendar.isWorkingDay(cst('2025-10-11 10:00'))).toBe(true); // Sat, 国庆节调休
  });

  it('treats ordinary weekends as days off', () => {
    expect(calendar.isWorkingDay(cst('2026-03-07 10:00'))).toBe(false);
    expect(calendar.isWorkingDay(cst('2026-03-08 10:00'))).toBe(false);
    expect(calendar.isWorkingDay(cst('2026-03-09 10:00'))).toBe(true);
  });

  it('decides the day in China Standard Time, not UTC', () => {
    expect(calendar.isWorkingDay(new Date('2026-03-06T16:30:00Z'))).toBe(false); // Sat 00:30 CST, Fri in UTC
    expect(calendar.isWorkingDay(new Date('2026-02-13T16:30:00Z'))).toBe(true); // make-up Sat 00:30 CST
    expect(calendar.isWorkingDay(new Date('2026-02-15T15:59:59Z'))).toBe(false); // 2/15 23:59 CST, 春节
  });

  it('falls back to plain Monday–Friday for a year without data', () => {
    expect(calendar.isWorkingDay(cst('2030-01-01 10:00'))).toBe(true); // a Tuesday, 元旦 unknown
    expect(calendar.isWorkingDay(cst('2030-01-05 10:00'))).toBe(false); // a Saturday
  });
});

describe('addWorkingHours', () => {
  it('adds within a working day and ends at close when the hours fill the day exactly', () => {
    expect(calendar.addWorkingHours(cst('2026-03-02 09:00'), 2)).toEqual(cst('2026-03-02 11:00'));
    expect(calendar.addWorkingHours(cst('2026-03-02 08:30'), 9)).toEqual(cst('2026-03-02 17:30'));
  });

  it('handles fractional hours', () => {
    expect(calendar.addWorkingHours(cst('2026-03-02 09:00'), 0.25)).toEqual(cst('2026-03-02 09:15'));
    expect(calendar.addWorkingHours(cst('2026-03-02 09:00'), 1 / 60)).toEqual(cst('2026-03-02 09:01'));
    expect(calendar.addWorkingHours(cst('2026-03-02 17:00'), 1.5)).toEqual(cst('2026-03-03 09:30'));
  });

  it('spans a weekend', () => {
    expect(calendar.addWorkingHours(cst('2026-03-06 17:00'), 1)).toEqual(cst('2026-03-09 09:00'));
  });

  it('starts counting at the next working period when it starts outside working time', () => {
    expect(calendar.addWorkingHours(cst('2026-03-02 06:00'), 1)).toEqual(cst('2026-03-02 09:30'));
    expect(calendar.addWorkingHours(cst('2026-03-02 20:00'), 1)).toEqual(cst('2026-03-03 09:30'));
    expect(calendar.addWorkingHours(cst('2026-03-07 10:00'), 1)).toEqual(cst('2026-03-09 09:30'));
    expect(calendar.addWorkingHours(cst('2026-03-08 10:00'), 0)).toEqual(cst('2026-03-09 08:30'));
  });

  it('works the make-up Saturday and skips the 2026 Spring Festival', () => {
    expect(calendar.addWorkingHours(cst('2026-02-13 16:30'), 2)).toEqual(cst('2026-02-14 09:30'));
    expect(calendar.addWorkingHours(cst('2026-02-14 16:30'), 2)).toEqual(cst('2026-02-24 09:30'));
  });

  it('skips the 2025 National Day Golden Week and works both make-up days around it', () => {
    expect(calendar.addWorkingHours(cst('2025-09-30 15:30'), 3)).toEqual(cst('2025-10-09 09:30'));
    // 9/29, 9/30, 10/9, 10/10 are 36 hours; the last 4 fall on Saturday 10/11 (调休).
    expect(calendar.addWorkingHours(cst('2025-09-29 08:30'), 40)).toEqual(cst('2025-10-11 12:30'));
    expect(calendar.addWorkingHours(cst('2025-09-26 17:00'), 1)).toEqual(cst('2025-09-28 09:00')); // Sun 调休
  });

  it('rejects negative or non-finite hours', () => {
    expect(() => calendar.addWorkingHours(cst('2026-03-02 09:00'), -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingHours(cst('2026-03-02 09:00'), Number.NaN)).toThrow(RangeError);
  });
});

describe('workingHoursBetween', () => {
  it('counts only working time, across a holiday', () => {
    // Fri 1 h + make-up Sat 9 h + (春节) + Tue 1 h.
    expect(calendar.workingHoursBetween(cst('2026-02-13 16:30'), cst('2026-02-24 09:30'))).toBe(11);
    expect(calendar.workingHoursBetween(cst('2026-02-24 09:30'), cst('2026-02-13 16:30'))).toBe(-11);
  });

  it('is zero over a weekend and fractional within a day', () => {
    expect(calendar.workingHoursBetween(cst('2026-03-06 17:30'), cst('2026-03-09 08:30'))).toBe(0);
    expect(calendar.workingHoursBetween(cst('2026-03-02 09:00'), cst('2026-03-02 09:45'))).toBe(0.75);
    expect(calendar.workingHoursBetween(cst('2026-03-02 12:00'), cst('2026-03-02 12:00'))).toBe(0);
  });

  it('inverts addWorkingHours from within working time', () => {
    const from = cst('2025-09-29 10:15');
    for (const hours of [0.5, 7, 9, 20.25, 40]) {
      expect(calendar.workingHoursBetween(from, calendar.addWorkingHours(from, hours))).toBeCloseTo(hours, 9);
    }
  });
});

describe('nextWorkingStart', () => {
  it('is the instant itself during working time, otherwise the next opening', () => {
    expect(calendar.nextWorkingStart(cst('2026-03-02 10:00'))).toEqual(cst('2026-03-02 10:00'));
    expect(calendar.nextWorkingStart(cst('2026-03-02 17:30'))).toEqual(cst('2026-03-03 08:30'));
    expect(calendar.nextWorkingStart(cst('2026-03-07 12:00'))).toEqual(cst('2026-03-09 08:30'));
    expect(calendar.nextWorkingStart(cst('2026-02-13 18:00'))).toEqual(cst('2026-02-14 08:30'));
  });
});

describe('quiet hours', () => {
  it('run from 22:00 to 07:30 across midnight', () => {
    expect(calendar.isQuiet(cst('2026-03-02 21:59'))).toBe(false);
    expect(calendar.isQuiet(cst('2026-03-02 22:00'))).toBe(true);
    expect(calendar.isQuiet(cst('2026-03-03 03:00'))).toBe(true);
    expect(calendar.isQuiet(cst('2026-03-03 07:29'))).toBe(true);
    expect(calendar.isQuiet(cst('2026-03-03 07:30'))).toBe(false);
  });

  it('end at 07:30 of the following morning', () => {
    expect(calendar.endOfQuiet(cst('2026-03-02 23:00'))).toEqual(cst('2026-03-03 07:30'));
    expect(calendar.endOfQuiet(cst('2026-03-03 02:00'))).toEqual(cst('2026-03-03 07:30'));
    expect(calendar.endOfQuiet(cst('2026-03-03 12:00'))).toEqual(cst('2026-03-03 12:00'));
  });

  it('hold a message that can wait until the next working morning, holidays and weekends included', () => {
    expect(calendar.pastQuiet(cst('2026-07-01 00:00'))).toEqual(cst('2026-07-01 08:30')); // a Wednesday
    expect(calendar.pastQuiet(cst('2026-06-30 22:10'))).toEqual(cst('2026-07-01 08:30'));
    expect(calendar.pastQuiet(cst('2026-07-03 23:00'))).toEqual(cst('2026-07-06 08:30')); // Friday night → Monday
    expect(calendar.pastQuiet(cst('2026-10-01 00:00'))).toEqual(cst('2026-10-08 08:30')); // 国庆
    // Outside quiet hours a message goes at once, working hours or not.
    expect(calendar.pastQuiet(cst('2026-07-04 10:00'))).toEqual(cst('2026-07-04 10:00'));
    expect(calendar.pastQuiet(cst('2026-07-01 21:59'))).toEqual(cst('2026-07-01 21:59'));
    // A working day set to start inside quiet hours still waits for them to end.
    const early = new WorkCalendar({ ...DEFAULT_CALENDAR, workdayStart: '07:00' });
    expect(early.pastQuiet(cst('2026-07-01 00:00'))).toEqual(cst('2026-07-01 07:30'));
  });

  it('may also lie within one day', () => {
    const siesta = new WorkCalendar({ ...DEFAULT_CALENDAR, quietStart: '12:00', quietEnd: '13:30' });
    expect(siesta.isQuiet(cst('2026-03-02 12:15'))).toBe(true);
    expect(siesta.isQuiet(cst('2026-03-02 23:00'))).toBe(false);
    expect(siesta.endOfQuiet(cst('2026-03-02 12:15'))).toEqual(cst('2026-03-02 13:30'));
  });
});

describe('endOfDay', () => {
  it('is the last millisecond of the CST day', () => {
    // 04:00 CST on 3 March is still 2 March in UTC.
    expect(calendar.endOfDay(new Date('2026-03-02T20:00:00Z')).toISOString()).toBe('2026-03-03T15:59:59.999Z');
  });
});

describe('configuration', () => {
  it('rejects malformed or inverted working hours', () => {
    expect(() => new WorkCalendar({ ...DEFAULT_CALENDAR, workdayStart: '8:30' })).toThrow(RangeError);
    expect(() => new WorkCalendar({ ...DEFAULT_CALENDAR, workdayStart: '18:00' })).toThrow(RangeError);
  });
});

describe('loadYear', () => {
  it('replaces a whole year without touching other calendars', () => {
    const cal = new WorkCalendar(DEFAULT_CALENDAR);
    cal.loadYear({
      year: 2026,
      holidays: [{ date: '2026-03-02', name: '校庆' }],
      workdays: [{ date: '2026-03-07', name: '校庆调休' }],
    });
    expect(cal.isWorkingDay(cst('2026-03-02 10:00'))).toBe(false);
    expect(cal.isWorkingDay(cst('2026-03-07 10:00'))).toBe(true);
    expect(cal.isWorkingDay(cst('2026-02-16 10:00'))).toBe(true); // the shipped 春节 is gone
    expect(cal.addWorkingHours(cst('2026-02-27 17:00'), 1)).toEqual(cst('2026-03-03 09:00'));
    expect(calendar.isWorkingDay(cst('2026-02-16 10:00'))).toBe(false);
  });

  it('adds a year that had no data', () => {
    const cal = new WorkCalendar(DEFAULT_CALENDAR);
    cal.loadYear({ year: 2030, holidays: [{ date: '2030-01-01', name: '元旦' }], workdays: [] });
    expect(cal.isWorkingDay(cst('2030-01-01 10:00'))).toBe(false);
    expect(cal.isWorkingDay(cst('2030-01-02 10:00'))).toBe(true);
  });
});
