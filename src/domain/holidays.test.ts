import { describe, expect, it } from 'vitest';
import { CN_HOLIDAYS, festivalProblems } from './holidays';

describe('festivalProblems (an admin loading a notice)', () => {
  const problems = (festivals: Parameters<typeof festivalProblems>[1]) => festivalProblems(2027, festivals).map((p) => `${p.path.join('.')}: ${p.message}`);

  it('accepts the shipped years as they are', () => {
    for (const y of CN_HOLIDAYS) {
      const byName = new Map<string, { name: string; first: string; last: string; makeUpDays: string[] }>();
      for (const h of y.holidays) {
        const f = byName.get(h.name) ?? { name: h.name, first: h.date, last: h.date, makeUpDays: [] };
        f.last = h.date;
        byName.set(h.name, f);
      }
      for (const w of y.workdays) byName.get(w.name.replace(/调休$/, ''))?.makeUpDays.push(w.date);
      expect(festivalProblems(y.year, [...byName.values()]), String(y.year)).toEqual([]);
    }
  });

  it('names each wrong field', () => {
    expect(problems([{ name: 'x', first: '2027-02-30' }])).toEqual(['0.first: not a date (YYYY-MM-DD): 2027-02-30', '0.last: not a date (YYYY-MM-DD): 2027-02-30']);
    expect(problems([{ name: 'x', first: '2027-05-05', last: '2027-05-01' }])).toEqual(['0.last: must not be before first']);
    expect(problems([{ name: 'x', first: '2027-05-01', last: '2027-05-20' }])).toEqual(['0.last: a holiday spans at most 10 days']);
    expect(problems([{ name: 'x', first: '2026-12-31' }])).toEqual(['0.first: must fall in 2027', '0.last: must fall in 2027']);
    expect(problems([{ name: 'x', first: '2027-10-01', last: '2027-10-07', makeUpDays: ['2027-10-02', '2027-10-06', '2027-10-09'] }])).toEqual([
      '0.makeUpDays.0: falls inside a holiday',
      '0.makeUpDays.1: a make-up workday is a Saturday or Sunday',
    ]);
  });
});
