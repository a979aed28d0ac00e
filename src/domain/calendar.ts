import { CN_HOLIDAYS, type HolidayYear } from './holidays';
import { CST_OFFSET_MS, cstFields } from './cst';

/**
 * Working-day calendar in China Standard Time. CST has been UTC+8 without daylight saving since
 * 1991, so a fixed offset is exact and keeps this free of Intl/timezone data (it runs on Workers).
 */
export interface CalendarConfig {
  years: HolidayYear[];
  workdayStart: string /* "08:30" */;
  workdayEnd: string /* "17:30" */;
  quietStart: string /* "22:00" */;
  quietEnd: string /* "07:30" */;
}

export const DEFAULT_CALENDAR: CalendarConfig = {
  years: CN_HOLIDAYS,
  workdayStart: '08:30',
  workdayEnd: '17:30',
  quietStart: '22:00',
  quietEnd: '07:30',
};

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Offset of a "HH:MM" time of day from midnight, in ms. */
function timeOfDay(hhmm: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!match) throw new RangeError(`not a HH:MM time of day: ${hhmm}`);
  return (Number(match[1]) * 60 + Number(match[2])) * MINUTE_MS;
}

/** The instant of CST midnight starting the day that contains t. */
function startOfDay(t: number): number {
  return Math.floor((t + CST_OFFSET_MS) / DAY_MS) * DAY_MS - CST_OFFSET_MS;
}

interface YearRules {
  holidays: Set<string>;
  workdays: Set<string>;
}

export class WorkCalendar {
  private readonly years = new Map<number, YearRules>();
  private readonly workdayStart: number;
  private readonly workdayEnd: number;
  private readonly quietStart: number;
  private readonly quietEnd: number;

  constructor(cfg: CalendarConfig) {
    this.workdayStart = timeOfDay(cfg.workdayStart);
    this.workdayEnd = timeOfDay(cfg.workdayEnd);
    this.quietStart = timeOfDay(cfg.quietStart);
    this.quietEnd = timeOfDay(cfg.quietEnd);
    if (this.workdayStart >= this.workdayEnd) {
      throw new RangeError(`working day must start before it ends: ${cfg.workdayStart}–${cfg.workdayEnd}`);
    }
    for (const y of cfg.years) this.loadYear(y);
  }

  /** Admin-loaded data (e.g. the official notice for a provisional year) replaces that whole year. */
  loadYear(y: HolidayYear): void {
    this.years.set(y.year, {
      holidays: new Set(y.holidays.map((h) => h.date)),
      workdays: new Set(y.workdays.map((w) => w.date)),
    });
  }

  /** A weekday that is not a holiday, or a make-up workday; plain Mon–Fri for years without data. */
  isWorkingDay(d: Date): boolean {
    const day = cstFields(d.getTime());
    const rules = this.years.get(day.getUTCFullYear());
    const date = day.toISOString().slice(0, 10);
    if (rules?.workdays.has(date)) return true;
    if (rules?.holidays.has(date)) return false;
    const weekday = day.getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /**
   * The instant `hours` working hours after `from`. Counting starts at the next working period if
   * `from` is outside one, and a total that exactly fills a day ends at that day's close rather
   * than the next morning.
   */
  addWorkingHours(from: Date, hours: number): Date {
    if (!(hours >= 0) || !Number.isFinite(hours)) throw new RangeError(`hours must be finite and ≥ 0: ${hours}`);
    let left = hours * HOUR_MS;
    let t = from.getTime();
    for (;;) {
      const { start, end } = this.workingPeriodAtOrAfter(t);
      const begin = Math.max(t, start);
      if (begin + left <= end) return new Date(Math.round(begin + left));
      left -= end - begin;
      t = end;
    }
  }

  /** Working hours in [a, b); negative when b is before a. */
  workingHoursBetween(a: Date, b: Date): number {
    if (b < a) return -this.workingHoursBetween(b, a);
    const until = b.getTime();
    let total = 0;
    for (let t = a.getTime(); t < until; ) {
      const { start, end } = this.workingPeriodAtOrAfter(t);
      if (start >= until) break;
      total += Math.min(end, until) - Math.max(t, start);
      t = end;
    }
    return total / HOUR_MS;
  }

  /** `from` itself when it is within working time, otherwise the start of the next working period. */
  nextWorkingStart(from: Date): Date {
    const { start } = this.workingPeriodAtOrAfter(from.getTime());
    return new Date(Math.max(from.getTime(), start));
  }

  isQuiet(d: Date): boolean {
    const sinceMidnight = d.getTime() - startOfDay(d.getTime());
    return this.quietStart <= this.quietEnd
      ? sinceMidnight >= this.quietStart && sinceMidnight < this.quietEnd
      : sinceMidnight >= this.quietStart || sinceMidnight < this.quietEnd; // quiet hours span midnight
  }

  /** The next instant not in quiet hours (`d` itself if it is not quiet). */
  endOfQuiet(d: Date): Date {
    if (!this.isQuiet(d)) return d;
    const todaysEnd = startOfDay(d.getTime()) + this.quietEnd;
    return new Date(todaysEnd > d.getTime() ? todaysEnd : todaysEnd + DAY_MS);
  }

  /**
   * When a message that can wait for working hours, written at `d`, goes out: `d` itself outside
   * quiet hours; written in them, the start of the next working period (a notice made at midnight
   * waits for 08:30, one made before a weekend or holiday for the next working morning), never
   * inside quiet hours even where the working day is set to start in them.
   */
  pastQuiet(d: Date): Date {
    return this.isQuiet(d) ? this.endOfQuiet(this.nextWorkingStart(d)) : d;
  }

  /** 23:59:59.999 CST of d's day. */
  endOfDay(d: Date): Date {
    return new Date(startOfDay(d.getTime()) + DAY_MS - 1);
  }

  /** The working period containing t, or the first one after it. */
  private workingPeriodAtOrAfter(t: number): { start: number; end: number } {
    // Terminates: any run of non-working days is finite, as years without data are plain Mon–Fri.
    for (let day = startOfDay(t); ; day += DAY_MS) {
      const end = day + this.workdayEnd;
      if (t < end && this.isWorkingDay(new Date(day))) return { start: day + this.workdayStart, end };
    }
  }
}
