import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { holidayYears } from '../../db/schema';
import { DEFAULT_CALENDAR, WorkCalendar } from '../domain/calendar';
import { CN_HOLIDAYS, holidayYear, type Festival, type HolidayYear } from '../domain/holidays';
import { appendAudit } from './audit';
import type { Person } from './auth';
import { inTransaction, type ServiceDeps } from './context';

/**
 * The working-day calendar in force: the shipped holiday years (2025–2027) with every year an
 * admin loaded laid over them. Rebuilt only when the loaded years change (one cheap query per use),
 * so a newly published notice applies to the next reminder computed, in every process.
 */
const built = new Map<string, WorkCalendar>();

/**
 * Which loaded years are in force ("<count>:<latest load, µs>"), as an expression a hot path can
 * fold into a query it sends anyway; hand the value to workCalendarOf.
 */
export const calendarStamp = sql<string>`(select count(*) || ':' || coalesce((extract(epoch from max(${holidayYears.loadedAt})) * 1000000)::bigint, 0) from ${holidayYears})`;

export async function workCalendarOf(db: Db, stamp?: string): Promise<WorkCalendar> {
  const key = stamp ?? (await db.select({ stamp: calendarStamp }).from(sql`(select 1) as one`))[0]!.stamp;
  const cached = built.get(key);
  if (cached) return cached;
  const loaded = key.startsWith('0:') ? [] : (await db.select().from(holidayYears)).map((r) => r.data);
  const calendar = new WorkCalendar({ ...DEFAULT_CALENDAR, years: mergeYears(CN_HOLIDAYS, loaded) });
  if (built.size > 20) built.clear();
  built.set(key, calendar);
  return calendar;
}

const mergeYears = (shipped: HolidayYear[], loaded: HolidayYear[]) => [...shipped.filter((y) => !loaded.some((l) => l.year === y.year)), ...loaded];

/** One year as in force, and where it comes from. */
export async function calendarYear(db: Db, year: number) {
  const [row] = await db.select().from(holidayYears).where(eq(holidayYears.year, year));
  if (row) return { ...row.data, source: 'loaded' as const, loadedAt: row.loadedAt, loadedBy: row.loadedBy };
  const shipped = CN_HOLIDAYS.find((y) => y.year === year);
  if (shipped) return { ...shipped, source: 'shipped' as const, loadedAt: null, loadedBy: null };
  return { year, provisional: false, holidays: [], workdays: [], source: 'none' as const, loadedAt: null, loadedBy: null };
}

/** Loads (or replaces) a year from the State Council notice; validated by the route contract. */
export async function loadCalendarYear(db: Db, deps: ServiceDeps, actor: Person, year: number, festivals: Festival[], notice: string | null) {
  const data = holidayYear(year, festivals);
  await inTransaction(db, deps, async (tx) => {
    const now = deps.now();
    await tx.insert(holidayYears).values({ year, data, loadedBy: actor.id, loadedAt: now }).onConflictDoUpdate({ target: holidayYears.year, set: { data, loadedBy: actor.id, loadedAt: now } });
    await appendAudit(tx, { actorId: actor.id, action: 'calendar.year_loaded', subjectType: 'calendar', subjectId: String(year), data: { year, notice, festivals }, at: now });
  });
  return calendarYear(db, year);
}

/** Every year the calendar holds: the shipped ones and those an admin loaded (a loaded year replaces a shipped one). */
export async function calendarYears(db: Db) {
  const loaded = await db.select({ year: holidayYears.year, data: holidayYears.data, loadedAt: holidayYears.loadedAt }).from(holidayYears);
  const years = new Map<number, { year: number; source: 'shipped' | 'loaded'; provisional: boolean; holidays: number; workdays: number; loadedAt: Date | null }>();
  for (const y of CN_HOLIDAYS) years.set(y.year, { year: y.year, source: 'shipped', provisional: !!y.provisional, holidays: y.holidays.length, workdays: y.workdays.length, loadedAt: null });
  for (const r of loaded) years.set(r.year, { year: r.year, source: 'loaded', provisional: !!r.data.provisional, holidays: r.data.holidays.length, workdays: r.data.workdays.length, loadedAt: r.loadedAt });
  return [...years.values()].sort((a, b) => a.year - b.year);
}
