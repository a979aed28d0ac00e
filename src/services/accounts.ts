import { and, asc, desc, eq, ilike, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  accountEvents, accountRoles, accounts, draftAccounts, drafts, inspectionCampaigns, inspectionCodes, inspections, people, positionTerms, registrationCounters, registrySettings, units,
  type AccountStatus, type AccountTier,
} from '../../db/schema';
import {
  allowedAccountCommands, formatRegistrationNo, nextAccountStatus, staffingProblems,
  type AccountCommand, type AccountRole, type PersonKind, type RoleAssignment, type StaffingProblem,
} from '../domain/account-lifecycle';
import { nextReminderAt, rectifyDeadlineOf } from '../domain/inspection';
import type { Platform } from '../domain/inspection-code';
import { registryLabel } from '../domain/registry-labels';
import { AppError, invalidField, words } from '../lib/errors';
import { appendAudit } from './audit';
import { hasRole, isMemberOf, requireRole, requireUnitAccess, type Person } from './auth';
import { inTransaction, type ServiceDeps } from './context';
import { enqueue } from './outbox';
import { containsPattern } from './org';
import { publishability } from './publish-gate';
import { cstYear } from '../domain/cst';

export type AccountRow = typeof accounts.$inferSelect;

export interface Member { personId: string; role: AccountRole; kind: PersonKind; endsAt?: string | null }

/** Role lists as the API takes them; each list given replaces that role's current holders. */
export interface RoleLists {
  adminIds?: string[];
  commentatorIds?: string[];
  operatorIds?: string[];
  reviewerIds?: string[];
  responsibleLeaderId?: string;
  leaderInChargeId?: string;
  /** Anyone else, or students (whose role must end): explicit role, kind and end date. */
  members?: Member[];
}

export interface AccountApplication extends RoleLists {
  name: string;
  platform: Platform;
  platformId: string;
  url?: string;
  unitId: string;
  ownerId: string;
  tier?: AccountTier;
  adminIds: string[];
  commentatorIds: string[];
}

export interface AccountChange extends RoleLists {
  name?: string;
  url?: string | null;
  ownerId?: string;
  tier?: AccountTier;
  reason?: string;
}

const ROLE_LIST_KEYS: [keyof RoleLists, AccountRole][] = [
  ['adminIds', 'admin'], ['commentatorIds', 'commentator'], ['operatorIds', 'operator'], ['reviewerIds', 'reviewer'],
  ['responsibleLeaderId', 'responsible_leader'], ['leaderInChargeId', 'leader_in_charge'],
];

/** The roles a request names, grouped by role; only roles the request mentions are returned. */
function rolesNamed(input: RoleLists): Map<AccountRole, RoleAssignment[]> {
  const named = new Map<AccountRole, RoleAssignment[]>();
  for (const [key, role] of ROLE_LIST_KEYS) {
    const value = input[key];
    if (value === undefined) continue;
    const ids = (Array.isArray(value) ? value : [value]) as string[];
    named.set(role, [...new Set(ids)].map((personId) => ({ personId, role, kind: 'teacher' as const, byId: true as const })));
  }
  for (const m of input.members ?? []) {
    const list = named.get(m.role) ?? [];
    named.set(m.role, [...list.filter((r) => r.personId !== m.personId), { personId: m.personId, role: m.role, kind: m.kind, endsAt: m.endsAt ? new Date(m.endsAt) : null }]);
  }
  return named;
}

const PROBLEM_TEXT: Record<StaffingProblem['code'], [string, string]> = {
  no_commentator: ['至少需要一名网络评论员', 'at least one network commentator is required'],
  no_teacher_admin: ['须有一名教师担任管理员', 'a teacher must be an administrator'],
  student_without_end: ['学生角色须填写结束日期', "a student's role needs an end date"],
};

function staffingError(problems: StaffingProblem[], status: 400 | 409 = 400): AppError {
  const details = problems.map((p) => ({ path: p.field, code: p.code, message: PROBLEM_TEXT[p.code][1] }));
  return new AppError('staffing_incomplete', {
    problemsZh: problems.map((p) => `${p.field}：${PROBLEM_TEXT[p.code][0]}`).join('；'),
    problemsEn: problems.map((p) => `${p.field}: ${PROBLEM_TEXT[p.code][1]}`).join('; '),
  }, { fields: details, ...(status === 409 ? { stage: 'approve' } : {}) });
}

/**
 * The people an account names exist; and, when `unitId` is given, belong to that unit (its staff or a
 * holder of one of its positions). Publicity staff, who keep the registry, may name anyone.
 */
async function requirePeople(tx: Db, ids: string[], field: string, unitId?: string): Promise<void> {
  const unique = [...new Set(ids)];
  if (!unique.length) return;
  const member = unitId
    ? sql<boolean>`(${people.unitId} = ${unitId} or exists (select 1 from ${positionTerms} where ${positionTerms.personId} = ${people.id} and ${positionTerms.unitId} = ${unitId} and ${positionTerms.endedAt} is null))`
    : sql<boolean>`true`;
  // Held until commit, as an appointment holds its appointee: a deactivation waits, then sees the role.
  const found = await tx.select({ id: people.id, name: people.name, deactivatedAt: people.deactivatedAt, member }).from(people).where(inArray(people.id, unique)).for('share');
  const missing = unique.filter((id) => !found.some((p) => p.id === id));
  if (missing.length) throw new AppError('not_found', { what: words(`人员 ${missing.join(', ')} `, `person ${missing.join(', ')}`) }, { field, missing });
  const departed = found.filter((p) => p.deactivatedAt);
  if (departed.length) {
    const names = departed.map((p) => p.name);
    throw invalidField(field, words(`${names.join('、')} 已停用，不能担任账号岗位`, `${names.join(', ')}: deactivated, cannot hold an account role`));
  }
  const outsiders = found.filter((p) => !p.member);
  if (outsiders.length) {
    const names = outsiders.map((p) => p.name);
    throw new AppError('validation_failed', { fields: field }, [{ path: field, in: 'body', message: words(`${names.join('、')} 不是账号所属单位的人员（宣传部门可登记其他单位的人员）`, `${names.join(', ')}: not of the account's unit (the publicity department may name people of other units)`), people: outsiders.map((p) => p.id) }]);
  }
}

/** Each role list a request names, checked as requirePeople does, under its own field name. */
async function requireRoleHolders(tx: Db, input: RoleLists, unitId?: string): Promise<void> {
  for (const [key] of ROLE_LIST_KEYS) {
    const value = input[key];
    if (value !== undefined) await requirePeople(tx, (Array.isArray(value) ? value : [value]) as string[], key, unitId);
  }
  if (input.members?.length) await requirePeople(tx, input.members.map((m) => m.personId), 'members', unitId);
}

/**
 * A role given with its end date (`members`) must not have ended already: a student named until a
 * day now past would hold nothing. One the account holds already, as it is (the same person, role,
 * kind and end date: a change page sends its holders back), is not a new appointment and passes.
 */
async function requireFutureEnds(tx: Db, accountId: string | null, members: Member[] | undefined, at: Date): Promise<void> {
  const ended = (members ?? []).map((m, i) => ({ m, i, endsAt: m.endsAt ? new Date(m.endsAt) : null })).filter((x) => x.endsAt && x.endsAt.getTime() <= at.getTime());
  if (!ended.length) return;
  const held = accountId ? await tx.select().from(accountRoles).where(and(eq(accountRoles.accountId, accountId), isNull(accountRoles.endedAt))) : [];
  const kept = (x: (typeof ended)[number]) => held.some((r) => r.personId === x.m.personId && r.role === x.m.role && r.personKind === x.m.kind && r.endsAt?.getTime() === x.endsAt!.getTime());
  const first = ended.find((x) => !kept(x));
  if (first) throw invalidField(`members.${first.i}.endsAt`, words('须晚于当前时间', 'must be in the future'));
}

/** Whom an actor may name on an account of `unitId`: publicity and admin staff anyone; others only the unit's people. */
const namingUnit = (actor: Person, unitId: string) => (hasRole(actor, 'publicity', 'admin') ? undefined : unitId);

const notFound = () => new AppError('not_found', { what: words('账号', 'account') });

export async function lockAccount(tx: Db, accountId: string): Promise<AccountRow> {
  const [account] = await tx.select().from(accounts).where(eq(accounts.id, accountId)).for('update');
  if (!account) throw notFound();
  return account;
}

async function liveRoles(tx: Db, accountId: string, at: Date) {
  const rows = await tx.select().from(accountRoles).where(and(eq(accountRoles.accountId, accountId), isNull(accountRoles.endedAt)));
  return rows.filter((r) => !r.endsAt || r.endsAt.getTime() > at.getTime());
}

const asAssignments = (rows: (typeof accountRoles.$inferSelect)[]): RoleAssignment[] => rows.map((r) => ({ personId: r.personId, role: r.role, kind: r.personKind, endsAt: r.endsAt }));

/** The move a command makes from the account's status, or the 409 naming that status. */
export function accountStep(account: Pick<AccountRow, 'status'>, command: AccountCommand): AccountStatus {
  const next = nextAccountStatus(account.status, command);
  if (!next) {
    throw new AppError('account_transition', {
      status: account.status, statusZh: registryLabel('accountStatus', account.status),
      actionZh: registryLabel('accountCommand', command), actionEn: registryLabel('accountCommand', command, 'en'),
    }, { status: account.status, action: command, allowed: allowedAccountCommands(account.status) });
  }
  return next;
}

/** Writes the dated registry event and the audit event for one move; the caller changed the row. */
export async function recordAccountEvent(tx: Db, e: {
  accountId: string; actorId: string | null; type: string; at: Date; from?: AccountStatus | null; to?: AccountStatus | null;
  reason?: string | null; oldValues?: Record<string, unknown> | null; newValues?: Record<string, unknown> | null;
}): Promise<void> {
  await tx.insert(accountEvents).values({
    accountId: e.accountId, actorId: e.actorId, type: e.type, at: e.at, fromStatus: e.from ?? null, toStatus: e.to ?? null,
    reason: e.reason ?? null, oldValues: e.oldValues ?? null, newValues: e.newValues ?? null,
  });
  await appendAudit(tx, {
    actorId: e.actorId, action: `account.${e.type}`, subjectType: 'account', subjectId: e.accountId, at: e.at,
    data: { from: e.from ?? null, to: e.to ?? null, reason: e.reason ?? null, old: e.oldValues ?? null, new: e.newValues ?? null },
  });
}

/** Moves an account's status and records it; used by the lifecycle routes and by grading. */
export async function moveAccount(tx: Db, account: AccountRow, command: AccountCommand, actorId: string | null, at: Date, reason?: string | null, extra: Partial<AccountRow> = {}): Promise<AccountRow> {
  const to = accountStep(account, command);
  // A registry order's deadline lives only as long as the rectification it belongs to.
  const ended = to !== 'rectifying' && account.rectifyDeadline ? { rectifyDeadline: null } : {};
  const [updated] = await tx.update(accounts).set({ status: to, updatedAt: at, ...ended, ...extra }).where(eq(accounts.id, account.id)).returning();
  await recordAccountEvent(tx, { accountId: account.id, actorId, type: command, at, from: account.status, to, reason, newValues: Object.keys(extra).length ? jsonValues(extra) : null });
  if (to !== account.status) await enqueue(tx, 'account.status_changed', { accountId: account.id, from: account.status, to, reason: reason ?? null });
  return updated!;
}

const jsonValues = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));

/** Replaces the holders of every role the request names: ended roles keep their dates, nothing is deleted. */
async function replaceRoles(tx: Db, accountId: string, named: Map<AccountRole, RoleAssignment[]>, at: Date) {
  const before = await tx.select().from(accountRoles).where(and(eq(accountRoles.accountId, accountId), isNull(accountRoles.endedAt)));
  const old: Record<string, unknown> = {};
  const now: Record<string, unknown> = {};
  for (const [role, wanted] of named) {
    const current = before.filter((r) => r.role === role);
    // A holder named by id alone stays as they are (a student keeps their kind and end date); `members` change them.
    const same = (r: (typeof before)[number], w: RoleAssignment) => r.personId === w.personId && (w.byId || (r.personKind === w.kind && (r.endsAt?.getTime() ?? null) === (w.endsAt?.getTime() ?? null)));
    const ending = current.filter((r) => !wanted.some((w) => same(r, w)));
    const adding = wanted.filter((w) => !current.some((r) => same(r, w)));
    if (!ending.length && !adding.length) continue;
    if (ending.length) await tx.update(accountRoles).set({ endedAt: at }).where(inArray(accountRoles.id, ending.map((r) => r.id)));
    if (adding.length) {
      await tx.insert(accountRoles).values(adding.map((w) => ({ accountId, personId: w.personId, role, personKind: w.kind, endsAt: w.endsAt ?? null, startedAt: at })));
    }
    old[role] = current.map((r) => r.personId);
    now[role] = wanted.map((w) => w.personId);
  }
  return { old, now };
}

/** 登记备案 step one: anyone in the host unit applies; the publicity department approves. */
export async function applyForAccount(db: Db, deps: ServiceDeps, actor: Person, input: AccountApplication) {
  const id = await inTransaction(db, deps, async (tx) => {
    const [unit] = await tx.select({ id: units.id }).from(units).where(eq(units.id, input.unitId));
    if (!unit) throw new AppError('not_found', { what: words('单位', 'unit') }, { field: 'unitId' });
    await requireUnitAccess(tx, actor, unit.id);
    const now = deps.now();
    const named = rolesNamed(input);
    const roles = [...named.values()].flat();
    await requireFutureEnds(tx, null, input.members, now);
    const problems = staffingProblems(roles, now);
    if (problems.length) throw staffingError(problems);
    await requirePeople(tx, [input.ownerId], 'ownerId', namingUnit(actor, unit.id));
    await requireRoleHolders(tx, input, namingUnit(actor, unit.id));
    const [clash] = await tx.select({ id: accounts.id }).from(accounts).where(and(eq(accounts.platform, input.platform), eq(accounts.platformId, input.platformId)));
    if (clash) throw new AppError('already_exists', { what: words(`${registryLabel('platform', input.platform)} 账号 ${input.platformId} `, `${registryLabel('platform', input.platform, 'en')} account ${input.platformId}`) }, { field: 'platformId', accountId: clash.id });
    const [account] = await tx.insert(accounts).values({
      name: input.name, platform: input.platform, platformId: input.platformId, url: input.url ?? null, unitId: unit.id, ownerId: input.ownerId,
      tier: input.tier ?? 'unit', status: 'pending', createdAt: now, updatedAt: now,
    }).returning();
    const { now: assigned } = await replaceRoles(tx, account!.id, named, now);
    await recordAccountEvent(tx, {
      accountId: account!.id, actorId: actor.id, type: 'applied', at: now, to: 'pending',
      newValues: { name: input.name, platform: input.platform, platformId: input.platformId, url: input.url ?? null, ownerId: input.ownerId, tier: input.tier ?? 'unit', roles: assigned },
    });
    return account!.id;
  });
  return getAccountView(db, deps, null, id);
}

async function nextRegistrationNo(tx: Db, year: number): Promise<string> {
  const [row] = await tx.insert(registrationCounters).values({ year, last: 1 })
    .onConflictDoUpdate({ target: registrationCounters.year, set: { last: sql`${registrationCounters.last} + 1` } })
    .returning({ last: registrationCounters.last });
  return formatRegistrationNo(year, row!.last);
}

/**
 * Taken by whatever decides which accounts a year's campaign inspects: opening the campaign (it
 * reads the registered accounts) and registering an account (it looks for the campaign to join).
 * Without it an account approved while the campaign opened was in neither's view, and stayed
 * uninspected all year: no pass code, so nothing it could publish.
 */
export async function lockCampaignYear(tx: Db, year: number): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`inspection_campaign:${year}`}))`);
}

/** 登记: the publicity department approves; the account gets its number and joins this year's open campaign. */
export async function approveAccount(db: Db, deps: ServiceDeps, actor: Person, accountId: string, reason?: string) {
  await inTransaction(db, deps, async (tx) => {
    requireRole(actor, 'publicity', 'admin');
    const now = deps.now();
    // Before the account's row, as createCampaign takes it before it reads the accounts: one order, no deadlock.
    await lockCampaignYear(tx, cstYear(now));
    const account = await lockAccount(tx, accountId);
    accountStep(account, 'approve');
    const problems = staffingProblems(asAssignments(await liveRoles(tx, accountId, now)), now);
    if (problems.length) throw staffingError(problems, 409);
    const registrationNo = await nextRegistrationNo(tx, cstYear(now));
    await moveAccount(tx, account, 'approve', actor.id, now, reason ?? null, { registrationNo, registeredAt: now });
    // An account registered mid-year is inspected in the year's campaign too, even one already
    // closed: a pass code is what lets it publish, and only a graded inspection issues one.
    const [campaign] = await tx.select().from(inspectionCampaigns).where(eq(inspectionCampaigns.year, cstYear(now)));
    if (campaign) {
      const inserted = await tx.insert(inspections)
        .values({ campaignId: campaign.id, accountId, nextReminderAt: campaign.deadline > now ? nextReminderAt(campaign.deadline, now) : null, createdAt: now, updatedAt: now })
        .onConflictDoNothing().returning({ id: inspections.id });
      for (const i of inserted) await enqueue(tx, 'inspection.opened', { inspectionId: i.id });
    }
  });
  return getAccountView(db, deps, actor, accountId);
}

/**
 * Suspend, put under rectification, reinstate, shut down, deregister or reject: publicity staff, with
 * a reason. 责令整改 carries a deadline (DEFAULT_RECTIFY_DAYS when none is given), never one already past.
 */
export async function changeAccountStatus(db: Db, deps: ServiceDeps, actor: Person, accountId: string, command: Exclude<AccountCommand, 'approve' | 'change'>, reason: string, opts: { deadline?: Date } = {}) {
  await inTransaction(db, deps, async (tx) => {
    requireRole(actor, 'publicity', 'admin');
    const now = deps.now();
    if (command === 'rectify' && opts.deadline && opts.deadline.getTime() <= now.getTime()) {
      throw invalidField('deadline', words('整改期限须晚于当前时间', 'must be in the future'));
    }
    const account = await lockAccount(tx, accountId);
    await moveAccount(tx, account, command, actor.id, now, reason, command === 'rectify' ? { rectifyDeadline: rectifyDeadlineOf(opts.deadline, now) } : {});
  });
  return getAccountView(db, deps, actor, accountId);
}

/** What the registry vouches for (a pass code shows it to anyone). */
export const REGISTRY_FIELDS = ['name', 'url', 'tier'] as const;

/**
 * Whether these fields are the publicity department's to change (变更登记): once an account is
 * registered, its unit may change its people but not what the registry vouches for. An application
 * not yet approved the unit corrects itself.
 */
export const registryFieldsLocked = (actor: Person, account: Pick<AccountRow, 'status'>) => account.status !== 'pending' && !hasRole(actor, 'publicity', 'admin');

/** 变更: name, URL, owner, tier or people; the old values stay in the account's history. */
export async function changeAccount(db: Db, deps: ServiceDeps, actor: Person, accountId: string, patch: AccountChange) {
  await inTransaction(db, deps, async (tx) => {
    const account = await lockAccount(tx, accountId);
    await requireManage(tx, actor, account);
    accountStep(account, 'change');
    if (registryFieldsLocked(actor, account)) {
      const held = REGISTRY_FIELDS.filter((key) => patch[key] !== undefined && patch[key] !== account[key]);
      if (held.length) throw new AppError('registered_by_publicity', { field: held.join(', ') }, { field: held[0], fields: held });
    }
    const now = deps.now();
    const fields: Partial<AccountRow> = {};
    const old: Record<string, unknown> = {};
    const fresh: Record<string, unknown> = {};
    for (const key of ['name', 'url', 'ownerId', 'tier'] as const) {
      if (patch[key] === undefined || patch[key] === account[key]) continue;
      old[key] = account[key];
      fresh[key] = patch[key];
      (fields as Record<string, unknown>)[key] = patch[key];
    }
    if (patch.ownerId) await requirePeople(tx, [patch.ownerId], 'ownerId', namingUnit(actor, account.unitId));
    const named = rolesNamed(patch);
    await requireFutureEnds(tx, accountId, patch.members, now);
    await requireRoleHolders(tx, patch, namingUnit(actor, account.unitId));
    const roles = await replaceRoles(tx, accountId, named, now);
    const problems = staffingProblems(asAssignments(await liveRoles(tx, accountId, now)), now);
    if (problems.length) throw staffingError(problems);
    if (Object.keys(roles.old).length) { old.roles = roles.old; fresh.roles = roles.now; }
    if (!Object.keys(fresh).length) return;
    await tx.update(accounts).set({ ...fields, updatedAt: now }).where(eq(accounts.id, accountId));
    await recordAccountEvent(tx, { accountId, actorId: actor.id, type: 'changed', at: now, from: account.status, to: account.status, reason: patch.reason ?? null, oldValues: old, newValues: fresh });
  });
  return getAccountView(db, deps, actor, accountId);
}

/** Who may change or report on an account: its owner, its role holders, its unit, and publicity staff. */
async function requireManage(db: Db, actor: Person, account: AccountRow): Promise<void> {
  if (await canManage(db, actor, account)) return;
  throw new AppError('forbidden');
}

export async function canManage(db: Db, actor: Person, account: Pick<AccountRow, 'id' | 'ownerId' | 'unitId'>, includePublicity = true): Promise<boolean> {
  if (includePublicity && hasRole(actor, 'publicity', 'admin')) return true;
  if (account.ownerId === actor.id || (await isMemberOf(db, actor, account.unitId))) return true;
  const [role] = await db.select({ id: accountRoles.id }).from(accountRoles).where(and(eq(accountRoles.accountId, account.id), eq(accountRoles.personId, actor.id), isNull(accountRoles.endedAt))).limit(1);
  return !!role;
}

export type CodeStatus = 'valid' | 'revoked' | 'expired';
export const codeStatus = (c: { revokedAt: Date | null; expiredAt: Date | null }, now: Date): CodeStatus =>
  c.revokedAt ? 'revoked' : c.expiredAt && c.expiredAt.getTime() <= now.getTime() ? 'expired' : 'valid';

/** Each account's newest inspection code (a live one before revoked or expired ones), in one query. */
export async function currentCodes(db: Db, accountIds: string[], now: Date) {
  const byAccount = new Map<string, typeof inspectionCodes.$inferSelect>();
  if (!accountIds.length) return byAccount;
  const codes = await db.select().from(inspectionCodes).where(inArray(inspectionCodes.accountId, accountIds)).orderBy(desc(inspectionCodes.year), desc(inspectionCodes.issuedAt));
  for (const c of codes) {
    const held = byAccount.get(c.accountId);
    if (!held || (codeStatus(held, now) !== 'valid' && codeStatus(c, now) === 'valid')) byAccount.set(c.accountId, c);
  }
  return byAccount;
}

export async function currentCodeOf(db: Db, accountId: string, now: Date) {
  return (await currentCodes(db, [accountId], now)).get(accountId) ?? null;
}

export async function getAccountView(db: Db, deps: Pick<ServiceDeps, 'now'>, actor: Person | null, accountId: string) {
  const [row] = await db.select({ account: accounts, unitName: units.name }).from(accounts).innerJoin(units, eq(units.id, accounts.unitId)).where(eq(accounts.id, accountId));
  if (!row) throw notFound();
  if (actor && !(await canManage(db, actor, row.account))) throw new AppError('forbidden');
  const now = deps.now();
  const a = row.account;
  const roles = await db.select({ r: accountRoles, name: people.name }).from(accountRoles).innerJoin(people, eq(people.id, accountRoles.personId)).where(eq(accountRoles.accountId, accountId)).orderBy(asc(accountRoles.startedAt));
  const events = await db.select().from(accountEvents).where(eq(accountEvents.accountId, accountId)).orderBy(asc(accountEvents.at), asc(accountEvents.seq));
  const code = await currentCodeOf(db, accountId, now);
  const gate = await publishability(db, [accountId], now);
  const inspected = await db.select({ id: inspections.id, campaignId: inspections.campaignId, year: inspectionCampaigns.year, status: inspections.status, result: inspections.result, rectifyDeadline: inspections.rectifyDeadline })
    .from(inspections).innerJoin(inspectionCampaigns, eq(inspectionCampaigns.id, inspections.campaignId))
    .where(eq(inspections.accountId, accountId)).orderBy(desc(inspectionCampaigns.year));
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    id: a.id, name: a.name, platform: a.platform, platformId: a.platformId, url: a.url, unitId: a.unitId, unitName: row.unitName, ownerId: a.ownerId,
    tier: a.tier, status: a.status, registrationNo: a.registrationNo, registeredAt: iso(a.registeredAt), dormantSince: iso(a.dormantSince), rectifyDeadline: iso(a.rectifyDeadline),
    createdAt: a.createdAt.toISOString(), updatedAt: a.updatedAt.toISOString(),
    inspectionCode: code?.code ?? null,
    inspectionCodeYear: code?.year ?? null,
    inspectionCodeStatus: code ? codeStatus(code, now) : null,
    publishable: gate[0]?.ok ?? false,
    publishBlock: gate[0]?.reason ?? null,
    inspections: inspected.map((i) => ({ ...i, rectifyDeadline: iso(i.rectifyDeadline) })),
    allowedActions: allowedAccountCommands(a.status),
    roles: roles.map(({ r, name }) => ({
      id: r.id, personId: r.personId, name, role: r.role, kind: r.personKind, startedAt: r.startedAt.toISOString(), endsAt: iso(r.endsAt), endedAt: iso(r.endedAt),
      current: !r.endedAt && (!r.endsAt || r.endsAt.getTime() > now.getTime()),
    })),
    events: events.map((e) => ({ type: e.type, at: e.at.toISOString(), actorId: e.actorId, from: e.fromStatus, to: e.toStatus, reason: e.reason, oldValues: e.oldValues, newValues: e.newValues })),
  };
}

export interface AccountFilter { unitId?: string; status?: AccountStatus; platform?: Platform; dormant?: boolean; /** Name or platform id contains this. */ q?: string }

/** Publicity staff see the whole registry; others see the accounts of units they belong to. */
export async function listAccounts(db: Db, actor: Person, f: AccountFilter) {
  const where: SQL[] = [];
  if (f.unitId) where.push(eq(accounts.unitId, f.unitId));
  if (f.status) where.push(eq(accounts.status, f.status));
  if (f.platform) where.push(eq(accounts.platform, f.platform));
  if (f.dormant !== undefined) where.push(f.dormant ? sql`${accounts.dormantSince} is not null` : isNull(accounts.dormantSince));
  if (f.q) where.push(or(ilike(accounts.name, containsPattern(f.q)), ilike(accounts.platformId, containsPattern(f.q)))!);
  if (!hasRole(actor, 'publicity', 'admin')) {
    if (f.unitId) await requireUnitAccess(db, actor, f.unitId);
    else where.push(or(eq(accounts.ownerId, actor.id), actor.unitId ? eq(accounts.unitId, actor.unitId) : sql`false`, sql`${accounts.unitId} in (select unit_id from position_terms where person_id = ${actor.id} and ended_at is null)`)!);
  }
  return registryRows(db, where);
}

export async function registryRows(db: Db, where: SQL[] = []) {
  return db.select({
    id: accounts.id, name: accounts.name, platform: accounts.platform, platformId: accounts.platformId, url: accounts.url, unitId: accounts.unitId, unitName: units.name,
    tier: accounts.tier, status: accounts.status, registrationNo: accounts.registrationNo, registeredAt: accounts.registeredAt, dormantSince: accounts.dormantSince, ownerName: people.name, ownerId: accounts.ownerId,
  }).from(accounts).innerJoin(units, eq(units.id, accounts.unitId)).innerJoin(people, eq(people.id, accounts.ownerId)).where(where.length ? and(...where) : undefined).orderBy(asc(accounts.registrationNo), asc(accounts.createdAt));
}

export const DORMANCY_KEY = 'dormancy_days';
export const DEFAULT_DORMANCY_DAYS = 90;

export async function dormancyDays(db: Db): Promise<number> {
  const [row] = await db.select().from(registrySettings).where(eq(registrySettings.key, DORMANCY_KEY));
  return typeof row?.value === 'number' ? row.value : DEFAULT_DORMANCY_DAYS;
}

export async function setDormancyDays(db: Db, deps: ServiceDeps, actor: Person, days: number) {
  requireRole(actor, 'publicity', 'admin');
  await inTransaction(db, deps, async (tx) => {
    const now = deps.now();
    const before = await dormancyDays(tx);
    await tx.insert(registrySettings).values({ key: DORMANCY_KEY, value: days, updatedAt: now, updatedBy: actor.id })
      .onConflictDoUpdate({ target: registrySettings.key, set: { value: days, updatedAt: now, updatedBy: actor.id } });
    await appendAudit(tx, { actorId: actor.id, action: 'registry.setting_changed', subjectType: 'setting', subjectId: DORMANCY_KEY, data: { old: before, new: days }, at: now });
  });
  return { dormancyDays: days };
}

/**
 * A registry order's rectification (责令整改) past its deadline (seed 004: 逾期未整改): the account is
 * suspended, which ends the deadline, so a second sweep finds nothing; reinstating stays the
 * department's decision. Rectifications ordered by a grading are the inspection sweep's.
 */
export async function sweepAccountRectificationOverdue(db: Db, deps: ServiceDeps, now: Date): Promise<number> {
  return inTransaction(db, deps, async (tx) => {
    const due = await tx.select().from(accounts)
      .where(and(eq(accounts.status, 'rectifying'), lte(accounts.rectifyDeadline, now))).for('update', { skipLocked: true });
    for (const account of due) await moveAccount(tx, account, 'suspend', null, now, '整改期限已过，未恢复 / rectification deadline passed without reinstatement');
    return due.length;
  });
}

/**
 * Flags registered accounts with no approved publication in the configured number of days and
 * clears the flag once something is published again. Idempotent: only rows whose flag changes move.
 */
export async function sweepDormancy(db: Db, deps: ServiceDeps, now: Date): Promise<number> {
  return inTransaction(db, deps, async (tx) => {
    const days = await dormancyDays(tx);
    const cutoff = new Date(now.getTime() - days * 24 * 3600_000);
    const lastPublished = sql`(select max(${drafts.closedAt}) from ${draftAccounts} join ${drafts} on ${drafts.id} = ${draftAccounts.draftId} where ${draftAccounts.accountId} = ${accounts.id} and ${drafts.status} = 'approved')`;
    const since = sql`coalesce(${lastPublished}, ${accounts.registeredAt})`;
    const flagged = await tx.update(accounts).set({ dormantSince: now })
      .where(and(eq(accounts.status, 'registered'), isNull(accounts.dormantSince), sql`${since} < ${cutoff.toISOString()}::timestamptz`))
      .returning({ id: accounts.id });
    const cleared = await tx.update(accounts).set({ dormantSince: null })
      .where(and(sql`${accounts.dormantSince} is not null`, sql`(${accounts.status} <> 'registered' or ${since} >= ${cutoff.toISOString()}::timestamptz)`))
      .returning({ id: accounts.id });
    for (const a of flagged) {
      await recordAccountEvent(tx, { accountId: a.id, actorId: null, type: 'dormant_flagged', at: now, reason: `${days} 天内无审核通过的发布 / nothing approved in ${days} days` });
      await enqueue(tx, 'account.dormant', { accountId: a.id, days });
    }
    for (const a of cleared) await recordAccountEvent(tx, { accountId: a.id, actorId: null, type: 'dormant_cleared', at: now });
    return flagged.length + cleared.length;
  });
}
