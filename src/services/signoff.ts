import { and, asc, desc, eq, gt, isNull, ne, or, sql, type SQLWrapper } from 'drizzle-orm';
import { rowsOf, type Db } from '../../db/client';
import { prepared, preparedByShape } from '../../db/prepared';
import { auditEvents, decisions, draftAccounts, draftVersions, drafts, linkTokens, people, positionTerms, reviews, units, type AnyPosition, type Decision, type DraftStatus, type Position } from '../../db/schema';
import { CHECKLIST, unticked, type Checklist } from '../domain/checklist';
import { dutyConflict, dutyConflictWords, handOnDeadEnd, handOnDeadEndWords, mayTakeLevel, takersWords, type Command, type DutyConflict, type Signer } from '../domain/signoff';
import { hashToken, randomToken } from '../lib/crypto';
import { AppError, invalidField, words, type ErrorCode } from '../lib/errors';
import { label, readableTime } from '../lib/i18n';
import { appendAudit, auditRows, type AuditInput } from './audit';
import { calendarStamp } from './calendar';
import { currentPositions, findPerson, hasRole, type Person } from './auth';
import { canManage } from './accounts';
import { inTransaction, type ServiceDeps } from './context';
import { currentVersion, draftView, draftViewOf, lockDraft, readDraftView, step, transitioned, type DraftRow, type DraftView } from './drafts';
import { enqueue, message, outboxInsert } from './outbox';
import { assertPublishable } from './publish-gate';
import { appointedDuringReview, decidedJson, holdersJson, reassignReview, reviewToOpen, sharedPositionsLock, termsQuery } from './reviews';

type LinkRow = typeof linkTokens.$inferSelect;
type NewDecision = typeof decisions.$inferInsert;
type NewReview = typeof reviews.$inferInsert;
type DraftSet = ReturnType<typeof transitioned>;
type NewAuditEvent = ReturnType<typeof auditRows>[number];
type NewMessage = ReturnType<typeof message>;
type ReviewRow = typeof reviews.$inferSelect;

const REVIEW_STATUS_OF = { approve: 'approved', return: 'returned', reject: 'rejected' } as const satisfies Record<Decision, string>;

const NEWER_LINK = ['请使用最新通知中的链接', 'use the link in the latest notification'] as const;
const NOTHING_TO_DO = ['您无需再处理', 'there is nothing more for you to do here'] as const;

/** Why a link was superseded, and what its holder does now: only a restarted review sends a newer link. */
const SUPERSEDED_REASONS: Record<string, [string, string, string, string]> = {
  edited: ['稿件已修改，审核从第一级重新开始', 'the draft was edited and review restarted', NEWER_LINK[0], NEWER_LINK[1]],
  retargeted: ['稿件的发布账号已更改，审核从第一级重新开始', 'the draft’s accounts changed and review restarted', NEWER_LINK[0], NEWER_LINK[1]],
  withdrawn: ['稿件已撤回', 'the draft was withdrawn', NOTHING_TO_DO[0], NOTHING_TO_DO[1]],
  succession: ['该岗位已由接任者负责', 'the position has a new holder', NOTHING_TO_DO[0], NOTHING_TO_DO[1]],
  transfer: ['该审核已转交他人', 'the review was transferred', NOTHING_TO_DO[0], NOTHING_TO_DO[1]],
};
const supersededError = (reason: string | null) => {
  const [reasonZh, reasonEn, adviceZh, adviceEn] = SUPERSEDED_REASONS[reason ?? ''] ?? ['已被新的审核取代', 'superseded', NEWER_LINK[0], NEWER_LINK[1]];
  return new AppError('link_superseded', { reasonZh, reasonEn, adviceZh, adviceEn }, reason ? { reason } : undefined);
};

/**
 * Mints a sign-off link at send time: 256 random bits, only the HMAC stored, bound to this review,
 * its version and its assignee, expiring after LINK_TTL_HOURS.
 */
export async function mintLink(tx: Db, deps: ServiceDeps, review: Pick<ReviewRow, 'id' | 'versionId' | 'assigneeId'>): Promise<{ url: string; expiresAt: Date }> {
  const link = await newLink(deps);
  await tx.insert(linkTokens).values({ tokenHash: link.tokenHash, reviewId: review.id, versionId: review.versionId, personId: review.assigneeId, expiresAt: link.expiresAt, createdAt: deps.now() });
  return { url: link.url, expiresAt: link.expiresAt };
}

async function newLink(deps: ServiceDeps) {
  const token = randomToken();
  const expiresAt = new Date(deps.now().getTime() + deps.config.linkTtlHours * 3600_000);
  return { url: `${deps.config.publicUrl}/s/${token}`, tokenHash: await hashToken(deps.config.appSecret, token), expiresAt };
}

/** The link of the review's current version and assignee, inserted only while the review is pending and still that person's. */
const mintIfAssigned = prepared(() => sql<{ minted: number }>`
  insert into ${linkTokens} (token_hash, review_id, version_id, person_id, expires_at, created_at)
  select ${sql.placeholder('tokenHash')}, id, version_id, assignee_id, ${sql.placeholder('expiresAt')}::timestamptz, ${sql.placeholder('now')}::timestamptz
  from ${reviews} where id = ${sql.placeholder('reviewId')} and status = 'pending' and assignee_id = ${sql.placeholder('assigneeId')}
  returning 1 as minted`);

/**
 * mintLink for a message about to be sent, checked and written in one statement (no transaction
 * around a read and an insert): null when the review was decided or handed on meanwhile, so a late
 * message mints nothing.
 */
export async function mintLinkIfAssigned(db: Db, deps: ServiceDeps, review: Pick<ReviewRow, 'id' | 'assigneeId'>): Promise<{ url: string; expiresAt: Date } | null> {
  const link = await newLink(deps);
  const minted = rowsOf(await mintIfAssigned(db, { tokenHash: link.tokenHash, expiresAt: link.expiresAt.toISOString(), now: deps.now().toISOString(), reviewId: review.id, assigneeId: review.assigneeId }));
  return minted.length ? { url: link.url, expiresAt: link.expiresAt } : null;
}

const REVIEW_STATUS_WORDS: Record<string, [string, string]> = {
  approved: ['已批准', 'approved'], returned: ['已退回', 'returned'], rejected: ['不予通过', 'rejected'], superseded: ['已被取代', 'superseded'],
};
/** A review's status in words, for messages (「此审核已结束（已批准）」). */
export const reviewStatusWords = (status: string) => words(...(REVIEW_STATUS_WORDS[status] ?? [status, status]));

/** Why a link cannot be used now, as the error its holder sees; null when it is live. */
function linkProblem(link: Pick<LinkRow, 'usedAt' | 'supersededAt' | 'supersededReason' | 'versionId' | 'personId' | 'expiresAt'>, review: Pick<ReviewRow, 'status' | 'versionId' | 'assigneeId'>, now: Date): AppError | null {
  if (link.usedAt) return new AppError('link_used');
  if (link.supersededAt) {
    return supersededError(link.supersededReason);
  }
  if (review.status !== 'pending') return new AppError('review_closed', { status: reviewStatusWords(review.status) }, { status: review.status });
  if (review.versionId !== link.versionId || review.assigneeId !== link.personId) return supersededError(null);
  if (link.expiresAt.getTime() <= now.getTime()) return new AppError('link_expired', {}, { expiredAt: link.expiresAt.toISOString() });
  return null;
}

async function lookupLink(db: Db, deps: ServiceDeps, token: string): Promise<LinkRow | null> {
  // Forged tokens of any shape simply miss: the lookup is by keyed hash.
  const [link] = token.length > 200 ? [] : await db.select().from(linkTokens).where(eq(linkTokens.tokenHash, await hashToken(deps.config.appSecret, token)));
  return link ?? null;
}

async function findLink(db: Db, deps: ServiceDeps, token: string): Promise<LinkRow> {
  const link = await lookupLink(db, deps, token);
  if (!link) throw new AppError('link_not_found');
  return link;
}

/** The version a live link shows (for its files); throws the link's problem when it is not live. */
export async function liveLinkVersionId(db: Db, deps: ServiceDeps, token: string): Promise<string> {
  const link = await findLink(db, deps, token);
  const [review] = await db.select().from(reviews).where(eq(reviews.id, link.reviewId));
  const problem = linkProblem(link, review!, deps.now());
  if (problem) throw problem;
  return link.versionId;
}

async function liveView(db: Db, link: LinkRow, review: ReviewRow) {
  const [version] = await db.select().from(draftVersions).where(eq(draftVersions.id, link.versionId));
  const [draft] = await db.select().from(drafts).where(eq(drafts.id, review.draftId));
  const [reviewer] = await db.select({ id: people.id, name: people.name }).from(people).where(eq(people.id, link.personId));
  const view = await draftView(db, draft!);
  // Said before the form, not after the reviewer has ticked it all: this person may not decide here.
  const [other] = await otherLevelSigned(db, review);
  const barred = dutyConflict(review.assigneeId, draft!.drafterId, other?.level ?? null);
  return { review, version: version!, draft: view, reviewer: reviewer!, expiresAt: link.expiresAt, barred, handOn: await handOnOf(db, review) };
}

/** Whether a link can decide now, in one read (the page form checks this before reading a body). */
export async function linkIsLive(db: Db, deps: ServiceDeps, token: string): Promise<boolean> {
  if (token.length > 200) return false;
  const [row] = await db
    .select({ link: linkTokens, review: reviews })
    .from(linkTokens)
    .innerJoin(reviews, eq(reviews.id, linkTokens.reviewId))
    .where(eq(linkTokens.tokenHash, await hashToken(deps.config.appSecret, token)));
  return !!row && !linkProblem(row.link, row.review, deps.now());
}

/** What the sign-off page shows: the exact version under review, the level, and the reviewer. */
export async function openLink(db: Db, deps: ServiceDeps, token: string) {
  const link = await findLink(db, deps, token);
  const [review] = await db.select().from(reviews).where(eq(reviews.id, link.reviewId));
  const problem = linkProblem(link, review!, deps.now());
  if (problem) throw problem;
  return liveView(db, link, review!);
}
export type LinkView = Awaited<ReturnType<typeof openLink>>;

/** Where a draft stands now: its status, and the level and person it waits on. */
export interface Standing {
  status: DraftStatus;
  level: Position | null;
  holder: string | null;
}

/** A link that can no longer decide, told in full so that it is not a dead end. */
export interface SpentLink {
  state: 'used' | 'expired' | 'superseded' | 'closed';
  problem: AppError;
  draftId: string;
  title: string;
  versionNo: number;
  level: Position;
  reviewerName: string;
  /** What was decided through this link's review (a used link, or one whose review was decided meanwhile). */
  decided: { decision: Decision; at: Date; by: string; comment: string | null } | null;
  supersededReason: string | null;
  standing: Standing;
  /** The link's holder has a pending review of this draft now, so a fresh link can be sent to them. */
  resendable: boolean;
  /** A fresh link was sent for that review within RESEND_INTERVAL_MS: when, and from when another may be asked for. */
  resent: { at: Date; again: Date } | null;
  /** The review the link belonged to (its entry in the record). */
  reviewId: string;
}

export type LinkState = { state: 'live'; view: LinkView } | SpentLink | { state: 'unknown' };

const STATE_OF: Partial<Record<ErrorCode, SpentLink['state']>> = { link_used: 'used', link_expired: 'expired', link_superseded: 'superseded', review_closed: 'closed' };

/** The pending review of a draft (at most one is open at a time) with its holder's name. */
async function pendingOf(db: Db, draftId: string) {
  const [row] = await db
    .select({ review: reviews, holder: people.name })
    .from(reviews)
    .innerJoin(people, eq(people.id, reviews.assigneeId))
    .where(and(eq(reviews.draftId, draftId), eq(reviews.status, 'pending')))
    .orderBy(desc(reviews.createdAt))
    .limit(1);
  return row ?? null;
}

/** Everything a link can say about itself, live or not; the page renders each state. Never throws for a bad link. */
export async function inspectLink(db: Db, deps: ServiceDeps, token: string): Promise<LinkState> {
  const link = await lookupLink(db, deps, token);
  if (!link) return { state: 'unknown' };
  const [review] = await db.select().from(reviews).where(eq(reviews.id, link.reviewId));
  const problem = linkProblem(link, review!, deps.now());
  if (!problem) return { state: 'live', view: await liveView(db, link, review!) };
  const [version] = await db.select().from(draftVersions).where(eq(draftVersions.id, link.versionId));
  const [draft] = await db.select().from(drafts).where(eq(drafts.id, review!.draftId));
  const [reviewer] = await db.select({ name: people.name }).from(people).where(eq(people.id, link.personId));
  const [decided] = await db
    .select({ decision: decisions.decision, at: decisions.createdAt, by: people.name, comment: decisions.comment })
    .from(decisions)
    .innerJoin(people, eq(people.id, decisions.personId))
    .where(eq(decisions.reviewId, review!.id));
  const pending = await pendingOf(db, draft!.id);
  const resendable = pending?.review.assigneeId === link.personId;
  const resentAt = resendable ? await lastResend(db, pending.review.id, deps.now()) : null;
  return {
    state: STATE_OF[problem.code] ?? 'closed',
    problem,
    draftId: draft!.id,
    title: version!.title,
    versionNo: version!.no,
    level: review!.level,
    reviewerName: reviewer!.name,
    decided: decided ?? null,
    supersededReason: link.supersededReason,
    standing: { status: draft!.status, level: pending?.review.level ?? null, holder: pending?.holder ?? null },
    resendable,
    resent: resentAt ? { at: resentAt, again: new Date(resentAt.getTime() + RESEND_INTERVAL_MS) } : null,
    reviewId: review!.id,
  };
}

/** A review's hand-on (转交) to its present holder: who handed it on, when and why. */
export interface HandOn {
  byName: string;
  at: Date;
  reason: string;
  level: Position;
}

/**
 * How the review came to its present holder, when it was handed on to them (转交): the transfer's
 * audit event of this very assignment (to this holder, at the moment it was assigned), so a later
 * succession or a second transfer never shows an earlier transfer's reason. Null otherwise.
 */
export async function handOnOf(db: Db, review: Pick<ReviewRow, 'id' | 'assigneeId' | 'assignedAt' | 'level'>): Promise<HandOn | null> {
  const [row] = await db
    .select({ byName: people.name, at: auditEvents.at, data: auditEvents.data })
    .from(auditEvents)
    .innerJoin(people, eq(people.id, auditEvents.actorId))
    .where(and(
      eq(auditEvents.subjectType, 'review'), eq(auditEvents.subjectId, review.id), eq(auditEvents.action, 'review.transferred'),
      eq(auditEvents.at, review.assignedAt), sql`${auditEvents.data}->>'to' = ${review.assigneeId}`,
    ))
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  return row ? { byName: row.byName, at: row.at, reason: String(row.data['reason'] ?? ''), level: review.level } : null;
}

/**
 * The draft's unit as its chain sees it: each active member (its staff and whoever holds a position
 * in it) with the positions held there and the levels of this draft signed. Who may take a level
 * handed on, and whether the chain can still finish, are decided from this (domain/signoff).
 */
export async function signersOf(db: Db, draft: { id: string; unitId: string }): Promise<Array<Signer & { name: string }>> {
  const [members, signed] = await Promise.all([
    db
      .selectDistinct({ id: people.id, name: people.name, position: positionTerms.position })
      .from(people)
      .leftJoin(positionTerms, and(eq(positionTerms.personId, people.id), eq(positionTerms.unitId, draft.unitId), isNull(positionTerms.endedAt)))
      .where(and(isNull(people.deactivatedAt), or(eq(people.unitId, draft.unitId), and(eq(positionTerms.unitId, draft.unitId), isNull(positionTerms.endedAt)))))
      .orderBy(asc(people.name)),
    db.selectDistinct({ personId: decisions.personId, level: decisions.level }).from(decisions).where(eq(decisions.draftId, draft.id)),
  ]);
  const byId = new Map<string, Signer & { name: string; positions: AnyPosition[]; signed: Position[] }>();
  for (const m of members) {
    const entry = byId.get(m.id) ?? { id: m.id, name: m.name, positions: [], signed: signed.filter((s) => s.personId === m.id).map((s) => s.level) };
    if (m.position) entry.positions.push(m.position);
    byId.set(m.id, entry);
  }
  return [...byId.values()];
}

/** A fresh link may be asked for this often per review: enough for a lost mail, too little to flood anyone. */
export const RESEND_INTERVAL_MS = 10 * 60_000;

/** When a fresh link was last sent for this review within RESEND_INTERVAL_MS before `now`, if it was. */
async function lastResend(db: Db, reviewId: string, now: Date): Promise<Date | null> {
  const [last] = await db
    .select({ at: auditEvents.at })
    .from(auditEvents)
    .where(and(eq(auditEvents.subjectType, 'review'), eq(auditEvents.subjectId, reviewId), eq(auditEvents.action, 'review.link_resent'), gt(auditEvents.at, new Date(now.getTime() - RESEND_INTERVAL_MS))))
    .orderBy(desc(auditEvents.at))
    .limit(1);
  return last?.at ?? null;
}

/**
 * A second tap: the decision a used link recorded on its own review, by its own person, or null.
 * The same decision sent again is answered as the first was (the decided page), not as an error.
 */
export async function decisionOfUsedLink(db: Db, deps: ServiceDeps, token: string): Promise<Decision | null> {
  const link = await lookupLink(db, deps, token);
  if (!link?.usedAt) return null;
  const [recorded] = await db.select({ decision: decisions.decision }).from(decisions).where(and(eq(decisions.reviewId, link.reviewId), eq(decisions.personId, link.personId)));
  return recorded?.decision ?? null;
}

/**
 * 重新发送链接: the holder of a spent link asks for a fresh one. It goes through the outbox to the
 * assignee's own address (never back to whoever holds the old link), only while a review of this
 * draft waits on the link's person, and at most once per RESEND_INTERVAL_MS per review.
 */
export async function resendLink(db: Db, deps: ServiceDeps, token: string): Promise<{ sentTo: string; level: Position }> {
  const link = await findLink(db, deps, token);
  const [ref] = await db.select({ draftId: reviews.draftId }).from(reviews).where(eq(reviews.id, link.reviewId));
  return inTransaction(db, deps, async (tx) => {
    await lockDraft(tx, ref!.draftId);
    const pending = await pendingOf(tx, ref!.draftId);
    if (!pending || pending.review.assigneeId !== link.personId) {
      throw new AppError('conflict', { reasonZh: '目前没有等待您审核的内容，无需新链接', reasonEn: 'nothing awaits your review now, so no new link is needed' });
    }
    const now = deps.now();
    const last = await lastResend(tx, pending.review.id, now);
    if (last) {
      const retry = new Date(last.getTime() + RESEND_INTERVAL_MS);
      throw new AppError('rate_limited', { retryAfter: readableTime(retry) }, { retryAfter: retry.toISOString() });
    }
    await enqueue(tx, 'review.link_resent', { reviewId: pending.review.id });
    await appendAudit(tx, { actorId: link.personId, action: 'review.link_resent', subjectType: 'review', subjectId: pending.review.id, draftId: ref!.draftId, data: { level: pending.review.level }, at: now });
    return { sentTo: pending.holder, level: pending.review.level };
  });
}

export interface DecisionInput {
  decision: Decision;
  comment?: string;
  checklist: Checklist;
  /** For `return`: the drafter (default) or an earlier level. */
  returnTo?: 'drafter' | Position;
}

type ReviewRef = { draftId: string | typeof reviews.draftId; assigneeId: string | typeof reviews.assigneeId; level: Position | typeof reviews.level };
/** A level this review's assignee has already signed on the draft, other than the review's own (columns correlate it in a larger query). */
const otherLevelSigned = (db: Db, r: ReviewRef) =>
  db.select({ level: decisions.level }).from(decisions).where(and(eq(decisions.draftId, r.draftId), eq(decisions.personId, r.assigneeId), ne(decisions.level, r.level))).limit(1);

/** Separation of duties for a review's assignee, read now (a transfer's target). */
async function dutyConflictNow(tx: Db, review: ReviewRow, drafterId: string): Promise<DutyConflict | null> {
  const [other] = await otherLevelSigned(tx, review);
  return dutyConflict(review.assigneeId, drafterId, other?.level ?? null);
}

function dutyConflictError(c: DutyConflict, details: Record<string, string> = {}): AppError {
  const said = dutyConflictWords(c);
  return new AppError('separation_of_duties', { reasonZh: said.zh, reasonEn: said.en }, { ...c, ...details });
}

function validateDecision(input: DecisionInput): void {
  if (input.decision !== 'approve' && !input.comment?.trim()) {
    throw new AppError('comment_required', {}, [{ path: 'comment', in: 'body', message: words('退回或不予通过时必填', 'required for return and reject') }]);
  }
  if (input.decision === 'approve') {
    const missing = unticked(input.checklist);
    // The message names the items as the reviewer reads them; the details keep the field paths for programs.
    if (missing.length) {
      throw new AppError(
        'checklist_incomplete',
        { itemsZh: missing.map((m) => `“${CHECKLIST[m][0]}”`).join('、'), itemsEn: missing.map((m) => `"${CHECKLIST[m][1]}"`).join(', ') },
        missing.map((m) => ({ path: `checklist.${m}`, in: 'body', message: words('批准前须勾选', 'must be ticked to approve'), label: CHECKLIST[m][0], labelEn: CHECKLIST[m][1] })),
      );
    }
  }
  if (input.decision !== 'return' && input.returnTo) {
    throw invalidField('returnTo', words('仅用于退回', 'only for return'));
  }
}

/** A column of the review a link belongs to, found by the link's hash (a placeholder of the statements below). */
const tokenHashValue = sql.placeholder('tokenHash');
const ofLinkReview = (db: Db, column: typeof reviews.draftId | typeof reviews.assigneeId) =>
  db.select({ value: column }).from(linkTokens).innerJoin(reviews, eq(reviews.id, linkTokens.reviewId)).where(eq(linkTokens.tokenHash, tokenHashValue));

/** A decision's statements, each built once per database (see prepared); the writes once per shape. */
const decisionStatements = {
  lockDraft: prepared((db) => db.select({ draft: drafts, positions: sharedPositionsLock(drafts.unitId) }).from(drafts).where(eq(drafts.id, sql`(${ofLinkReview(db, reviews.draftId)})`)).for('update')),
  underLock: prepared((db) =>
    db
      .select({
        // Only what the checks, the writes and the next level use.
        link: { id: linkTokens.id, versionId: linkTokens.versionId, personId: linkTokens.personId, expiresAt: linkTokens.expiresAt, usedAt: linkTokens.usedAt, supersededAt: linkTokens.supersededAt, supersededReason: linkTokens.supersededReason },
        review: { id: reviews.id, versionId: reviews.versionId, assigneeId: reviews.assigneeId, level: reviews.level, status: reviews.status },
        version: { id: draftVersions.id, no: draftVersions.no, contentSha256: draftVersions.contentSha256 },
        otherLevel: sql<Position | null>`(${otherLevelSigned(db, reviews)})`,
        holders: holdersJson(sql.placeholder('unitId')),
        decided: decidedJson(reviews.draftId, sql.placeholder('unitId')),
        chain: units.chain,
        calendar: calendarStamp,
      })
      .from(linkTokens)
      .innerJoin(reviews, eq(reviews.id, linkTokens.reviewId))
      .innerJoin(draftVersions, eq(draftVersions.id, reviews.versionId))
      .innerJoin(units, eq(units.id, sql`${sql.placeholder('unitId')}::uuid`))
      .where(eq(linkTokens.tokenHash, tokenHashValue))),
  terms: prepared((db) => termsQuery(db, sql.placeholder('draftId'), ofLinkReview(db, reviews.assigneeId))),
  // The link, and through it the review, each only while still open. The review it closes is the
  // draft's only pending one (reviews_one_pending_key), so nothing else is superseded.
  claim: prepared(() => sql<unknown>`
    with l as (
      update ${linkTokens} set used_at = ${sql.placeholder('now')}::timestamptz
      where id = ${sql.placeholder('linkId')} and used_at is null and superseded_at is null and expires_at > ${sql.placeholder('now')}::timestamptz
      returning id),
    r as (
      update ${reviews} set status = ${sql.placeholder('status')}, decided_at = ${sql.placeholder('now')}::timestamptz, decided_by = ${sql.placeholder('assigneeId')}::uuid, next_reminder_at = null
      where id = ${sql.placeholder('reviewId')} and status = 'pending' and version_id = ${sql.placeholder('versionId')} and assignee_id = ${sql.placeholder('personId')} and exists (select 1 from l)
      returning id)
    select (select count(*) from l)::int as link, (select count(*) from r)::int as review`),
  // Every write of the decision in one statement: none reads another's result. (drizzle puts an
  // embedded query in parentheses, as a CTE's body needs.)
  writes: preparedByShape((db, w: { decision: NewDecision; draft: { id: string }; set: DraftSet; events: NewAuditEvent[]; next: NewReview | null; messages: NewMessage[] }) => {
    const parts: SQLWrapper[] = [
      db.insert(decisions).values(w.decision),
      db.update(drafts).set(w.set).where(eq(drafts.id, w.draft.id)),
      db.insert(auditEvents).values(w.events),
      ...(w.next ? [db.insert(reviews).values(w.next)] : []),
      ...(w.messages.length ? [outboxInsert(db, w.messages)] : []),
    ];
    return sql<unknown>`with ${sql.join(parts.map((p, i) => sql`${sql.raw(`w${i}`)} as ${p}`), sql`, `)} select 1 as written`;
  }),
};

/**
 * Locks the draft a link belongs to, found through the link in the same statement; null for an
 * unknown token. Every decision on a draft is serialised on this lock, as lockDraft does, and takes
 * its unit's positions lock shared as lockDraft does (sharedPositionsLock).
 */
async function lockDraftOfLink(tx: Db, tokenHash: string): Promise<DraftRow | null> {
  const [locked] = await decisionStatements.lockDraft(tx, { tokenHash });
  return locked?.draft ?? null;
}

/**
 * Everything a decision checks and writes from, read once the draft is locked (so it is current):
 * the link, its review, the version under review, any other level its assignee signed, the unit's
 * position holders and chain (for the next level's review) and the calendar's stamp; the assignee's
 * terms begun during review go out in the same round trip.
 */
async function linkUnderLock(tx: Db, tokenHash: string, draft: DraftRow) {
  const [[row], terms] = await Promise.all([
    decisionStatements.underLock(tx, { tokenHash, unitId: draft.unitId }),
    decisionStatements.terms(tx, { tokenHash, draftId: draft.id }),
  ]);
  return { ...row!, terms };
}

/** Rows of a raw statement's answer, whichever driver ran it. */

/**
 * A link used once already, with the decision it recorded: someone whose phone lost the first answer
 * and sends again learns that their decision stands, and which one it was.
 */
async function usedBy(tx: Db, reviewId: string, personId: string): Promise<AppError> {
  const [recorded] = await tx.select({ decision: decisions.decision, at: decisions.createdAt }).from(decisions)
    .where(and(eq(decisions.reviewId, reviewId), eq(decisions.personId, personId)));
  return new AppError('link_used', {}, recorded ? { decision: recorded.decision, decidedAt: recorded.at.toISOString() } : undefined);
}

/**
 * A decision by link. The draft lock serialises every decision on a draft; the link and the review
 * are then claimed with conditional updates, so of any number of concurrent clicks exactly one wins.
 *
 * Round trips are what a decision costs, so: no read before the transaction (the draft is locked
 * through the link), one read of everything the checks and the next level need, then the claim, all
 * the writes as one statement and the answer's reads, sent together; the answer is built from the
 * draft row as written, not read back. begin, lock, read, [claim, writes, view], commit: five round
 * trips. test/performance.test.ts holds the statement count to its bound.
 */
export async function decideByLink(db: Db, deps: ServiceDeps, token: string, input: DecisionInput): Promise<DraftView>;
/** `view: false`: the caller shows its own page afterwards, so no answer is read. */
export async function decideByLink(db: Db, deps: ServiceDeps, token: string, input: DecisionInput, opts: { view: false }): Promise<null>;
export async function decideByLink(db: Db, deps: ServiceDeps, token: string, input: DecisionInput, opts: { view?: boolean } = {}): Promise<DraftView | null> {
  // Forged tokens of any shape simply miss: the lookup is by keyed hash.
  if (token.length > 200) throw new AppError('link_not_found');
  const tokenHash = await hashToken(deps.config.appSecret, token);
  const outcome = await inTransaction(db, deps, async (tx) => {
    const draft = await lockDraftOfLink(tx, tokenHash);
    if (!draft) throw new AppError('link_not_found');
    validateDecision(input);
    const now = deps.now();
    const { link, review, version, otherLevel, holders, decided, chain, calendar, terms } = await linkUnderLock(tx, tokenHash, draft);
    const problem = linkProblem(link, review, now);
    if (problem) throw problem.code === 'link_used' ? await usedBy(tx, review.id, link.personId) : problem;
    const conflict = dutyConflict(review.assigneeId, draft.drafterId, otherLevel);
    if (conflict) {
      // Refused, and the refusal is itself on the record; the level is never skipped.
      await appendAudit(tx, { actorId: review.assigneeId, action: 'signoff.refused', subjectType: 'review', subjectId: review.id, draftId: draft.id, data: { ...conflict, level: review.level, decision: input.decision }, at: now });
      return { refused: conflict, view: null };
    }
    const command: Command = input.decision === 'return' ? { type: 'return', to: input.returnTo ?? 'drafter' } : { type: input.decision };
    const t = step(draft, version.contentSha256, command);
    if (t.status === 'approved') {
      const accountIds = (await tx.select({ id: draftAccounts.accountId }).from(draftAccounts).where(eq(draftAccounts.draftId, draft.id))).map((r) => r.id);
      const signer = (await findPerson(tx, review.assigneeId))!;
      await assertPublishable(tx, { unitId: draft.unitId, accountIds }, 'approve', deps.now(), (a) => canManage(tx, signer, a));
    }
    // The next level's review, from the facts read above and this decision (refused here, before any
    // write, when its position is vacant).
    const facts = { holders, decided: [...decided, { personId: review.assigneeId, level: review.level }], drafterId: draft.drafterId, chain, urgency: draft.urgency, calendar };
    const next = t.openLevel
      ? await reviewToOpen(tx, { draftId: draft.id, versionId: version.id, round: draft.round, level: t.openLevel, now }, facts)
      : null;
    const appointedAt = appointedDuringReview(terms, { personId: review.assigneeId, unitId: draft.unitId, position: review.level, at: now });
    const events: AuditInput[] = [{
      actorId: review.assigneeId, action: `review.${REVIEW_STATUS_OF[input.decision]}`, subjectType: 'review', subjectId: review.id, draftId: draft.id,
      versionSha256: version.contentSha256, data: { level: review.level, version: version.no, checklist: input.checklist, comment: input.comment ?? null, returnTo: input.returnTo ?? null, draftStatus: t.status, nextLevel: t.currentLevel },
      at: now,
    }];
    if (appointedAt) {
      events.push({
        actorId: review.assigneeId, action: 'signoff.by_mid_review_appointee', subjectType: 'review', subjectId: review.id, draftId: draft.id, versionSha256: version.contentSha256,
        data: { level: review.level, decision: input.decision, appointedAt: appointedAt.toISOString() }, at: now,
      });
    }
    const messages = [
      next ? message('review.assigned', { reviewId: next.id, reason: command.type === 'return' ? 'returned_to_level' : 'advanced' }) : null,
      t.status !== 'in_review' ? message('draft.closed', { draftId: draft.id, status: t.status as 'approved' | 'returned' | 'rejected', reviewId: review.id }) : null,
      t.status === 'approved' ? message('draft.approved', { draftId: draft.id, versionId: version.id }) : null,
    ].filter((m) => m !== null);
    const set = transitioned(draft, t, false, now);

    const writes = {
      decision: {
        reviewId: review.id, draftId: draft.id, versionId: version.id, contentSha256: version.contentSha256, level: review.level,
        personId: review.assigneeId, decision: input.decision, returnTo: input.decision === 'return' ? (input.returnTo ?? 'drafter') : null,
        checklist: input.checklist, comment: input.comment?.trim() || null, createdAt: now,
      },
      draft: { id: draft.id },
      set,
      events: auditRows(events),
      next,
      messages,
    };
    // Sent together, in this order, on the transaction's connection: the claim, the writes (only
    // wrong if the claim lost, which the draft lock rules out; then the transaction rolls back), the
    // answer's reads (which see the writes). One round trip.
    // (A prepared statement is sent when called, so the three go out in exactly this order.)
    const claim = { now: now.toISOString(), linkId: link.id, status: REVIEW_STATUS_OF[input.decision], assigneeId: review.assigneeId, reviewId: review.id, versionId: link.versionId, personId: link.personId };
    const sent = [decisionStatements.claim(tx, claim), decisionStatements.writes(tx, writes)] as const;
    const [claimed, written, read] = await Promise.allSettled([...sent, opts.view === false ? null : readDraftView(tx, draft.id)]);
    if (claimed.status === 'rejected') throw claimed.reason;
    const [counts] = rowsOf<{ link: number; review: number }>(claimed.value);
    if (!counts?.link) throw new AppError('link_used');
    if (!counts.review) throw new AppError('review_closed', { status: words('已决定', 'decided') });
    if (written.status === 'rejected') throw written.reason;
    if (read.status === 'rejected') throw read.reason;
    return { refused: null, view: read.value ? await draftViewOf(tx, { ...draft, ...set }, read.value) : null };
  });
  if (outcome.refused) throw dutyConflictError(outcome.refused);
  return outcome.view;
}

/**
 * Hands a pending review to another person with a recorded reason: the assignee (by bearer or by
 * their link) or publicity staff may do it. The new holder must belong to the unit and must not be
 * barred by separation of duties.
 */
export async function transferReview(db: Db, deps: ServiceDeps, actor: Person | { linkToken: string }, reviewId: string | null, input: { toPersonId: string; reason: string }) {
  let actorId: string;
  let viaLink: LinkRow | null = null;
  if ('linkToken' in actor) {
    viaLink = await findLink(db, deps, actor.linkToken);
    actorId = viaLink.personId;
    reviewId = viaLink.reviewId;
  } else actorId = actor.id;
  const [ref] = await db.select({ draftId: reviews.draftId }).from(reviews).where(eq(reviews.id, reviewId!));
  if (!ref) throw new AppError('not_found', { what: words('审核', 'review') });
  const draftId = await inTransaction(db, deps, async (tx) => {
    const draft = await lockDraft(tx, ref.draftId);
    const [review] = await tx.select().from(reviews).where(eq(reviews.id, reviewId!));
    if (viaLink) {
      const problem = linkProblem(viaLink, review!, deps.now());
      if (problem) throw problem;
    } else if (review!.assigneeId !== actorId && !hasRole(actor as Person, 'publicity', 'admin')) throw new AppError('not_your_review');
    if (review!.status !== 'pending') throw new AppError('review_closed', { status: reviewStatusWords(review!.status) });
    // Held until commit: a deactivation of the target waits for this transfer (and then returns the
    // review to its position), or this transfer sees it done and refuses.
    const [target] = await tx.select().from(people).where(eq(people.id, input.toPersonId)).for('share');
    if (!target) throw new AppError('not_found', { what: words('接收人', 'person') }, { field: 'toPersonId' });
    if (target.deactivatedAt) throw new AppError('conflict', { reason: words(`${target.name} 已停用`, `${target.name} is deactivated`) }, { field: 'toPersonId' });
    if (target.id === review!.assigneeId) throw new AppError('conflict', { reason: words('该审核已由此人负责', 'already assigned to this person') }, { field: 'toPersonId' });
    const held = (await currentPositions(tx, target.id)).filter((p) => p.unitId === draft.unitId).map((p) => p.position);
    if (target.unitId !== draft.unitId && !held.length) throw new AppError('forbidden', {}, { field: 'toPersonId', reason: words('接收人须属于稿件所在单位', 'the new reviewer must belong to the draft\'s unit') });
    if (!mayTakeLevel(review!.level, held)) {
      const rule = takersWords(review!.level)!;
      throw new AppError('forbidden', {}, { field: 'toPersonId', reason: words(`${rule.zh}，${target.name} 不符合`, `${rule.en}; ${target.name} does not qualify`) });
    }
    const conflict = await dutyConflictNow(tx, { ...review!, assigneeId: target.id }, draft.drafterId);
    if (conflict) throw dutyConflictError(conflict, { field: 'toPersonId' });
    // A holder of a later level takes this one only if that level can still be signed by someone then.
    const unit = await signersOf(tx, draft);
    const taker = unit.find((p) => p.id === target.id) ?? { id: target.id, positions: held, signed: [] };
    const { contentSha256 } = await currentVersion(tx, draft);
    const deadEnd = handOnDeadEnd({ levels: draft.levels, approvals: draft.approvals, contentSha256 }, review!.level, taker, unit, draft.drafterId);
    if (deadEnd) {
      const why = handOnDeadEndWords(deadEnd.holds, deadEnd.stuck);
      throw new AppError('conflict', { reason: words(`${target.name}：${why.zh}`, `${target.name} ${why.en}`) }, { field: 'toPersonId', deadEndLevel: deadEnd.stuck });
    }
    const now = deps.now();
    await reassignReview(tx, review!.id, target.id, 'transfer', now);
    await appendAudit(tx, { actorId, action: 'review.transferred', subjectType: 'review', subjectId: review!.id, draftId: draft.id, data: { from: review!.assigneeId, to: target.id, reason: input.reason, level: review!.level }, at: now });
    return draft.id;
  });
  const [draft] = await db.select().from(drafts).where(eq(drafts.id, draftId));
  return draftView(db, draft!);
}
