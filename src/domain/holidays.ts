/**
 * China's public holidays (法定节假日) and make-up workdays (调休上班), as set each year by the
 * State Council General Office notice 国务院办公厅关于 YYYY 年部分节假日安排的通知.
 *
 * A holiday period is listed day by day, weekends inside it included, exactly as the notice
 * states its span. A make-up workday is a Saturday or Sunday that is worked instead.
 */
export interface HolidayYear {
  year: number;
  /** Not from an official notice yet: an admin should load the published one (WorkCalendar.loadYear). */
  provisional?: boolean;
  holidays: { date: string /* YYYY-MM-DD */; name: string /* zh-CN, e.g. 春节 */ }[];
  workdays: { date: string; name: string /* e.g. 春节调休 */ }[];
}

export interface Festival {
  name: string;
  first: string;
  last?: string;
  makeUpDays?: string[];
}

const DAY_MS = 86_400_000;

function datesFrom(first: string, last: string): string[] {
  const dates: string[] = [];
  for (let t = Date.parse(first); t <= Date.parse(last); t += DAY_MS) {
    dates.push(new Date(t).toISOString().slice(0, 10));
  }
  return dates;
}

/** Builds a year the way the notice reads: one line per festival, its span and its make-up days. */
export function holidayYear(year: number, festivals: Festival[], provisional = false): HolidayYear {
  return {
    year,
    ...(provisional ? { provisional } : {}),
    holidays: festivals.flatMap(({ name, first, last = first }) =>
      datesFrom(first, last).map((date) => ({ date, name })),
    ),
    workdays: festivals.flatMap(({ name, makeUpDays = [] }) =>
      makeUpDays.map((date) => ({ date, name: `${name}调休` })),
    ),
  };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (d: string) => ISO_DATE.test(d) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;
const weekday = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay();

/**
 * What is wrong with a year as an admin typed it from the notice, as field paths and messages (English, and `zh`)
 * (empty when it is sound): real dates in that year, spans in order and at most ten days, make-up
 * days on a Saturday or Sunday outside every holiday. Pure, so the API and tests share it.
 */
export function festivalProblems(year: number, festivals: Festival[]): { path: (string | number)[]; message: string; zh: string }[] {
  const problems: { path: (string | number)[]; message: string; zh: string }[] = [];
  const inYear = (d: string) => d.startsWith(`${year}-`);
  const holidays = new Set<string>();
  festivals.forEach((f, i) => {
    const last = f.last ?? f.first;
    for (const [key, d] of [['first', f.first], ['last', last]] as const) {
      if (!isDate(d)) problems.push({ path: [i, key], message: `not a date (YYYY-MM-DD): ${d}`, zh: `不是日期（YYYY-MM-DD）：${d}` });
      else if (!inYear(d)) problems.push({ path: [i, key], message: `must fall in ${year}`, zh: `须在 ${year} 年内` });
    }
    if (isDate(f.first) && isDate(last)) {
      const days = (Date.parse(last) - Date.parse(f.first)) / DAY_MS + 1;
      if (days < 1) problems.push({ path: [i, 'last'], message: 'must not be before first', zh: '不能早于 first' });
      else if (days > 10) problems.push({ path: [i, 'last'], message: 'a holiday spans at most 10 days', zh: '一个假期最长 10 天' });
      else datesFrom(f.first, last).forEach((d) => holidays.add(d));
    }
  });
  festivals.forEach((f, i) =>
    (f.makeUpDays ?? []).forEach((d, j) => {
      const path = [i, 'makeUpDays', j];
      if (!isDate(d)) problems.push({ path, message: `not a date (YYYY-MM-DD): ${d}`, zh: `不是日期（YYYY-MM-DD）：${d}` });
      else if (!inYear(d)) problems.push({ path, message: `must fall in ${year}`, zh: `须在 ${year} 年内` });
      else if (weekday(d) !== 0 && weekday(d) !== 6) problems.push({ path, message: 'a make-up workday is a Saturday or Sunday', zh: '调休上班日须为周六或周日' });
      else if (holidays.has(d)) problems.push({ path, message: 'falls inside a holiday', zh: '落在假期之内' });
    }),
  );
  return problems;
}

export const CN_HOLIDAYS: HolidayYear[] = [
  // 国办发明电〔2024〕12号, 2024-11-12.
  holidayYear(2025, [
    { name: '元旦', first: '2025-01-01' },
    { name: '春节', first: '2025-01-28', last: '2025-02-04', makeUpDays: ['2025-01-26', '2025-02-08'] },
    { name: '清明节', first: '2025-04-04', last: '2025-04-06' },
    { name: '劳动节', first: '2025-05-01', last: '2025-05-05', makeUpDays: ['2025-04-27'] },
    { name: '端午节', first: '2025-05-31', last: '2025-06-02' },
    {
      name: '国庆节、中秋节',
      first: '2025-10-01',
      last: '2025-10-08',
      makeUpDays: ['2025-09-28', '2025-10-11'],
    },
  ]),
  // 国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04.
  holidayYear(2026, [
    { name: '元旦', first: '2026-01-01', last: '2026-01-03', makeUpDays: ['2026-01-04'] },
    { name: '春节', first: '2026-02-15', last: '2026-02-23', makeUpDays: ['2026-02-14', '2026-02-28'] },
    { name: '清明节', first: '2026-04-04', last: '2026-04-06' },
    { name: '劳动节', first: '2026-05-01', last: '2026-05-05', makeUpDays: ['2026-05-09'] },
    { name: '端午节', first: '2026-06-19', last: '2026-06-21' },
    { name: '中秋节', first: '2026-09-25', last: '2026-09-27' },
    { name: '国庆节', first: '2026-10-01', last: '2026-10-07', makeUpDays: ['2026-09-20', '2026-10-10'] },
  ]),
  // Derived, not published: lunar dates (除夕 2/5, 端午 6/9, 中秋 9/15, 清明 4/5) with the
  // principles the 2025 notice set out — 春节 8 days from 除夕, 劳动节 5, 国庆节 7, the others
  // 3 days or just the day itself when it falls on a Wednesday — and make-up days placed so
  // that no stretch of work exceeds 6 days.
  holidayYear(
    2027,
    [
      { name: '元旦', first: '2027-01-01', last: '2027-01-03' },
      { name: '春节', first: '2027-02-05', last: '2027-02-12', makeUpDays: ['2027-01-31', '2027-02-20'] },
      { name: '清明节', first: '2027-04-03', last: '2027-04-05' },
      { name: '劳动节', first: '2027-05-01', last: '2027-05-05', makeUpDays: ['2027-05-08'] },
      { name: '端午节', first: '2027-06-09' },
      { name: '中秋节', first: '2027-09-15' },
      { name: '国庆节', first: '2027-10-01', last: '2027-10-07', makeUpDays: ['2027-09-26', '2027-10-09'] },
    ],
    true,
  ),
];
