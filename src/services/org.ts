import { and, asc, eq, gt, ilike, inArray, isNull, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { accountRoles, accounts, apiTokens, drafts, loginLinks, draftVersions, people, positionTerms, reviews, sessions, units, POSITIONS, type ChainSettings, type AnyPosition, type Position, type Role } from '../../db/schema';
import { emailDomainAllowed } from '../domain/email';
import { doubledHolderWords, doubledHolders, mayTakeLevel } from '../domain/signoff';
import { AppError, words } from '../lib/errors';
import { label } from '../lib/i18n';
import { appendAudit } from './audit';
import { currentPositions, type Person } from './auth';
import { inTransaction, type ServiceDeps } from './context';
import type { Route } from '../notify/channel';
import { assertOutboundUrls } from '../notify/outbound';
import { parseRobots, type RobotName, type UnitRobots } from '../notify/robots';
import { enqueue } from './outbox';
import { holderOf, lockPositions, reassignReview, sharePositions } from './reviews';

/** The refusal for a person id that names nobody. */
const personNotFound = () => new AppError('not_found', { what: words('人员', 'person') }, { field: 'personId' });

/** The full chain of seed 003 with service levels; a unit may drop levels or change hours. */
export const DEFAULT_CHAIN: ChainSettings = {
  levels: [...POSITIONS],
  sla: {
    section_head: { normalHours: 8, urgentHours: 2 },
    deputy_leader: { normalHours: 8, urgentHours: 2 },
    publicity_officer: { normalHours: 4, urgentHours: 1 },
    secretary: { normalHours: 8, urgentHours: 2 },
  },
};

export async function createUnit(db: Db, deps: ServiceDeps, actor: Person | null, input: { name: string; code: string; chain?: ChainSettings }) {
  return inTransaction(db, deps, async (tx) => {
    const [taken] = await tx.select({ id: units.id }).from(units).where(eq(units.code, input.code));
    if (taken) throw new AppError('already_exists', { what: words(`单位代码 ${input.code} `, `Unit code ${input.code}`) }, { field: 'code' });
    const [unit] = await tx.insert(units).values({ name: input.name, code: input.code, chain: input.chain ?? DEFAULT_CHAIN }).returning();
    await appendAudit(tx, { actorId: actor?.id ?? null, action: 'unit.created', subjectType: 'unit', subjectId: unit!.id, data: { name: input.name, code: input.code }, at: deps.now() });
    return unit!;
  });
}

export async function getUnit(db: Db, unitId: string) {
  const [unit] = await db.select().from(units).where(eq(units.id, unitId));
  if (!unit) throw new AppError('not_found', { what: words('单位', 'unit') });
  const holders = await db
    .select({ position: positionTerms.position, personId: people.id, name: people.name, since: positionTerms.startedAt })
    .from(positionTerms)
    .innerJoin(people, eq(people.id, positionTerms.personId))
    .where(and(eq(positionTerms.unitId, unitId), isNull(positionTerms.endedAt)));
  return { ...unit, positions: holders };
}

export async function setChain(db: Db, deps: ServiceDeps, actor: Person, unitId: string, chain: ChainSettings) {
  return inTransaction(db, deps, async (tx) => {
    const [unit] = await tx.update(units).set({ chain }).where(eq(units.id, unitId)).returning();
    if (!unit) throw new AppError('not_found', { what: words('单位', 'unit') });
    await appendAudit(tx, { actorId: actor.id, action: 'unit.chain_set', subjectType: 'unit', subjectId: unitId, data: { chain }, at: deps.now() });
    return unit;
  });
}

/** What the unit's robots look like from outside: which are set, never their URLs (a WeCom key is in the URL) or secrets. */
export function robotsSummary(raw: unknown): Record<RobotName, { configured: boolean; signed: boolean }> {
  const robots = parseRobots(raw);
  const one = (name: RobotName) => {
    const robot = robots[name];
    return { configured: Boolean(robot), signed: Boolean(robot && 'secret' in robot && robot.secret) };
  };
  return { wecom: one('wecom'), dingtalk: one('dingtalk'), feishu: one('feishu'), webhook: one('webhook') };
}

/** Sets the unit's group robots and webhook; the audit records which were set, not their keys. */
export async function setUnitRobots(db: Db, deps: ServiceDeps, actor: Person, unitId: string, robots: UnitRobots) {
  assertOutboundUrls(Object.fromEntries(Object.entries(robots).map(([name, robot]) => [`${name}.url`, robot?.url])), deps.config.outbound);
  return inTransaction(db, deps, (tx) => writeRobots(tx, deps, actor, unitId, robots));
}

async function writeRobots(tx: Db, deps: ServiceDeps, actor: Person, unitId: string, robots: UnitRobots) {
  const [unit] = await tx.update(units).set({ robots }).where(eq(units.id, unitId)).returning();
  if (!unit) throw new AppError('not_found', { what: words('单位', 'unit') }, { field: 'unitId' });
  await appendAudit(tx, { actorId: actor.id, action: 'unit.robots_set', subjectType: 'unit', subjectId: unitId, data: { robots: robotsSummary(robots) }, at: deps.now() });
  return unit;
}

/** One robot as the robots page changes it: its URL, and its secret (`keep`: the one stored stays). */
export type RobotChange = { url: string; secret?: string | 'keep' } | null;

/**
 * Sets, changes or removes one of the unit's robots and leaves the others as they are (the robots
 * page shows no key, so a form cannot send the rest back). Same checks and audit as setUnitRobots.
 */
export async function setUnitRobot(db: Db, deps: ServiceDeps, actor: Person, unitId: string, name: RobotName, change: RobotChange) {
  if (change) assertOutboundUrls({ [`${name}.url`]: change.url }, deps.config.outbound);
  return inTransaction(db, deps, async (tx) => {
    const [unit] = await tx.select({ robots: units.robots }).from(units).where(eq(units.id, unitId)).for('update');
    if (!unit) throw new AppError('not_found', { what: words('单位', 'unit') }, { field: 'unitId' });
    const robots: Record<string, unknown> = { ...parseRobots(unit.robots) };
    if (!change) delete robots[name];
    else {
      const kept = change.secret === 'keep' ? (robots[name] as { secret?: string } | undefined)?.secret : change.secret;
      // WeCom's robot has no signing secret: its key is in the URL.
      robots[name] = name === 'wecom' || !kept ? { url: change.url } : { url: change.url, secret: kept };
    }
    return writeRobots(tx, deps, actor, unitId, robots as UnitRobots);
  });
}

/** Queues a test message to one of the unit's robots; it goes (or fails, listed with the deliveries) like any message. */
export async function testUnitRobot(db: Db, deps: ServiceDeps, actor: Person, unitId: string, name: RobotName) {
  return inTransaction(db, deps, async (tx) => {
    const [unit] = await tx.select({ robots: units.robots }).from(units).where(eq(units.id, unitId));
    if (!unit) throw new AppError('not_found', { what: words('单位', 'unit') }, { field: 'unitId' });
    if (!parseRobots(unit.robots)[name]) throw new AppError('conflict', { reasonZh: '该机器人尚未配置，无法发送测试消息', reasonEn: 'that robot is not set up, so there is nothing to test' }, { field: name });
    const at = deps.now();
    await enqueue(tx, 'unit.robot_test', { unitId, robot: name, byId: actor.id, at: at.toISOString() });
    await appendAudit(tx, { actorId: actor.id, action: 'unit.robot_tested', subjectType: 'unit', subjectId: unitId, data: { robot: name }, at });
  });
}

export interface NotificationPreferences {
  /** Routes in order of preference; a message with a sign-off link always reaches a private route too. */
  channels: Route[];
  phone?: string | null;
  wecomUserId?: string | null;
  dingtalkUserId?: string | null;
}

export async function setNotificationPreferences(db: Db, deps: ServiceDeps, actor: Person, personId: string, prefs: NotificationPreferences) {
  return inTransaction(db, deps, async (tx) => {
    await requireUnclaimed(tx, prefs, personId);
    const [person] = await tx.update(people).set(prefs).where(eq(people.id, personId)).returning();
    if (!person) throw personNotFound();
    await appendAudit(tx, { actorId: actor.id, action: 'person.notifications_set', subjectType: 'person', subjectId: personId, data: { channels: prefs.channels }, at: deps.now() });
    return person;
  });
}

/**
 * What names one person to the outside (sign-in, single sign-on, the message channels), compared
 * without case. Held by two people, one would receive the other's sign-off links.
 */
const PERSONAL_IDS = {
  email: { column: people.email, zh: '邮箱', en: 'The address' },
  employeeNo: { column: people.employeeNo, zh: '工号', en: 'Employee number' },
  wecomUserId: { column: people.wecomUserId, zh: '企业微信账号', en: 'The WeCom user id' },
  dingtalkUserId: { column: people.dingtalkUserId, zh: '钉钉账号', en: 'The DingTalk user id' },
} as const;

/**
 * 409 naming the field when another person (not `self`) already holds one of these identifiers.
 * Only the address and the employee number have a unique index; for the others, two requests
 * claiming the same id at once queue on a lock named after it (held to commit), so the second sees
 * the first's person instead of both passing the check.
 */
async function requireUnclaimed(tx: Db, ids: Partial<Record<keyof typeof PERSONAL_IDS, string | null>>, self?: string) {
  for (const [field, { column, zh, en }] of Object.entries(PERSONAL_IDS)) {
    const value = ids[field as keyof typeof PERSONAL_IDS];
    if (!value) continue;
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`person.${field}:${value.toLowerCase()}`}, 0))`);
    const [holder] = await tx.select({ id: people.id }).from(people).where(and(eq(sql`lower(${column})`, value.toLowerCase()), self ? ne(people.id, self) : undefined));
    if (holder) throw new AppError('already_exists', { what: words(`${zh} ${value} `, `${en} ${value}`) }, { field });
  }
}

export interface NewPerson {
  name: string;
  email: string;
  roles: Role[];
  unitId?: string | null;
  phone?: string | null;
  wecomUserId?: string | null;
  dingtalkUserId?: string | null;
  employeeNo?: string | null;
}

/**
 * Who is creating the person. Through the API (`manager`), the address must belong to the
 * institution's mail domains and the person is welcomed by e-mail at that address; nobody is given
 * their credential. An `operator` on the server (CLI bootstrap, demo) prints a token instead.
 */
export type PersonOrigin = 'manager' | 'operator';

/** Creates a person. No credential is returned: the person signs in by their own e-mail (operators: `cli token`). */
export async function createPerson(db: Db, deps: ServiceDeps, actor: Person | null, input: NewPerson, origin: PersonOrigin = 'manager') {
  const domains = deps.config.allowedEmailDomains;
  if (origin === 'manager' && !emailDomainAllowed(input.email, domains)) {
    throw new AppError('email_domain_not_allowed', { domains: domains.join(', ') }, [{ path: 'email', in: 'body', message: words(`须为 ${domains.join('、')}（或其子域名）的邮箱`, `must be an address at ${domains.join(', ')} (or a subdomain)`) }]);
  }
  return inTransaction(db, deps, async (tx) => {
    await requireUnclaimed(tx, input);
    if (input.unitId) {
      const [unit] = await tx.select({ id: units.id }).from(units).where(eq(units.id, input.unitId));
      if (!unit) throw new AppError('not_found', { what: words('单位', 'unit') }, { field: 'unitId' });
    }
    const [person] = await tx
      .insert(people)
      .values({
        name: input.name,
        email: input.email,
        roles: [...new Set(input.roles)],
        unitId: input.unitId ?? null,
        phone: input.phone ?? null,
        wecomUserId: input.wecomUserId ?? null,
        dingtalkUserId: input.dingtalkUserId ?? null,
        employeeNo: input.employeeNo ?? null,
      })
      .returning();
    await appendAudit(tx, { actorId: actor?.id ?? null, action: 'person.created', subjectType: 'person', subjectId: person!.id, data: { name: input.name, roles: person!.roles, unitId: person!.unitId, origin }, at: deps.now() });
    if (origin === 'manager') await enqueue(tx, 'person.welcomed', { personId: person!.id, byId: actor?.id ?? null });
    return person!;
  });
}

export async function getPerson(db: Db, personId: string) {
  const [person] = await db.select().from(people).where(eq(people.id, personId));
  if (!person) throw personNotFound();
  return person;
}

/**
 * Appoints a person to a unit's position. Reviews follow the position, not the person
 * (岗位接任者自然替补): every pending review of the outgoing holder at this position moves to the
 * successor, their links die and new ones are sent.
 */
export async function assignPosition(db: Db, deps: ServiceDeps, actor: Person, unitId: string, position: AnyPosition, personId: string) {
  return inTransaction(db, deps, async (tx) => {
    const [unit] = await tx.select({ id: units.id }).from(units).where(eq(units.id, unitId)).for('update');
    if (!unit) throw new AppError('not_found', { what: words('单位', 'unit') }, { field: 'unitId' });
    await lockPositions(tx, unitId);
    // Held until commit, as a transfer holds its target: a deactivation waits, then sees the position held.
    const [appointee] = await tx.select({ name: people.name, deactivatedAt: people.deactivatedAt }).from(people).where(eq(people.id, personId)).for('share');
    if (!appointee) throw personNotFound();
    if (appointee.deactivatedAt) throw new AppError('conflict', { reasonZh: `${appointee.name} 已停用，不能任命`, reasonEn: `${appointee.name} is deactivated and cannot be appointed` }, { field: 'personId' });
    const now = deps.now();
    const [current] = await tx
      .select()
      .from(positionTerms)
      .where(and(eq(positionTerms.unitId, unitId), eq(positionTerms.position, position), isNull(positionTerms.endedAt)));
    if (current?.personId === personId) return { unitId, position, personId, since: current.startedAt, handedOver: 0, changed: false, warnings: await doubledWarnings(tx, unitId, personId) };
    // Told before the change takes effect, so an appointment cannot silence its own alert: the
    // outgoing holder, and the secretary as the unit had one until now (a new secretary included).
    const notifyIds = [...new Set([current?.personId, await holderOf(tx, unitId, 'secretary')].filter((id): id is string => !!id))];
    if (current) await tx.update(positionTerms).set({ endedAt: now }).where(eq(positionTerms.id, current.id));
    const [term] = await tx.insert(positionTerms).values({ unitId, position, personId, startedAt: now }).returning();
    // Only a review level has pending reviews to hand over; an office (副书记, 院长…) has none.
    const pending = current && (POSITIONS as readonly string[]).includes(position)
      ? await tx
          .select({ id: reviews.id, draftId: reviews.draftId })
          .from(reviews)
          .innerJoin(drafts, eq(drafts.id, reviews.draftId))
          .where(and(eq(drafts.unitId, unitId), eq(reviews.level, position as Position), eq(reviews.status, 'pending'), eq(reviews.assigneeId, current.personId)))
      : [];
    for (const review of pending) {
      await reassignReview(tx, review.id, personId, 'succession', now);
      await appendAudit(tx, { actorId: actor.id, action: 'review.handed_over', subjectType: 'review', subjectId: review.id, draftId: review.draftId, data: { from: current!.personId, to: personId, reason: 'succession', position }, at: now });
    }
    const returned = current && current.personId !== personId ? await returnUntakeable(tx, actor.id, current.personId, unitId, now) : 0;
    await appendAudit(tx, { actorId: actor.id, action: 'position.assigned', subjectType: 'unit', subjectId: unitId, data: { position, personId, previous: current?.personId ?? null, handedOver: pending.length, returned, notified: notifyIds }, at: now });
    if (notifyIds.length) await enqueue(tx, 'position.assigned', { unitId, position, personId, previousId: current?.personId ?? null, byId: actor.id, notifyIds, at: now.toISOString() });
    return { unitId, position, personId, since: term!.startedAt, handedOver: pending.length, changed: true, warnings: await doubledWarnings(tx, unitId, personId) };
  });
}

/**
 * What an appointment is warned of (it is not refused: small units do have one person in two
 * posts): the appointee now holds two or more levels of the unit's chain, and nobody signs two
 * levels of a draft, so each draft's later one reaches him only for him to hand it on (转交) until
 * someone else holds it or the chain leaves it out.
 */
async function doubledWarnings(tx: Db, unitId: string, personId: string) {
  const [[unit], holders] = await Promise.all([
    tx.select({ chain: units.chain }).from(units).where(eq(units.id, unitId)),
    tx.select({ position: positionTerms.position, personId: positionTerms.personId, name: people.name }).from(positionTerms).innerJoin(people, eq(people.id, positionTerms.personId))
      .where(and(eq(positionTerms.unitId, unitId), isNull(positionTerms.endedAt))),
  ]);
  const name = holders.find((h) => h.personId === personId)?.name ?? '';
  return doubledHolders(unit!.chain.levels, holders).filter((d) => d.personId === personId)
    .map((d) => ({ code: 'holds_two_levels' as const, personId, levels: d.levels, message: doubledHolderWords(name, d.levels) }));
}

/** A review handed to someone personally goes back to the holder of its level, on the record with why. */
async function returnToPosition(tx: Db, actorId: string, r: { id: string; draftId: string; level: Position }, from: string, to: string, reason: 'office_ended' | 'assignee_deactivated', now: Date) {
  await reassignReview(tx, r.id, to, 'succession', now);
  await appendAudit(tx, { actorId, action: 'review.returned_to_position', subjectType: 'review', subjectId: r.id, draftId: r.draftId, data: { from, to, level: r.level, reason }, at: now });
}

/**
 * When an office ends, a review handed to its holder because of it (a leader's level goes only to
 * the unit's leadership: mayTakeLevel) goes back to the holder of the review's level, as a
 * deactivation returns one: otherwise the former office holder could still give the approval.
 * A review of a vacant level stays (the chain waits for an appointment either way).
 */
async function returnUntakeable(tx: Db, actorId: string, personId: string, unitId: string, now: Date): Promise<number> {
  const [person] = await tx.select({ unitId: people.unitId }).from(people).where(eq(people.id, personId));
  const held = (await currentPositions(tx, personId)).filter((p) => p.unitId === unitId).map((p) => p.position);
  const member = person?.unitId === unitId || held.length > 0;
  const pending = await tx.select({ id: reviews.id, draftId: reviews.draftId, level: reviews.level }).from(reviews).innerJoin(drafts, eq(drafts.id, reviews.draftId))
    .where(and(eq(drafts.unitId, unitId), eq(reviews.status, 'pending'), eq(reviews.assigneeId, personId)));
  let returned = 0;
  for (const r of pending) {
    if (held.includes(r.level) || (member && mayTakeLevel(r.level, held))) continue;
    const holder = await holderOf(tx, unitId, r.level);
    if (!holder || holder === personId) continue;
    await returnToPosition(tx, actorId, r, personId, holder, 'office_ended', now);
    returned++;
  }
  return returned;
}

/** `q` as a LIKE pattern that matches it anywhere, its own % and _ taken literally. */
export const containsPattern = (q: string) => `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

export interface PeopleFilter { q?: string; role?: Role; unitId?: string; limit?: number; offset?: number }

/**
 * People by name or e-mail, with their home unit and the positions they hold now: what a people
 * picker and the organisation pages show. Paginated; `total` counts every match.
 */
export async function listPeople(db: Db, f: PeopleFilter = {}) {
  const where: SQL[] = [];
  if (f.q) where.push(or(ilike(people.name, containsPattern(f.q)), ilike(people.email, containsPattern(f.q)))!);
  if (f.role) where.push(sql`${f.role} = any(${people.roles})`);
  if (f.unitId) where.push(or(eq(people.unitId, f.unitId), sql`${people.id} in (select person_id from position_terms where unit_id = ${f.unitId} and ended_at is null)`)!);
  const cond = where.length ? and(...where) : undefined;
  const [{ total } = { total: 0 }] = await db.select({ total: sql<number>`count(*)::int` }).from(people).where(cond);
  const rows = await db.select({ p: people, unitName: units.name }).from(people).leftJoin(units, eq(units.id, people.unitId))
    .where(cond).orderBy(asc(people.name), asc(people.id)).limit(f.limit ?? 50).offset(f.offset ?? 0);
  const terms = rows.length
    ? await db.select({ personId: positionTerms.personId, unitId: positionTerms.unitId, unitName: units.name, position: positionTerms.position, since: positionTerms.startedAt })
      .from(positionTerms).innerJoin(units, eq(units.id, positionTerms.unitId))
      .where(and(inArray(positionTerms.personId, rows.map((r) => r.p.id)), isNull(positionTerms.endedAt)))
    : [];
  return {
    total,
    items: rows.map(({ p, unitName }) => ({
      id: p.id, name: p.name, email: p.email, roles: p.roles, unitId: p.unitId, unitName, deactivatedAt: p.deactivatedAt,
      positions: terms.filter((t) => t.personId === p.id).map(({ personId: _, ...t }) => t),
    })),
  };
}

/** A person as a people picker shows them: enough to tell namesakes apart, nothing more. */
export interface PickablePerson { id: string; name: string; email: string; unitName: string | null }

/** At most this many people per search: a picker finds people, it does not list the directory. */
export const PICKER_MAX = 20;

/**
 * The people picker's search: active people whose name or e-mail contains `q`, among those the
 * caller may see — everyone for publicity and admin staff, else the people of the units the caller
 * acts in (members and position holders). `ids` looks up chosen people within the same scope;
 * `alsoIds` are people the caller already sees elsewhere (an account's current holders on its
 * change form), shown whatever their unit.
 */
export async function searchPeople(db: Db, actor: Person, f: { q?: string; ids?: string[]; alsoIds?: string[]; limit?: number }): Promise<PickablePerson[]> {
  const wanted: SQL[] = [isNull(people.deactivatedAt)];
  if (f.q !== undefined) wanted.push(or(ilike(people.name, containsPattern(f.q)), ilike(people.email, containsPattern(f.q)))!);
  if (f.ids) wanted.push(f.ids.length ? inArray(people.id, f.ids) : sql`false`);
  if (f.q === undefined && f.ids === undefined) return [];
  let scope: SQL | undefined;
  if (!actor.roles.includes('admin') && !actor.roles.includes('publicity')) {
    const mine = (await unitsOf(db, actor)).map((u) => u.id);
    const inUnits = mine.length
      ? or(inArray(people.unitId, mine), sql`${people.id} in (select person_id from position_terms where ended_at is null and unit_id in ${mine})`)!
      : sql`false`;
    scope = f.alsoIds?.length ? or(inUnits, inArray(people.id, f.alsoIds))! : inUnits;
  }
  const rows = await db.select({ id: people.id, name: people.name, email: people.email, unitName: units.name }).from(people).leftJoin(units, eq(units.id, people.unitId))
    .where(and(...wanted, scope)).orderBy(asc(people.name), asc(people.id)).limit(Math.min(f.limit ?? 10, f.ids ? 200 : PICKER_MAX));
  return rows;
}

export interface UnitFilter { q?: string; limit?: number; offset?: number }

/** Units by name or code, each with its chain, SLAs, current position holders and which robots are set. */
export async function listUnits(db: Db, f: UnitFilter = {}) {
  const cond = f.q ? or(ilike(units.name, containsPattern(f.q)), ilike(units.code, containsPattern(f.q))) : undefined;
  const [{ total } = { total: 0 }] = await db.select({ total: sql<number>`count(*)::int` }).from(units).where(cond);
  const rows = await db.select().from(units).where(cond).orderBy(asc(units.name), asc(units.id)).limit(f.limit ?? 50).offset(f.offset ?? 0);
  const holders = rows.length
    ? await db.select({ unitId: positionTerms.unitId, position: positionTerms.position, personId: people.id, name: people.name, since: positionTerms.startedAt })
      .from(positionTerms).innerJoin(people, eq(people.id, positionTerms.personId))
      .where(and(inArray(positionTerms.unitId, rows.map((u) => u.id)), isNull(positionTerms.endedAt)))
    : [];
  return { total, items: rows.map((u) => ({ ...u, positions: holders.filter((h) => h.unitId === u.id).map(({ unitId: _, ...h }) => h) })) };
}

/** The units a person acts in: every unit for publicity and admin staff, else their own and those where they hold a position. */
export async function unitsOf(db: Db, person: Person) {
  const all = await db.select({ id: units.id, name: units.name, code: units.code }).from(units).orderBy(asc(units.name));
  if (person.roles.includes('admin') || person.roles.includes('publicity')) return all;
  const held = await db.select({ unitId: positionTerms.unitId }).from(positionTerms).where(and(eq(positionTerms.personId, person.id), isNull(positionTerms.endedAt)));
  return all.filter((u) => u.id === person.unitId || held.some((h) => h.unitId === u.id));
}

/**
 * A person leaves (停用): their tokens are revoked and their sessions end at once, so nothing they
 * hold works a moment later; they can no longer sign in. Positions must be handed on first (each
 * appointment moves the pending reviews with it), so no review is left with nobody to sign it. The
 * record stays, for the audit. Admins only; nobody deactivates themselves.
 */
export async function deactivatePerson(db: Db, deps: ServiceDeps, actor: Person, personId: string) {
  return inTransaction(db, deps, async (tx) => {
    if (!actor.roles.includes('admin')) throw new AppError('forbidden');
    // The positions of the units whose reviews go back to them (below), shared, before the person's
    // row: an appointment there meanwhile would miss a review handed back to its outgoing holder.
    // Positions before people is the order every act takes them in (a transfer, an appointment).
    const sharedUnits = new Set(await pendingReviewUnits(tx, personId));
    for (const unitId of sharedUnits) await sharePositions(tx, unitId);
    const [person] = await tx.select().from(people).where(eq(people.id, personId)).for('update');
    if (!person) throw personNotFound();
    if (person.id === actor.id) throw new AppError('conflict', { reasonZh: '不能停用自己的账户', reasonEn: 'you cannot deactivate yourself' }, { field: 'personId' });
    if (person.deactivatedAt) throw new AppError('conflict', { reasonZh: `${person.name} 已停用`, reasonEn: `${person.name} is already deactivated` }, { field: 'personId' });
    const held = await tx.select({ unitId: positionTerms.unitId, unitName: units.name, position: positionTerms.position }).from(positionTerms)
      .innerJoin(units, eq(units.id, positionTerms.unitId)).where(and(eq(positionTerms.personId, personId), isNull(positionTerms.endedAt)));
    if (held.length) {
      throw new AppError('conflict', {
        reasonZh: `${person.name} 仍担任岗位（${held.map((h) => `${h.unitName}·${label('level', h.position)}`).join('、')}），请先任命接任者`,
        reasonEn: `${person.name} still holds ${held.map((h) => `${label('level', h.position, 'en')} of ${h.unitName}`).join(', ')}; appoint a successor first`,
      }, { field: 'positions', positions: held });
    }
    // An account's 负责人 answers for it to the publicity department (seed 003): the account is
    // handed to someone else first (变更登记), as a position is, not left with nobody.
    const owned = await tx.select({ id: accounts.id, name: accounts.name }).from(accounts)
      .where(and(eq(accounts.ownerId, personId), notInArray(accounts.status, ['shut_down', 'deregistered'])));
    if (owned.length) {
      throw new AppError('conflict', {
        reasonZh: `${person.name} 仍是账号负责人（${owned.map((a) => a.name).join('、')}），请先变更负责人`,
        reasonEn: `${person.name} still owns ${owned.map((a) => a.name).join(', ')}; name another owner first`,
      }, { field: 'accounts', accounts: owned });
    }
    const now = deps.now();
    const reviewsReturned = await returnTransferredReviews(tx, actor.id, person, now, sharedUnits);
    const tokens = await tx.update(apiTokens).set({ revokedAt: now }).where(and(eq(apiTokens.personId, personId), isNull(apiTokens.revokedAt))).returning({ id: apiTokens.id });
    const ended = await tx.update(sessions).set({ endedAt: now, endedById: actor.id }).where(and(eq(sessions.personId, personId), isNull(sessions.endedAt))).returning({ id: sessions.id });
    // A sign-in link mailed before would open a session the next request refuses: it lapses now.
    await tx.update(loginLinks).set({ expiresAt: now }).where(and(eq(loginLinks.personId, personId), isNull(loginLinks.usedAt), gt(loginLinks.expiresAt, now)));
    // A leaver no longer staffs an account: seed 003 wants at least one commentator who is there, and
    // the registry warns of an account left without one.
    const rolesEnded = await tx.update(accountRoles).set({ endedAt: now }).where(and(eq(accountRoles.personId, personId), isNull(accountRoles.endedAt)))
      .returning({ accountId: accountRoles.accountId, role: accountRoles.role });
    const [updated] = await tx.update(people).set({ deactivatedAt: now }).where(eq(people.id, personId)).returning();
    await appendAudit(tx, { actorId: actor.id, action: 'person.deactivated', subjectType: 'person', subjectId: personId, data: { tokensRevoked: tokens.length, sessionsEnded: ended.length, reviewsReturned: reviewsReturned.length, accountRolesEnded: rolesEnded }, at: now });
    return { person: updated!, tokensRevoked: tokens.length, sessionsEnded: ended.length, reviewsReturned: reviewsReturned.length, accountRolesEnded: rolesEnded.length };
  });
}

/** The units of the reviews waiting on a person, in one order (their positions locks are taken in it). */
async function pendingReviewUnits(tx: Db, personId: string): Promise<string[]> {
  const rows = await tx.selectDistinct({ unitId: drafts.unitId }).from(reviews).innerJoin(drafts, eq(drafts.id, reviews.draftId))
    .where(and(eq(reviews.assigneeId, personId), eq(reviews.status, 'pending'))).orderBy(drafts.unitId);
  return rows.map((r) => r.unitId);
}

/**
 * Reviews transferred to the leaver personally (they hold no position by now, so every pending
 * review still assigned to them came by transfer) go back to the current holder of the review's
 * level, as a succession would move them; a vacant level refuses the deactivation, naming the
 * drafts, so that no review is left with nobody able to sign it.
 */
async function returnTransferredReviews(tx: Db, actorId: string, person: { id: string; name: string }, now: Date, sharedUnits: Set<string>) {
  const pending = await tx.select({ id: reviews.id, level: reviews.level, draftId: drafts.id, title: draftVersions.title, unitId: drafts.unitId })
    .from(reviews).innerJoin(drafts, eq(drafts.id, reviews.draftId)).innerJoin(draftVersions, eq(draftVersions.id, reviews.versionId))
    .where(and(eq(reviews.assigneeId, person.id), eq(reviews.status, 'pending')));
  // One transferred to them between the first look and the person's lock: its unit is locked now.
  for (const unitId of new Set(pending.map((r) => r.unitId))) if (!sharedUnits.has(unitId)) await sharePositions(tx, unitId);
  const holders = await Promise.all(pending.map((r) => holderOf(tx, r.unitId, r.level)));
  const stranded = pending.filter((_, i) => !holders[i]);
  if (stranded.length) {
    throw new AppError('conflict', {
      reasonZh: `${person.name} 仍有转交的待审稿件（${stranded.map((r) => `《${r.title}》·${label('level', r.level)}`).join('、')}），该岗位空缺，请先任命`,
      reasonEn: `${person.name} still has transferred reviews (${stranded.map((r) => `"${r.title}", ${label('level', r.level, 'en')}`).join('; ')}) whose position is vacant; appoint someone first`,
    }, { field: 'reviews', drafts: stranded.map((r) => ({ draftId: r.draftId, level: r.level })) });
  }
  for (const [i, r] of pending.entries()) {
    await returnToPosition(tx, actorId, r, person.id, holders[i]!, 'assignee_deactivated', now);
  }
  return pending;
}

/** Undoes a deactivation: the person may sign in again (old tokens stay revoked: they mint new ones). */
export async function reactivatePerson(db: Db, deps: ServiceDeps, actor: Person, personId: string) {
  return inTransaction(db, deps, async (tx) => {
    if (!actor.roles.includes('admin')) throw new AppError('forbidden');
    const [person] = await tx.select().from(people).where(eq(people.id, personId)).for('update');
    if (!person) throw personNotFound();
    if (!person.deactivatedAt) throw new AppError('conflict', { reasonZh: `${person.name} 未停用`, reasonEn: `${person.name} is not deactivated` }, { field: 'personId' });
    const [updated] = await tx.update(people).set({ deactivatedAt: null }).where(eq(people.id, personId)).returning();
    await appendAudit(tx, { actorId: actor.id, action: 'person.reactivated', subjectType: 'person', subjectId: personId, data: {}, at: deps.now() });
    return updated!;
  });
}

