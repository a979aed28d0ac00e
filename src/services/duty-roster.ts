import { and, asc, eq, gt, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { dutyRoster, people, units } from '../../db/schema';
import { cstMinute } from '../domain/cst';
import { AppError, invalidField, words } from '../lib/errors';
import { appendAudit } from './audit';
import { currentPositions, hasRole, requireRole, requireUnitAccess, type Person } from './auth';
import { inTransaction, type ServiceDeps } from './context';

/**
 * The 24-hour duty roster (24小时舆情报送值班制度): who is on duty when, per unit, or for the
 * university (unit null), which stands in for a unit with nobody on duty. New reports reach whoever
 * is on duty at once (src/services/incidents.ts). Past entries stay as the record of who was on duty.
 */

export interface RosterEntry { personId: string; from: Date; to: Date }

/** How far back a roster shows ended entries. */
const SHOWN_DAYS = 7;

const scopeOf = (unitId: string | null): SQL => (unitId ? eq(dutyRoster.unitId, unitId) : isNull(dutyRoster.unitId));

/** Who is on duty at `at` for the unit; the university's roster when the unit has nobody on duty. */
export async function onDuty(db: Db, unitId: string, at: Date): Promise<string[]> {
  const rows = await db
    .select({ personId: dutyRoster.personId, unitId: dutyRoster.unitId })
    .from(dutyRoster)
    .where(and(or(eq(dutyRoster.unitId, unitId), isNull(dutyRoster.unitId)), lte(dutyRoster.from, at), gt(dutyRoster.to, at)));
  const own = rows.filter((r) => r.unitId === unitId);
  return [...new Set((own.length ? own : rows).map((r) => r.personId))];
}

/** A roster's entries from a week ago on, oldest first, with each person's name. */
export function listRoster(db: Db, unitId: string | null, now: Date) {
  return db
    .select({ id: dutyRoster.id, personId: dutyRoster.personId, name: people.name, from: dutyRoster.from, to: dutyRoster.to })
    .from(dutyRoster)
    .innerJoin(people, eq(people.id, dutyRoster.personId))
    .where(and(scopeOf(unitId), gt(dutyRoster.to, new Date(now.getTime() - SHOWN_DAYS * 86_400_000))))
    .orderBy(asc(dutyRoster.from), asc(dutyRoster.id));
}
export type RosterRow = Awaited<ReturnType<typeof listRoster>>[number];

/**
 * A unit's roster for whoever may see it: its members and position holders, publicity, admins
 * (others: 403; an unknown unit: 404). `unitId` null: the university's roster, which every signed-in
 * person may read — it is whom their reports reach when their unit has nobody on duty.
 */
export async function rosterFor(db: Db, actor: Person, unitId: string | null, now: Date) {
  if (unitId) {
    await requireUnitAccess(db, actor, unitId);
    await requireUnit(db, unitId);
  }
  return listRoster(db, unitId, now);
}

async function requireUnit(db: Db, unitId: string) {
  const [unit] = await db.select({ id: units.id, name: units.name }).from(units).where(eq(units.id, unitId));
  if (!unit) throw new AppError('not_found', { what: words('单位', 'unit') }, { field: 'unitId' });
  return unit;
}

/** One refusal naming the entry's field, as the API's body paths do (`entries.2.to`) or a form's (`to`). */
const refuse = (path: string, zh: string, en: string) => invalidField(path, words(zh, en));

/**
 * Refuses an entry that ends before it begins, and two entries of the same person that overlap —
 * among the new ones, or with one the roster keeps. `path(i, field)` names the field of new entry i.
 */
function checkEntries(entries: RosterEntry[], kept: RosterEntry[], path: (i: number, field: 'from' | 'to') => string) {
  entries.forEach((e, i) => {
    if (e.to <= e.from) throw refuse(path(i, 'to'), '须晚于开始时间', 'must be after the start');
  });
  entries.forEach((e, i) => {
    const earlier = [...kept, ...entries.slice(0, i)];
    const clash = earlier.find((o) => o.personId === e.personId && o.from < e.to && e.from < o.to);
    if (clash) {
      const span = `${cstMinute(clash.from)} – ${cstMinute(clash.to)}`;
      throw refuse(path(i, 'from'), `同一人员的值班时间重叠（已有 ${span} 北京时间）`, `overlaps the same person's duty ${span} Beijing time`);
    }
  });
}

/** Active people among `ids`; an unknown or deactivated one is refused by name. */
async function requirePeople(db: Db, ids: string[], field: string) {
  const wanted = [...new Set(ids)];
  const found = wanted.length ? await db.select({ id: people.id }).from(people).where(and(inArray(people.id, wanted), isNull(people.deactivatedAt))) : [];
  const missing = wanted.find((id) => !found.some((f) => f.id === id));
  if (missing) throw new AppError('not_found', { what: words(`人员 ${missing}`, `person ${missing}`) }, { field });
}

/** Changes of one roster queue behind each other, so an addition never misses one made at the same moment. */
async function lockRoster(tx: Db, unitId: string | null) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`duty_roster:${unitId ?? 'university'}`}))`);
}

/** Checks the actor and the unit, takes the roster's lock, runs the change, audits it, answers the roster. */
async function changeRoster(db: Db, deps: ServiceDeps, actor: Person, unitId: string | null, action: string, change: (tx: Db, now: Date) => Promise<Record<string, unknown>>) {
  requireRole(actor, 'publicity', 'admin');
  return inTransaction(db, deps, async (tx) => {
    if (unitId) await requireUnit(tx, unitId);
    await lockRoster(tx, unitId);
    const now = deps.now();
    const data = await change(tx, now);
    await appendAudit(tx, { actorId: actor.id, action, subjectType: 'unit', subjectId: unitId ?? 'university', data, at: now });
    return listRoster(tx, unitId, now);
  });
}

const spans = (rows: { personId: string; from: Date; to: Date }[]): RosterEntry[] => rows.map((r) => ({ personId: r.personId, from: r.from, to: r.to }));

/**
 * Replaces the roster from now on (`PUT …/duty-roster`): entries that have ended stay, as the record
 * of who was on duty; the rest is what the caller sends. `unitId` null: the university's roster.
 */
export function setDutyRoster(db: Db, deps: ServiceDeps, actor: Person, unitId: string | null, entries: RosterEntry[]) {
  return changeRoster(db, deps, actor, unitId, 'duty_roster.set', async (tx, now) => {
    await requirePeople(tx, entries.map((e) => e.personId), 'entries.personId');
    await tx.delete(dutyRoster).where(and(scopeOf(unitId), gt(dutyRoster.to, now)));
    const ids = [...new Set(entries.map((e) => e.personId))];
    const kept = ids.length ? await tx.select().from(dutyRoster).where(and(scopeOf(unitId), inArray(dutyRoster.personId, ids))) : [];
    checkEntries(entries, spans(kept), (i, field) => `entries.${i}.${field}`);
    if (entries.length) await tx.insert(dutyRoster).values(entries.map((e) => ({ unitId, personId: e.personId, from: e.from, to: e.to })));
    return { entries: entries.length };
  });
}

/** Adds one entry (the roster page's form); it must end after now and not overlap the person's other entries. */
export function addDutyEntry(db: Db, deps: ServiceDeps, actor: Person, unitId: string | null, entry: RosterEntry) {
  return changeRoster(db, deps, actor, unitId, 'duty_roster.entry_added', async (tx, now) => {
    await requirePeople(tx, [entry.personId], 'personId');
    if (entry.to > entry.from && entry.to <= now) throw refuse('to', '须晚于现在（值班表只安排当前和今后的值班）', 'must be later than now (the roster plans current and coming duty)');
    const kept = await tx.select().from(dutyRoster).where(and(scopeOf(unitId), eq(dutyRoster.personId, entry.personId)));
    checkEntries([entry], spans(kept), (_, field) => field);
    await tx.insert(dutyRoster).values({ unitId, ...entry });
    return { personId: entry.personId, from: entry.from.toISOString(), to: entry.to.toISOString() };
  });
}

/**
 * Takes one entry off the roster (the page's 移除): one to come is deleted, one running ends now,
 * so the record keeps who was on duty until then. An ended entry is the record and stays (409).
 */
export function endDutyEntry(db: Db, deps: ServiceDeps, actor: Person, unitId: string | null, entryId: string) {
  return changeRoster(db, deps, actor, unitId, 'duty_roster.entry_ended', async (tx, now) => {
    const [row] = await tx.select().from(dutyRoster).where(and(scopeOf(unitId), eq(dutyRoster.id, entryId)));
    if (!row) throw new AppError('not_found', { what: words('值班安排', 'roster entry') }, { field: 'entryId' });
    if (row.to <= now) throw new AppError('conflict', { reasonZh: '已结束的值班是值班记录，不能移除', reasonEn: 'an ended duty is the record of who was on duty; it cannot be removed' }, { field: 'entryId' });
    if (row.from >= now) await tx.delete(dutyRoster).where(eq(dutyRoster.id, row.id));
    else await tx.update(dutyRoster).set({ to: now }).where(eq(dutyRoster.id, row.id));
    return { personId: row.personId, from: row.from.toISOString(), to: row.to.toISOString(), endedAt: row.from >= now ? null : now.toISOString() };
  });
}

/**
 * The roster overview: who is on duty now in the university and in each unit the person may see
 * (publicity and admins: every unit; others: their own), each unit with whether it falls back on
 * the university's roster.
 */
export async function dutyNow(db: Db, actor: Person, now: Date) {
  const all = hasRole(actor, 'admin', 'publicity');
  const mine = all ? [] : [...new Set([actor.unitId, ...(await currentPositions(db, actor.id)).map((p) => p.unitId)].filter((x): x is string => !!x))];
  const unitRows = all || mine.length
    ? await db.select({ id: units.id, name: units.name }).from(units).where(all ? undefined : inArray(units.id, mine)).orderBy(asc(units.name), asc(units.id))
    : [];
  const current = await db
    .select({ unitId: dutyRoster.unitId, personId: dutyRoster.personId, name: people.name, from: dutyRoster.from, to: dutyRoster.to })
    .from(dutyRoster)
    .innerJoin(people, eq(people.id, dutyRoster.personId))
    .where(and(lte(dutyRoster.from, now), gt(dutyRoster.to, now), all ? undefined : or(isNull(dutyRoster.unitId), mine.length ? inArray(dutyRoster.unitId, mine) : sql`false`)))
    .orderBy(asc(people.name));
  const university = current.filter((r) => r.unitId === null);
  return {
    university,
    units: unitRows.map((u) => {
      const own = current.filter((r) => r.unitId === u.id);
      return { ...u, onDuty: own, fallback: !own.length };
    }),
  };
}
