import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  accountRoles, accounts, draftAccounts, drafts, inspectionCampaigns, inspectionCodeCounters, inspectionCodes, inspectionGradings, inspectionInterviews, inspections, people, units,
  type SelfReport,
} from '../../db/schema';
import {
  autoFailFromSelfReport, gradeProblems, graceUntilFor, nextInspectionStatus, nextReminderAt, AUTO_FAIL_LABELS,
  type AutoFailItem, type GradeResult, type InspectionStatus,
  rectifyDeadlineOf,
} from '../domain/inspection';
import { isInService } from '../domain/account-lifecycle';
import { formatInspectionCode, inspectionCodeError, parseInspectionCode, type Platform } from '../domain/inspection-code';
import { registryLabel } from '../domain/registry-labels';
import { AppError, invalidField, words } from '../lib/errors';
import { accountStep, canManage, codeStatus, lockAccount, lockCampaignYear, moveAccount, sweepAccountRectificationOverdue, sweepDormancy } from './accounts';
import { appendAudit } from './audit';
import { acceptUpload, serve, type FileDeps, type Upload } from './files';
import { requireRole, type Person } from './auth';
import { inTransaction, onCommit, type ServiceDeps } from './context';
import { enqueue } from './outbox';
import type { Sweep } from './sweeps';
import { cstReadable, cstYear, cstYearStart, isAhead } from '../domain/cst';
import { perDatabase, TtlCache } from '../lib/ttl-cache';
import { weakEtag } from '../lib/etag';

type InspectionRow = typeof inspections.$inferSelect;
type CampaignRow = typeof inspectionCampaigns.$inferSelect;

/** Accounts that are inspected: every registration still standing (registered, rectifying, suspended). */
const INSPECTED_STATUSES = ['registered', 'rectifying', 'suspended'] as const;

const campaignNotFound = () => new AppError('not_found', { what: words('年检批次', 'inspection campaign') });
const inspectionNotFound = () => new AppError('not_found', { what: words('年检', 'inspection') });

async function insertInspections(tx: Db, campaign: CampaignRow, accountIds: string[], now: Date) {
  if (!accountIds.length) return [];
  const reminder = campaign.deadline > now ? nextReminderAt(campaign.deadline, now) : null;
  const rows = await tx.insert(inspections)
    .values(accountIds.map((accountId) => ({ campaignId: campaign.id, accountId, nextReminderAt: reminder, createdAt: now, updatedAt: now })))
    .onConflictDoNothing().returning({ id: inspections.id });
  for (const r of rows) await enqueue(tx, 'inspection.opened', { inspectionId: r.id });
  return rows;
}

/** 年度检查: one campaign per year opens one inspection per registered account. */
export async function createCampaign(db: Db, deps: ServiceDeps, actor: Person, input: { year: number; deadline: Date; graceUntil?: Date }) {
  const id = await inTransaction(db, deps, async (tx) => {
    requireRole(actor, 'publicity', 'admin');
    const now = deps.now();
    // A deadline already past (a slip of the year, say) would let the sweep close the campaign within
    // seconds, and with it expire every earlier year's pass code: refused, not taken as an order.
    if (input.deadline.getTime() <= now.getTime()) {
      throw invalidField('deadline', words('自查截止时间须晚于当前时间', 'must be in the future'));
    }
    await lockCampaignYear(tx, input.year);
    const [existing] = await tx.select({ id: inspectionCampaigns.id }).from(inspectionCampaigns).where(eq(inspectionCampaigns.year, input.year));
    if (existing) throw new AppError('already_exists', { what: words(`${input.year} 年度年检`, `The campaign for ${input.year}`) }, { field: 'year', campaignId: existing.id });
    const [campaign] = await tx.insert(inspectionCampaigns).values({
      year: input.year, deadline: input.deadline, graceUntil: input.graceUntil ?? graceUntilFor(input.deadline), createdBy: actor.id, createdAt: now,
    }).returning();
    const targets = await tx.select({ id: accounts.id }).from(accounts).where(inArray(accounts.status, [...INSPECTED_STATUSES])).orderBy(asc(accounts.registrationNo));
    const opened = await insertInspections(tx, campaign!, targets.map((t) => t.id), now);
    await appendAudit(tx, { actorId: actor.id, action: 'inspection.campaign_opened', subjectType: 'campaign', subjectId: campaign!.id, at: now, data: { year: input.year, deadline: input.deadline.toISOString(), graceUntil: campaign!.graceUntil.toISOString(), inspections: opened.length } });
    return campaign!.id;
  });
  return getCampaignView(db, id);
}

/** Adds an account to a campaign after it opened (a late registration); no-op if it is already in. */
export async function ensureInspection(db: Db, deps: ServiceDeps, campaignId: string, accountId: string): Promise<string> {
  return inTransaction(db, deps, async (tx) => {
    const [campaign] = await tx.select().from(inspectionCampaigns).where(eq(inspectionCampaigns.id, campaignId));
    if (!campaign) throw campaignNotFound();
    await insertInspections(tx, campaign, [accountId], deps.now());
    const [row] = await tx.select({ id: inspections.id }).from(inspections).where(and(eq(inspections.campaignId, campaignId), eq(inspections.accountId, accountId)));
    return row!.id;
  });
}

export async function campaignForYear(db: Db, year: number) {
  const [campaign] = await db.select().from(inspectionCampaigns).where(eq(inspectionCampaigns.year, year));
  return campaign ?? null;
}

export async function getCampaignView(db: Db, campaignId: string, actor?: Person) {
  if (actor) requireRole(actor, 'publicity', 'admin');
  const [campaign] = await db.select().from(inspectionCampaigns).where(eq(inspectionCampaigns.id, campaignId));
  if (!campaign) throw campaignNotFound();
  const rows = await db.select({ i: inspections, name: accounts.name }).from(inspections).innerJoin(accounts, eq(accounts.id, inspections.accountId))
    .where(eq(inspections.campaignId, campaignId)).orderBy(asc(accounts.registrationNo));
  return {
    id: campaign.id, year: campaign.year, deadline: campaign.deadline.toISOString(), graceUntil: campaign.graceUntil.toISOString(),
    closedAt: campaign.closedAt?.toISOString() ?? null, createdAt: campaign.createdAt.toISOString(),
    inspections: rows.map(({ i, name }) => ({ id: i.id, accountId: i.accountId, accountName: name, status: i.status, result: i.result, gradedAt: i.gradedAt?.toISOString() ?? null })),
  };
}

/**
 * Closing a campaign ends the grace period and expires every earlier year's code that is still live
 * (a code lives until the next year's campaign closes). Run by publicity staff or by the sweep.
 */
export async function closeCampaign(db: Db, deps: ServiceDeps, actor: Person | null, campaignId: string) {
  await inTransaction(db, deps, async (tx) => {
    if (actor) requireRole(actor, 'publicity', 'admin');
    const [campaign] = await tx.select().from(inspectionCampaigns).where(eq(inspectionCampaigns.id, campaignId)).for('update');
    if (!campaign) throw campaignNotFound();
    if (campaign.closedAt) throw new AppError('conflict', { reasonZh: `${campaign.year} 年度年检已结束`, reasonEn: `the ${campaign.year} campaign is already closed` }, { closedAt: campaign.closedAt.toISOString() });
    // Closing ends the earlier years' codes at once, so every account still reporting would lose its
    // right to publish: by hand, only once self-reports are due (the grace period may be cut short).
    if (deps.now() < campaign.deadline) {
      throw new AppError('conflict', {
        reasonZh: `自查截止时间 ${cstReadable(campaign.deadline)} 之前不能结束年检：结束会使此前年度的审查合格编码全部失效`,
        reasonEn: `the campaign cannot be closed before its self-report deadline (${cstReadable(campaign.deadline, 'en')}): closing ends every earlier year's pass code`,
      }, { deadline: campaign.deadline.toISOString() });
    }
    await closeLocked(tx, campaign, actor?.id ?? null, deps.now());
  });
  return getCampaignView(db, campaignId);
}

async function closeLocked(tx: Db, campaign: CampaignRow, actorId: string | null, now: Date) {
  await tx.update(inspectionCampaigns).set({ closedAt: now }).where(eq(inspectionCampaigns.id, campaign.id));
  const expired = await tx.update(inspectionCodes).set({ expiredAt: now })
    .where(and(lt(inspectionCodes.year, campaign.year), isNull(inspectionCodes.expiredAt), isNull(inspectionCodes.revokedAt)))
    .returning({ code: inspectionCodes.code });
  await appendAudit(tx, { actorId, action: 'inspection.campaign_closed', subjectType: 'campaign', subjectId: campaign.id, at: now, data: { year: campaign.year, expiredCodes: expired.map((e) => e.code) } });
}

async function lockInspection(tx: Db, id: string) {
  const [row] = await tx.select({ i: inspections, c: inspectionCampaigns }).from(inspections)
    .innerJoin(inspectionCampaigns, eq(inspectionCampaigns.id, inspections.campaignId)).where(eq(inspections.id, id)).for('update', { of: inspections });
  if (!row) throw inspectionNotFound();
  return row;
}

function inspectionStep(i: Pick<InspectionRow, 'status'>, move: 'self_report' | GradeResult): InspectionStatus {
  const next = nextInspectionStatus(i.status, move);
  if (!next) {
    throw new AppError('inspection_transition', {
      status: i.status, statusZh: registryLabel('inspectionStatus', i.status), actionZh: registryLabel('inspectionMove', move), actionEn: registryLabel('inspectionMove', move, 'en'),
    }, { status: i.status, action: move });
  }
  return next;
}

/** What this system already knows about an account's year: the self-report is prefilled from it. */
export async function prefillFor(db: Db, accountId: string, year: number, now: Date) {
  const from = cstYearStart(year);
  const until = new Date(Math.min(now.getTime(), cstYearStart(year + 1).getTime()));
  const [counts] = await db.select({
    approved: sql<number>`count(*) filter (where ${drafts.status} = 'approved')::int`,
    retracted: sql<number>`count(*) filter (where ${drafts.status} = 'retracted')::int`,
    last: sql<string | null>`max(${drafts.closedAt}) filter (where ${drafts.status} = 'approved')`,
  }).from(draftAccounts).innerJoin(drafts, eq(drafts.id, draftAccounts.draftId))
    .where(and(eq(draftAccounts.accountId, accountId), gte(drafts.closedAt, from), lte(drafts.closedAt, until)));
  const roles = await db.select({ role: accountRoles.role, endsAt: accountRoles.endsAt }).from(accountRoles).where(and(eq(accountRoles.accountId, accountId), isNull(accountRoles.endedAt)));
  const live = roles.filter((r) => !r.endsAt || r.endsAt > now);
  const count = (role: string) => live.filter((r) => r.role === role).length;
  return {
    team: { admins: count('admin'), operators: count('operator'), reviewers: count('reviewer'), commentators: count('commentator') },
    commentatorPresent: count('commentator') > 0,
    reviewCompliance: { approvedDrafts: counts?.approved ?? 0, retractedDrafts: counts?.retracted ?? 0, lastApprovedAt: counts?.last ? new Date(counts.last).toISOString() : null },
  };
}

export interface SelfReportInput {
  updateFrequency?: string;
  incidents?: { kind: string; description: string; at?: string }[];
  team?: { admins?: number; operators?: number; reviewers?: number; commentators?: number; notes?: string };
  commentatorPresent?: boolean;
  reviewCompliance?: { unreviewedPublications?: number; notes?: string };
  notes?: string;
}

/** 自查: the account's owner, role holders or unit file it; what the system knows is filled in. */
export async function fileSelfReport(db: Db, deps: ServiceDeps, actor: Person, inspectionId: string, input: SelfReportInput) {
  await inTransaction(db, deps, async (tx) => {
    const { i, c } = await lockInspection(tx, inspectionId);
    const [account] = await tx.select().from(accounts).where(eq(accounts.id, i.accountId));
    if (!(await canManage(tx, actor, account!, false))) throw new AppError('forbidden', {}, { reason: words('自查只能由账号负责人、账号岗位人员或所属单位填报', 'only the account owner, its role holders or its unit file the self-report') });
    // Late reports are taken (and marked late in the audit): after the campaign closes, a report is
    // still what a late-registered account or a rectification's re-inspection needs.
    const next = inspectionStep(i, 'self_report');
    const now = deps.now();
    const prefill = await prefillFor(tx, i.accountId, c.year, now);
    const report: SelfReport = {
      // The unit's own words, as if typed on the (Chinese) form: the record, not a bilingual label.
      updateFrequency: input.updateFrequency ?? `本年度经审核发布 ${prefill.reviewCompliance.approvedDrafts} 篇`,
      incidents: input.incidents ?? [],
      team: { ...prefill.team, ...input.team },
      commentatorPresent: input.commentatorPresent ?? prefill.commentatorPresent,
      reviewCompliance: { approvedDrafts: prefill.reviewCompliance.approvedDrafts, unreviewedPublications: input.reviewCompliance?.unreviewedPublications ?? 0, ...(input.reviewCompliance?.notes ? { notes: input.reviewCompliance.notes } : {}) },
      ...(input.notes ? { notes: input.notes } : {}),
    };
    await tx.update(inspections).set({ status: next, selfReport: report, selfReportedAt: now, selfReportedBy: actor.id, nextReminderAt: null, updatedAt: now }).where(eq(inspections.id, i.id));
    await appendAudit(tx, { actorId: actor.id, action: 'inspection.self_reported', subjectType: 'inspection', subjectId: i.id, at: now, data: { accountId: i.accountId, year: c.year, late: now > c.deadline, report: report as unknown as Record<string, unknown> } });
  });
  return getInspectionView(db, deps, actor, inspectionId);
}

export interface GradeInput {
  result: GradeResult;
  findings?: string;
  autoFailItems?: AutoFailItem[];
  rectifyDeadline?: Date;
  interview?: { heldAt: Date; attendees: string[]; notes: string };
  /** On fail: suspend (default) or shut the account down. */
  accountAction?: 'suspend' | 'shut_down';
  /** The status the grader saw (see gradeInspection). */
  expectedStatus?: InspectionStatus;
}

async function issueCode(tx: Db, account: { id: string; platform: string }, inspectionId: string, year: number, actorId: string, now: Date): Promise<string> {
  const [counter] = await tx.insert(inspectionCodeCounters).values({ year, platform: account.platform, last: 1 })
    .onConflictDoUpdate({ target: [inspectionCodeCounters.year, inspectionCodeCounters.platform], set: { last: sql`${inspectionCodeCounters.last} + 1` } })
    .returning({ last: inspectionCodeCounters.last });
  const code = formatInspectionCode({ year, platform: account.platform as Platform, sequence: counter!.last });
  await tx.insert(inspectionCodes).values({ code, accountId: account.id, inspectionId, year, platform: account.platform, sequence: counter!.last, issuedAt: now, issuedBy: actorId });
  await appendAudit(tx, { actorId, action: 'inspection.code_issued', subjectType: 'inspection_code', subjectId: code, at: now, data: { accountId: account.id, inspectionId, year } });
  return code;
}

/**
 * 评定: the publicity department grades. Pass issues the year's code (and reinstates an account under
 * rectification); rectify records the interview and a deadline and puts the account under
 * rectification; fail suspends or shuts the account down.
 */
export async function gradeInspection(db: Db, deps: ServiceDeps, actor: Person, inspectionId: string, input: GradeInput) {
  await inTransaction(db, deps, async (tx) => {
    requireRole(actor, 'publicity', 'admin');
    const { i, c } = await lockInspection(tx, inspectionId);
    // Two graders at once: the second sees the first's grade and decides again, rather than
    // re-grading unawares (rectifying → fail would otherwise be taken as a re-inspection).
    if (input.expectedStatus && i.status !== input.expectedStatus) {
      throw new AppError('conflict', { reasonZh: `年检状态已变为“${registryLabel('inspectionStatus', i.status)}”（有人刚刚评定），请刷新后再评定`, reasonEn: `the inspection is now ${registryLabel('inspectionStatus', i.status, 'en')} (someone graded it meanwhile); reload, then grade` }, { field: 'expectedStatus', status: i.status });
    }
    const next = inspectionStep(i, input.result);
    const now = deps.now();
    const autoFail = [...new Set([...(input.autoFailItems ?? []), ...(i.selfReport ? autoFailFromSelfReport({ incidents: i.selfReport.incidents, unreviewedPublications: i.selfReport.reviewCompliance?.unreviewedPublications }) : [])])];
    const problems = gradeProblems({ result: input.result, autoFailItems: autoFail, rectifyDeadline: input.rectifyDeadline ?? null, findings: input.findings }, now);
    const rectifyDeadline = input.result === 'rectify' ? rectifyDeadlineOf(input.rectifyDeadline, now) : null;
    if (problems.length) {
      // Each problem under its field's name in the reader's language (details carry the field itself).
      const FIELD = { result: ['评定结论', 'result'], findings: ['检查发现', 'findings'], rectifyDeadline: ['整改期限', 'rectifyDeadline'] } as const;
      const text = (p: (typeof problems)[number], en: boolean) => `${FIELD[p.field][en ? 1 : 0]}${en ? ': ' : '：'}${
        p.code === 'auto_fail' ? `${en ? 'automatic-fail items require fail' : '存在一票否决项，须评定为不合格'}（${(p.items ?? []).map((x) => AUTO_FAIL_LABELS[x][en ? 1 : 0]).join('、')}）`
        : p.code === 'findings_required' ? (en ? 'say what the problems are when the result is not a pass' : '评定为须整改或不合格时，须写明存在的问题')
        : (en ? 'must be in the future' : '整改期限须晚于当前时间')}`;
      throw new AppError('grade_inconsistent', { problemsZh: problems.map((p) => text(p, false)).join('；'), problemsEn: problems.map((p) => text(p, true)).join('; ') },
        { fields: problems.map((p) => ({ path: p.field, code: p.code, items: p.items })) });
    }
    let account = await lockAccount(tx, i.accountId);
    // A shut-down, deregistered or never-registered account has nothing left to grade.
    if (!(INSPECTED_STATUSES as readonly string[]).includes(account.status)) accountStep(account, input.result === 'pass' ? 'reinstate' : 'suspend');
    let code: string | null = null;
    if (input.result === 'pass') {
      if (account.status === 'rectifying' || account.status === 'suspended') account = await moveAccount(tx, account, 'reinstate', actor.id, now, `${c.year} 年度年检合格 / passed the ${c.year} inspection`);
      const [held] = await tx.select({ code: inspectionCodes.code }).from(inspectionCodes).where(and(eq(inspectionCodes.accountId, account.id), eq(inspectionCodes.year, c.year), isNull(inspectionCodes.revokedAt)));
      code = held?.code ?? (await issueCode(tx, account, i.id, c.year, actor.id, now));
    } else if (input.result === 'rectify') {
      if (account.status !== 'rectifying') account = await moveAccount(tx, account, 'rectify', actor.id, now, input.findings ?? `${c.year} 年度年检须整改 / rectification required`);
    } else {
      const command = input.accountAction === 'shut_down' ? 'shut_down' : account.status === 'suspended' ? null : 'suspend';
      if (command) account = await moveAccount(tx, account, command, actor.id, now, input.findings ?? `${c.year} 年度年检不合格 / failed the ${c.year} inspection`);
      // A failed year's inspection ends what an earlier pass vouched for: the earlier code would
      // otherwise let the account publish again on reinstatement, and verify as valid meanwhile.
      await revokeEarlierCodes(tx, account.id, c.year, actor.id, now, `${c.year} 年度年检不合格 / failed the ${c.year} inspection`);
    }
    await tx.update(inspections).set({
      status: next, result: input.result, findings: input.findings ?? null, autoFailItems: autoFail, gradedAt: now, gradedBy: actor.id,
      // Only a rectify grade sets a deadline; a pass or a fail ends the rectification (its deadline
      // stays in the gradings' record), as the account's own deadline ends when it leaves rectifying.
      rectifyDeadline: input.result === 'rectify' ? rectifyDeadline : null, escalatedAt: null, nextReminderAt: null, updatedAt: now,
    }).where(eq(inspections.id, i.id));
    await tx.insert(inspectionGradings).values({ inspectionId: i.id, result: input.result, findings: input.findings ?? null, autoFailItems: autoFail, rectifyDeadline, gradedBy: actor.id, at: now });
    if (input.interview) await insertInterview(tx, actor.id, i, input.interview, now, 'interview.heldAt');
    await appendAudit(tx, { actorId: actor.id, action: 'inspection.graded', subjectType: 'inspection', subjectId: i.id, at: now, data: { accountId: i.accountId, year: c.year, result: input.result, findings: input.findings ?? null, autoFailItems: autoFail, rectifyDeadline: rectifyDeadline?.toISOString() ?? null, code } });
    await enqueue(tx, 'inspection.graded', { inspectionId: i.id, result: input.result });
  });
  return getInspectionView(db, deps, actor, inspectionId);
}

/** A 约谈 is recorded once held: not dated in the future (`field`: where the caller gave the time). */
async function insertInterview(tx: Db, actorId: string, i: InspectionRow, interview: { heldAt: Date; attendees: string[]; notes: string }, now: Date, field: string) {
  if (isAhead(interview.heldAt, now)) throw invalidField(field, words('约谈须已举行，不能晚于当前时间', 'must not be in the future: an interview is recorded once held'));
  const [row] = await tx.insert(inspectionInterviews).values({ inspectionId: i.id, accountId: i.accountId, heldAt: interview.heldAt, attendees: interview.attendees, notes: interview.notes, recordedBy: actorId, createdAt: now }).returning({ id: inspectionInterviews.id });
  await appendAudit(tx, { actorId, action: 'inspection.interview_recorded', subjectType: 'inspection', subjectId: i.id, at: now, data: { interviewId: row!.id, heldAt: interview.heldAt.toISOString(), attendees: interview.attendees } });
}

/** 约谈记录: publicity staff record an interview with the people responsible. */
export async function recordInterview(db: Db, deps: ServiceDeps, actor: Person, inspectionId: string, interview: { heldAt: Date; attendees: string[]; notes: string }) {
  await inTransaction(db, deps, async (tx) => {
    requireRole(actor, 'publicity', 'admin');
    const { i } = await lockInspection(tx, inspectionId);
    await insertInterview(tx, actor.id, i, interview, deps.now(), 'heldAt');
  });
  return getInspectionView(db, deps, actor, inspectionId);
}

/** A pass code as typed → its canonical form, or the 400 (malformed) / 404 (mistyped) its holder sees. */
export function parseCodeOrThrow(input: string): string {
  const error = inspectionCodeError(input);
  // The caller's text goes back into the message, so only as much of it as a code could be (cut
  // by code point: a cut between the halves of a surrogate pair would leave a lone surrogate).
  const chars = Array.from(input);
  const shown = chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : input;
  if (error === 'malformed') throw new AppError('code_malformed', { code: shown }, [{ path: 'code', in: 'path', message: words('不是审查合格编码', 'not an inspection pass code') }]);
  // Well-formed but failing its check character: a typo, so it cannot be in the registry.
  if (error === 'check_failed') throw new AppError('code_not_found', { code: shown }, { field: 'code', reason: 'check_failed' });
  return parseInspectionCode(input)!.code;
}

/** Revokes an account's live codes (neither revoked nor expired) of years before `year`, each on the record with its reason. */
async function revokeEarlierCodes(tx: Db, accountId: string, year: number, actorId: string, now: Date, reason: string) {
  const revoked = await tx.update(inspectionCodes).set({ revokedAt: now, revokedBy: actorId, revokedReason: reason })
    .where(and(eq(inspectionCodes.accountId, accountId), lt(inspectionCodes.year, year), isNull(inspectionCodes.revokedAt), isNull(inspectionCodes.expiredAt)))
    .returning({ code: inspectionCodes.code });
  for (const { code } of revoked) await appendAudit(tx, { actorId, action: 'inspection.code_revoked', subjectType: 'inspection_code', subjectId: code, at: now, data: { accountId, reason } });
}

/** 撤销: publicity staff revoke a code with a reason; the code stays on record, shown as revoked. */
export async function revokeCode(db: Db, deps: ServiceDeps, actor: Person, input: string, reason: string) {
  const code = parseCodeOrThrow(input);
  await inTransaction(db, deps, async (tx) => {
    requireRole(actor, 'publicity', 'admin');
    const [row] = await tx.select().from(inspectionCodes).where(eq(inspectionCodes.code, code)).for('update');
    if (!row) throw new AppError('code_not_found', { code });
    if (row.revokedAt) throw new AppError('conflict', { reasonZh: '该编码已撤销', reasonEn: 'the code is already revoked' }, { revokedAt: row.revokedAt.toISOString() });
    const now = deps.now();
    await tx.update(inspectionCodes).set({ revokedAt: now, revokedBy: actor.id, revokedReason: reason }).where(eq(inspectionCodes.id, row.id));
    await appendAudit(tx, { actorId: actor.id, action: 'inspection.code_revoked', subjectType: 'inspection_code', subjectId: code, at: now, data: { accountId: row.accountId, reason } });
    await enqueue(tx, 'inspection.code_revoked', { code, accountId: row.accountId, reason });
  });
  return { ...(await verifyCode(db, deps, code)), revokedReason: reason };
}

/**
 * The few columns the public check shows, in one prepared statement per database client: this is the
 * hottest read (every QR scan), and building a four-table select per request cost more than running it.
 */
const verifyStatements = new WeakMap<object, ReturnType<typeof prepareVerify>>();
function prepareVerify(db: Db) {
  return db.select({
    code: inspectionCodes.code, year: inspectionCodes.year, issuedAt: inspectionCodes.issuedAt, revokedAt: inspectionCodes.revokedAt,
    expiredAt: inspectionCodes.expiredAt, result: inspections.result,
    accountName: accounts.name, platform: accounts.platform, accountStatus: accounts.status, registrationNo: accounts.registrationNo, unit: units.name,
  }).from(inspectionCodes)
    .innerJoin(accounts, eq(accounts.id, inspectionCodes.accountId)).innerJoin(units, eq(units.id, accounts.unitId)).innerJoin(inspections, eq(inspections.id, inspectionCodes.inspectionId))
    .where(eq(inspectionCodes.code, sql.placeholder('code')))
    .prepare('verify_code');
}
type VerifyRow = Awaited<ReturnType<ReturnType<typeof prepareVerify>['execute']>>[number];

/**
 * Codes change rarely and are checked often: each process keeps, per code as asked, the row and the
 * finished answer (its JSON and ETag, made once, not per request) for a few seconds. A commit in
 * this process clears it (see inTransaction), so a revocation shows at once here and within
 * VERIFY_CACHE_MS in every other process.
 */
export const VERIFY_CACHE_MS = 5_000;
interface CachedCode { row: VerifyRow | null; made?: VerifiedAnswer & { expired: boolean; publicUrl: string } }
export const verifyCache = perDatabase(() => new TtlCache<CachedCode>(VERIFY_CACHE_MS));
onCommit((db) => verifyCache.clear(db));

export type Verification = ReturnType<typeof verificationOf>;
/** A public answer ready to send: the object, its JSON and a weak ETag of that JSON. */
export interface VerifiedAnswer { answer: Verification; json: string; etag: string }

async function findCode(db: Db, code: string): Promise<VerifyRow | null> {
  let statement = verifyStatements.get(db);
  if (!statement) verifyStatements.set(db, (statement = prepareVerify(db)));
  const [row] = await statement.execute({ code });
  return row ?? null;
}

/** Has the code's expiry passed at `now`? The only way the answer for one row depends on the time. */
const expiredAt = (row: VerifyRow, now: Date) => row.expiredAt !== null && row.expiredAt.getTime() <= now.getTime();

function verificationOf(row: VerifyRow, now: Date, publicUrl: string) {
  const status = codeStatus(row, now);
  return {
    code: row.code,
    valid: status === 'valid' && isInService(row.accountStatus),
    status,
    year: row.year,
    result: row.result ?? 'pass',
    issuedAt: row.issuedAt.toISOString(),
    // That and when, not why: the reason is the publicity department's internal record.
    revokedAt: row.revokedAt?.toISOString() ?? null,
    expiredAt: expiredAt(row, now) ? row.expiredAt!.toISOString() : null,
    account: { name: row.accountName, platform: row.platform, unit: row.unit, status: row.accountStatus, registrationNo: row.registrationNo },
    verifyUrl: `${publicUrl}/verify/${encodeURIComponent(row.code)}`,
  };
}

/**
 * Public verification of a pass code, ready to send. The cache is keyed by the code as typed (the
 * QR codes carry the canonical form), so a cached code is neither parsed nor serialized again; a
 * malformed code is never cached (it throws its 400 or 404 every time). The answer depends on the
 * language of nobody (no text in it), on PUBLIC_URL and, through expiry, on the time: it is remade
 * when either differs from what it was made for.
 */
export async function verifiedAnswer(db: Db, deps: Pick<ServiceDeps, 'now' | 'config'>, input: string): Promise<VerifiedAnswer> {
  const cache = verifyCache.of(db);
  let cached = cache.get(input);
  if (!cached) {
    const code = parseCodeOrThrow(input);
    cached = { row: await findCode(db, code) };
    cache.set(input, cached);
  }
  const { row } = cached;
  if (!row) throw new AppError('code_not_found', { code: parseCodeOrThrow(input) });
  const now = deps.now();
  const made = cached.made;
  if (made && made.expired === expiredAt(row, now) && made.publicUrl === deps.config.publicUrl) return made;
  const answer = verificationOf(row, now, deps.config.publicUrl);
  const json = JSON.stringify(answer);
  cached.made = { answer, json, etag: weakEtag(json), expired: expiredAt(row, now), publicUrl: deps.config.publicUrl };
  return cached.made;
}

/** Public verification of a pass code: what anyone scanning the QR code sees. */
export async function verifyCode(db: Db, deps: Pick<ServiceDeps, 'now' | 'config'>, input: string): Promise<Verification> {
  return (await verifiedAnswer(db, deps, input)).answer;
}

export async function getInspectionView(db: Db, deps: Pick<ServiceDeps, 'now'>, actor: Person, inspectionId: string) {
  const [row] = await db.select({ i: inspections, c: inspectionCampaigns, a: accounts }).from(inspections)
    .innerJoin(inspectionCampaigns, eq(inspectionCampaigns.id, inspections.campaignId)).innerJoin(accounts, eq(accounts.id, inspections.accountId))
    .where(eq(inspections.id, inspectionId));
  if (!row) throw inspectionNotFound();
  if (!(await canManage(db, actor, row.a))) throw new AppError('forbidden');
  const { i, c, a } = row;
  const now = deps.now();
  const gradings = await db.select().from(inspectionGradings).where(eq(inspectionGradings.inspectionId, i.id)).orderBy(asc(inspectionGradings.at), asc(inspectionGradings.seq));
  const interviews = await db.select().from(inspectionInterviews).where(eq(inspectionInterviews.inspectionId, i.id)).orderBy(asc(inspectionInterviews.heldAt));
  const [code] = await db.select().from(inspectionCodes).where(eq(inspectionCodes.inspectionId, i.id));
  const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;
  return {
    id: i.id, campaignId: c.id, year: c.year, deadline: c.deadline.toISOString(), accountId: a.id, accountName: a.name, accountStatus: a.status,
    status: i.status, result: i.result, findings: i.findings, autoFailItems: i.autoFailItems, gradedAt: iso(i.gradedAt), gradedBy: i.gradedBy,
    rectifyDeadline: iso(i.rectifyDeadline), selfReport: i.selfReport, selfReportedAt: iso(i.selfReportedAt),
    prefill: i.status === 'passed' || i.status === 'failed' ? null : await prefillFor(db, a.id, c.year, now),
    code: code ? { code: code.code, status: codeStatus(code, now), issuedAt: code.issuedAt.toISOString() } : null,
    gradings: gradings.map((g) => ({ result: g.result, findings: g.findings, autoFailItems: g.autoFailItems, rectifyDeadline: iso(g.rectifyDeadline), gradedBy: g.gradedBy, at: g.at.toISOString() })),
    interviews: interviews.map((v) => ({ id: v.id, heldAt: v.heldAt.toISOString(), attendees: v.attendees, notes: v.notes, recordedBy: v.recordedBy })),
    evidence: i.evidence,
  };
}

/** Files per upload, and per self-report in all: evidence, not an archive. */
export const EVIDENCE_PER_UPLOAD = 5;
export const EVIDENCE_PER_INSPECTION = 20;

/**
 * 佐证材料: files attached to an inspection's self-report by those who file it, while it may still be
 * filed (open, self-reported, rectifying). Checked like a draft's files (type by the bytes, size),
 * stored before the transaction (content-addressed), audited; the same bytes twice are one file.
 */
export async function addEvidence(db: Db, deps: FileDeps, actor: Person, inspectionId: string, uploads: Upload[]) {
  if (!uploads.length) throw new AppError('file_missing', { field: 'files' }, [{ path: 'files', in: 'body', message: words('至少须上传一个文件（multipart 字段 "files"）', 'at least one file is required (multipart field "files")') }]);
  if (uploads.length > EVIDENCE_PER_UPLOAD) {
    throw invalidField('files', words(`每次最多上传 ${EVIDENCE_PER_UPLOAD} 个文件`, `at most ${EVIDENCE_PER_UPLOAD} files per upload`));
  }
  // Who may add is checked before any bytes are stored.
  await evidenceOwner(db, actor, inspectionId);
  const accepted: Awaited<ReturnType<typeof acceptUpload>>[] = [];
  for (const u of uploads) accepted.push(await acceptUpload(deps, u));
  await inTransaction(db, deps, async (tx) => {
    const { i, c } = await lockInspection(tx, inspectionId);
    inspectionStep(i, 'self_report');
    const now = deps.now();
    const fresh = accepted.filter((f, n) => !i.evidence.some((e) => e.sha256 === f.sha256) && accepted.findIndex((g) => g.sha256 === f.sha256) === n)
      .map((f) => ({ ...f, uploadedBy: actor.id, uploadedAt: now.toISOString() }));
    if (i.evidence.length + fresh.length > EVIDENCE_PER_INSPECTION) {
      throw invalidField('files', words(`每份自查报告最多 ${EVIDENCE_PER_INSPECTION} 个佐证文件`, `at most ${EVIDENCE_PER_INSPECTION} evidence files per self-report`));
    }
    if (!fresh.length) return;
    await tx.update(inspections).set({ evidence: [...i.evidence, ...fresh], updatedAt: now }).where(eq(inspections.id, i.id));
    await appendAudit(tx, {
      actorId: actor.id, action: 'inspection.evidence_added', subjectType: 'inspection', subjectId: i.id, at: now,
      data: { accountId: i.accountId, year: c.year, files: fresh.map((f) => ({ sha256: f.sha256, name: f.name, type: f.type, size: f.size })) },
    });
  });
  return getInspectionView(db, deps, actor, inspectionId);
}

/** Those who file the self-report (the account's owner, role holders and unit) add its evidence. */
async function evidenceOwner(db: Db, actor: Person, inspectionId: string) {
  const [row] = await db.select({ a: accounts }).from(inspections).innerJoin(accounts, eq(accounts.id, inspections.accountId)).where(eq(inspections.id, inspectionId));
  if (!row) throw inspectionNotFound();
  if (!(await canManage(db, actor, row.a, false))) throw new AppError('forbidden', {}, { reason: words('佐证材料只能由账号负责人、账号岗位人员或所属单位上传', 'only the account owner, its role holders or its unit add evidence') });
}

/** One evidence file, to those who may see the inspection (its account's people and publicity staff). */
export async function evidenceFile(db: Db, deps: FileDeps, actor: Person, inspectionId: string, sha256: string) {
  const view = await getInspectionView(db, deps, actor, inspectionId);
  const file = view.evidence.find((f) => f.sha256 === sha256);
  if (!file) throw new AppError('not_found', { what: words('文件', 'file') });
  return serve(deps, file);
}

/** A campaign's results, one row per inspection (with the code it earned, a live one before a revoked one), for the CSV export. */
export async function campaignResults(db: Db, deps: Pick<ServiceDeps, 'now'>, actor: Person, campaignId: string) {
  requireRole(actor, 'publicity', 'admin');
  const [campaign] = await db.select().from(inspectionCampaigns).where(eq(inspectionCampaigns.id, campaignId));
  if (!campaign) throw campaignNotFound();
  const rows = await db.select({ i: inspections, a: accounts, unit: units.name, owner: people.name })
    .from(inspections).innerJoin(accounts, eq(accounts.id, inspections.accountId)).innerJoin(units, eq(units.id, accounts.unitId)).innerJoin(people, eq(people.id, accounts.ownerId))
    .where(eq(inspections.campaignId, campaignId)).orderBy(asc(accounts.registrationNo), asc(accounts.createdAt));
  const codes = rows.length
    ? await db.select().from(inspectionCodes).where(inArray(inspectionCodes.inspectionId, rows.map((r) => r.i.id))).orderBy(desc(inspectionCodes.issuedAt))
    : [];
  const now = deps.now();
  return {
    campaign,
    rows: rows.map((r) => {
      const mine = codes.filter((c) => c.inspectionId === r.i.id);
      const code = mine.find((c) => codeStatus(c, now) === 'valid') ?? mine[0] ?? null;
      return { ...r, code: code ? { code: code.code, status: codeStatus(code, now) } : null };
    }),
  };
}

export async function listCampaigns(db: Db, actor: Person) {
  requireRole(actor, 'publicity', 'admin');
  // A join, not correlated subqueries: inside a subquery drizzle leaves columns unqualified, so
  // `campaign_id = id` compared the inspection with itself and every count was 0.
  return db.select({
    id: inspectionCampaigns.id, year: inspectionCampaigns.year, deadline: inspectionCampaigns.deadline, graceUntil: inspectionCampaigns.graceUntil, closedAt: inspectionCampaigns.closedAt,
    inspections: sql<number>`count(${inspections.id})::int`,
    passed: sql<number>`(count(*) filter (where ${inspections.status} = 'passed'))::int`,
  }).from(inspectionCampaigns).leftJoin(inspections, eq(inspections.campaignId, inspectionCampaigns.id))
    .groupBy(inspectionCampaigns.id).orderBy(desc(inspectionCampaigns.year));
}

/**
 * 补发: a passed inspection whose code was revoked (say, by mistake, or before the problem was put
 * right) gets a fresh code with a new sequence; the revoked one stays on record as revoked.
 */
export async function reissueCode(db: Db, deps: ServiceDeps, actor: Person, inspectionId: string) {
  const code = await inTransaction(db, deps, async (tx) => {
    requireRole(actor, 'publicity', 'admin');
    const { i, c } = await lockInspection(tx, inspectionId);
    if (i.status !== 'passed') {
      throw new AppError('inspection_transition', { status: i.status, statusZh: registryLabel('inspectionStatus', i.status), actionZh: '发放审查合格编码', actionEn: 'issued a pass code' }, { status: i.status, action: 'issue_code' });
    }
    const account = await lockAccount(tx, i.accountId);
    if (account.status !== 'registered') {
      throw new AppError('account_transition', { status: account.status, statusZh: registryLabel('accountStatus', account.status), actionZh: '发放审查合格编码', actionEn: 'issued a pass code' }, { status: account.status, action: 'issue_code' });
    }
    const [held] = await tx.select({ code: inspectionCodes.code }).from(inspectionCodes).where(and(eq(inspectionCodes.accountId, account.id), eq(inspectionCodes.year, c.year), isNull(inspectionCodes.revokedAt)));
    if (held) throw new AppError('already_exists', { what: words(`${c.year} 年度审查合格编码 ${held.code} `, `The ${c.year} pass code ${held.code}`) }, { code: held.code });
    const issued = await issueCode(tx, account, i.id, c.year, actor.id, deps.now());
    await enqueue(tx, 'inspection.code_issued', { inspectionId: i.id, code: issued });
    return issued;
  });
  return verifyCode(db, deps, code);
}

// ——— Sweeps: due times live in Postgres; each sweep is idempotent (a conditional UPDATE claims the row). ———

/** Owners are reminded before the self-report deadline; publicity staff are told once it has passed. */
export async function sweepSelfReportReminders(db: Db, deps: ServiceDeps, now: Date): Promise<number> {
  return inTransaction(db, deps, async (tx) => {
    let n = 0;
    const due = await tx.select({ i: inspections, deadline: inspectionCampaigns.deadline }).from(inspections)
      .innerJoin(inspectionCampaigns, eq(inspectionCampaigns.id, inspections.campaignId))
      .where(and(eq(inspections.status, 'open'), lte(inspections.nextReminderAt, now), isNull(inspectionCampaigns.closedAt)))
      .for('update', { of: inspections, skipLocked: true });
    for (const { i, deadline } of due) {
      const claimed = await tx.update(inspections).set({ nextReminderAt: deadline > now ? nextReminderAt(deadline, now) : null, remindersSent: i.remindersSent + 1 })
        .where(and(eq(inspections.id, i.id), eq(inspections.nextReminderAt, i.nextReminderAt!))).returning({ id: inspections.id });
      if (!claimed.length || deadline <= now) continue;
      await enqueue(tx, 'inspection.reminder', { inspectionId: i.id, deadline: deadline.toISOString(), reminder: i.remindersSent + 1 });
      n++;
    }
    // Only inspections that existed before the deadline missed it; a late registration did not.
    const overdue = await tx.update(inspections).set({ overdueNotifiedAt: now })
      .where(and(eq(inspections.status, 'open'), isNull(inspections.overdueNotifiedAt),
        sql`exists (select 1 from inspection_campaigns c where c.id = ${inspections.campaignId} and c.deadline <= ${now.toISOString()}::timestamptz and c.closed_at is null and ${inspections.createdAt} < c.deadline)`))
      .returning({ id: inspections.id });
    for (const o of overdue) await enqueue(tx, 'inspection.self_report_overdue', { inspectionId: o.id });
    return n + overdue.length;
  });
}

/**
 * A rectification past its deadline without a re-inspection (seed 004: 逾期未整改): the account is
 * suspended (停更) and the publicity department told, once. Reinstating or shutting it down stays
 * the department's decision.
 */
export async function sweepRectificationOverdue(db: Db, deps: ServiceDeps, now: Date): Promise<number> {
  return inTransaction(db, deps, async (tx) => {
    const overdue = await tx.update(inspections).set({ escalatedAt: now })
      .where(and(eq(inspections.status, 'rectifying'), isNull(inspections.escalatedAt), lte(inspections.rectifyDeadline, now)))
      .returning({ id: inspections.id, accountId: inspections.accountId });
    for (const o of overdue) {
      const account = await lockAccount(tx, o.accountId);
      const suspended = account.status === 'rectifying' || account.status === 'registered';
      if (suspended) await moveAccount(tx, account, 'suspend', null, now, '整改期限已过，未经复查 / rectification deadline passed without re-inspection');
      await enqueue(tx, 'inspection.rectification_overdue', { inspectionId: o.id });
      await appendAudit(tx, { actorId: null, action: 'inspection.rectification_overdue', subjectType: 'inspection', subjectId: o.id, at: now, data: { accountId: o.accountId, suspended } });
    }
    return overdue.length;
  });
}

/** Campaigns close when their grace period ends, which expires the previous year's codes. */
export async function sweepCampaignClose(db: Db, deps: ServiceDeps, now: Date): Promise<number> {
  return inTransaction(db, deps, async (tx) => {
    const due = await tx.select().from(inspectionCampaigns).where(and(isNull(inspectionCampaigns.closedAt), lte(inspectionCampaigns.graceUntil, now))).for('update', { skipLocked: true });
    for (const c of due) await closeLocked(tx, c, null, now);
    return due.length;
  });
}

export const currentInspectionYear = (now: Date) => cstYear(now);

/** Registered in SWEEPS: run every minute, possibly in two processes at once, each safe to repeat. */
export const inspectionSweeps: Sweep[] = [
  { name: 'inspection-self-report-reminders', run: sweepSelfReportReminders },
  { name: 'inspection-rectification-overdue', run: sweepRectificationOverdue },
  { name: 'inspection-campaign-close', run: sweepCampaignClose },
  { name: 'account-dormancy', run: sweepDormancy },
  { name: 'account-rectification-overdue', run: sweepAccountRectificationOverdue },
];

/** A campaign's inspections with their unit, owner and reminder count: what its progress page shows. */
export async function campaignProgress(db: Db, actor: Person, campaignId: string) {
  requireRole(actor, 'publicity', 'admin');
  const [campaign] = await db.select().from(inspectionCampaigns).where(eq(inspectionCampaigns.id, campaignId));
  if (!campaign) throw campaignNotFound();
  const rows = await db.select({
    id: inspections.id, accountId: accounts.id, accountName: accounts.name, platform: accounts.platform, unitId: units.id, unitName: units.name, ownerName: people.name,
    status: inspections.status, result: inspections.result, selfReportedAt: inspections.selfReportedAt, gradedAt: inspections.gradedAt, createdAt: inspections.createdAt,
    remindersSent: inspections.remindersSent, rectifyDeadline: inspections.rectifyDeadline,
  }).from(inspections).innerJoin(accounts, eq(accounts.id, inspections.accountId)).innerJoin(units, eq(units.id, accounts.unitId)).innerJoin(people, eq(people.id, accounts.ownerId))
    .where(eq(inspections.campaignId, campaignId)).orderBy(asc(units.name), asc(accounts.registrationNo));
  return { campaign, rows };
}
