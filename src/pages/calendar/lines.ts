import type { Festival } from '../../domain/holidays';
import { festivalProblems } from '../../domain/holidays';
import { textProblem } from '../../lib/text';

/**
 * The calendar form's textarea, one festival a line as the notice reads it:
 * `名称 首日 [末日] [调休上班日 …]`, e.g. `春节 2027-02-05 2027-02-12 2027-01-31 2027-02-20`
 * (a one-day holiday gives its day once). Blank lines and lines starting with # are skipped.
 * Problems come back by line number, in both languages, checked by the same rules as the API.
 */
export function parseFestivalLines(year: number, text: string): { festivals: Festival[]; problems: { line: number; zh: string; en: string }[] } {
  const festivals: Festival[] = [];
  const lineOf: number[] = [];
  const problems: { line: number; zh: string; en: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const [name, ...dates] = line.split(/[\s,，、]+/);
    const bad = dates.find((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d));
    if (!name || textProblem(name) || [...name].length > 40) return problems.push({ line: i + 1, zh: '名称缺失或过长（最多 40 字）', en: 'the name is missing or too long (at most 40 characters)' });
    if (!dates.length) return problems.push({ line: i + 1, zh: '缺少日期（格式 YYYY-MM-DD）', en: 'no date (YYYY-MM-DD)' });
    if (bad) return problems.push({ line: i + 1, zh: `“${bad}”不是 YYYY-MM-DD 格式的日期`, en: `“${bad}” is not a YYYY-MM-DD date` });
    const [first, last, ...makeUpDays] = dates as [string, string?, ...string[]];
    if (makeUpDays.length > 5) return problems.push({ line: i + 1, zh: '调休上班日最多 5 个', en: 'at most 5 make-up workdays' });
    festivals.push({ name, first, ...(last ? { last } : {}), ...(makeUpDays.length ? { makeUpDays } : {}) });
    lineOf.push(i + 1);
  });
  if (!festivals.length && !problems.length) problems.push({ line: 1, zh: '至少须有一个节日', en: 'at least one festival is needed' });
  if (festivals.length > 20) problems.push({ line: lineOf[20]!, zh: '最多 20 个节日', en: 'at most 20 festivals' });
  for (const p of festivalProblems(year, festivals)) problems.push({ line: lineOf[p.path[0] as number] ?? 1, zh: p.zh, en: p.message });
  return { festivals, problems: problems.sort((a, b) => a.line - b.line) };
}

/** A year as the textarea shows it, so an admin edits what is in force rather than typing it afresh. */
export function festivalLines(year: { holidays: { date: string; name: string }[]; workdays: { date: string; name: string }[] }): string {
  const names = [...new Set(year.holidays.map((h) => h.name))];
  return names.map((name) => {
    const days = year.holidays.filter((h) => h.name === name).map((h) => h.date).sort();
    const makeUp = year.workdays.filter((w) => w.name === `${name}调休`).map((w) => w.date).sort();
    return [name, days[0], ...(days.length > 1 || makeUp.length ? [days.at(-1)] : []), ...makeUp].join(' ');
  }).join('\n');
}
