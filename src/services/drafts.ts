import { and, asc, desc, eq, gte, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { prepared } from '../../db/prepared';
import { decisions, draftAccounts, draftFiles, drafts, draftVersions, people, reviews, units, type BodyFormat, type DraftStatus, type Position, type Urgency } from '../../db/schema';
import { bodyHtml, bodyText } from '../domain/html';
import { blockingCategories, categoryLabel, prescreen, type PrescreenFinding } from '../domain/prescreen';
import { IllegalTransition, allowedCommands, transition, type Command, type Transition } from '../domain/signoff';
import { AppError, invalidField, words } from '../lib/errors';
import { label, readableTime } from '../lib/i18n';
import { appendAudit } from './audit';
import { hasRole, isMemberOf, requireUnitAccess, type Person } from './auth';
import { inTransaction, type ServiceDeps } from './context';
import { enqueue } from './outbox';
import { canManage } from './accounts';
import { assertPublishable } from './publish-gate';
import { rescheduleOpenReview } from './reminders';
import { appointedDuringReview, holdersJson, openReview, sharedPositionsLock, supersedeLinks, termsQuery } from './reviews';
import { composeVersion, fileView, loadWordMatcher, type ComposedVersion } from './versions';

export type DraftRow = typeof drafts.$inferSelect;
type VersionRow = typeof draftVersions.$inferSelect;

const notFound = () => new AppError('not_found', { what: words('稿件', 'draft') });

/** Loads and row-locks a draft: every change to a draft is serialised on this lock, taken first. */
export async function lockDraft(tx: Db, draftId: string): Promise<DraftRow> {
  const [locked] = await tx.select({ draft: drafts, positions: sharedPositionsLock(drafts.unitId) }).from(drafts).where(eq(drafts.id, draftId)).for('update');
  if (!locked) throw notFound();
  return locked.draft;
}

export async function currentVersion(tx: Db, draft: Pick<DraftRow, 'id' | 'currentVersionNo'>): Promise<VersionRow> {
  const [version] = await tx.select().from(draftVersions).where(and(eq(draftVersions.draftId, draft.id), eq(draftVersions.no, draft.currentVersionNo)));
  return version!;
}

/** Runs the state machine and turns an illegal move into a 409 that names the current state. */
export function step(draft: DraftRow, contentSha: string, command: Command): Transition {
  try {
    return transition({ status: draft.status, levels: draft.levels, currentLevel: draft.currentLevel, contentSha256: contentSha, approvals: draft.approvals }, command);
  } catch (err) {
    if (!(err instanceof IllegalTransition)) throw err;
    if (err.reason) throw new AppError(err.reason);
    throw illegalMove(draft, err.command);
  }
}

/** The 409 for an action the draft's status does not allow, naming that status. */
export function illegalMove(draft: Pick<DraftRow, 'status'>, action: string): AppError {
  return new AppError(
    'invalid_transition',
    { status: draft.status, statusZh: label('status', draft.status), actionZh: label('action', action), actionEn: label('action', action, 'en') },
    { status: draft.status, action, allowed: allowedCommands(draft.status) },
  );
}

/**
 * Persists a transition: closes the open review if superseded, opens the next level's review,
 * updates the draft. The caller has locked the draft and writes its own audit event.
 */
export async function applyTransition(
  tx: Db,
  deps: ServiceDeps,
  draft: DraftRow,
  t: Transition,
  opts: { versionId: string; newRound: boolean; supersedeReason?: string; assignReason: 'submitted' | 'advanced' | 'returned_to_level' | 'restarted' },
): Promise<DraftRow> {
  const now = deps.now();
  if (t.supersedesOpenReview) {
    const open = await tx
      .update(reviews)
      .set({ status: 'superseded', decidedAt: now, nextReminderAt: null })
      .where(and(eq(reviews.draftId, draft.id), eq(reviews.status, 'pending')))
      .returning({ id: reviews.id });
    for (const review of open) await supersedeLinks(tx, review.id, opts.supersedeReason ?? 'superseded', now);
  }
  const set = transitioned(draft, t, opts.newRound, now);
  // Sent together: the next review's statements and the draft's update do not depend on each other.
  const [, [updated]] = await Promise.all([
    t.openLevel ? openReview(tx, { draftId: draft.id, unitId: draft.unitId, versionId: opts.versionId, round: set.round, level: t.openLevel, reason: opts.assignReason, now }) : null,
    tx.update(drafts).set(set).where(eq(drafts.id, draft.id)).returning(),
  ]);
  return updated!;
}

/** The draft's columns a transition changes (applyTransition writes them; a link decision folds them into its one write). */
export function transitioned(draft: DraftRow, t: Transition, newRound: boolean, now: Date) {
  const closed = ['approved', 'rejected', 'withdrawn', 'retracted'].includes(t.status);
  return { status: t.status, currentLevel: t.currentLevel, approvals: t.approvals, round: newRound ? draft.round + 1 : draft.round, updatedAt: now, ...(closed ? { closedAt: now } : {}) };
}

async function accountIdsOf(tx: Db, draftId: string): Promise<string[]> {
  return (await tx.select({ id: draftAccounts.accountId }).from(draftAccounts).where(eq(draftAccounts.draftId, draftId))).map((r) => r.id);
}

function requireDrafter(actor: Person, draft: DraftRow): void {
  if (draft.drafterId !== actor.id) throw new AppError('forbidden', {}, { reason: words('只有撰写人可以这样做', 'only the drafter may do this') });
}

export interface NewDraft {
  title: string;
  body: string;
  bodyFormat?: BodyFormat;
  unitId: string;
  accountIds: string[];
  urgency?: Urgency;
}

/**
 * Writes a new draft and its version 1. `attach` runs between the two (the .docx import stores the
 * images it extracted as files of the new draft and hands back the body that refers to them).
 */
export async function createDraft(
  db: Db, deps: ServiceDeps, actor: Person, input: NewDraft,
  attach?: (tx: Db, draftId: string) => Promise<{ body: string; fileIds: string[] }>,
) {
  const draftId = await inTransaction(db, deps, async (tx) => {
    const [unit] = await tx.select().from(units).where(eq(units.id, input.unitId));
    if (!unit) throw new AppError('not_found', { what: words('单位', 'unit') }, { field: 'unitId' });
    await requireUnitAccess(tx, actor, unit.id);
    const accountIds = [...new Set(input.accountIds)];
    await assertPublishable(tx, { unitId: unit.id, accountIds }, 'create', deps.now(), (a) => canManage(tx, actor, a));
    const now = deps.now();
    const [draft] = await tx
      .insert(drafts)
      .values({ unitId: unit.id, drafterId: actor.id, urgency: input.urgency ?? 'normal', levels: unit.chain.levels, createdAt: now, updatedAt: now })
      .returning();
    const attached = attach ? await attach(tx, draft!.id) : { body: input.body, fileIds: [] };
    const version = await composeVersion(tx, draft!.id, { title: input.title, body: attached.body, bodyFormat: input.bodyFormat, fileIds: attached.fileIds });
    await tx.insert(draftVersions).values({ draftId: draft!.id, no: 1, ...version, createdBy: actor.id, createdAt: now });
    if (accountIds.length) await tx.insert(draftAccounts).values(accountIds.map((accountId) => ({ draftId: draft!.id, accountId })));
    await appendAudit(tx, { actorId: actor.id, action: 'draft.created', subjectType: 'draft', subjectId: draft!.id, draftId: draft!.id, versionSha256: version.contentSha256, data: { version: 1, accountIds, urgency: draft!.urgency, files: version.fileIds }, at: now });
    return draft!.id;
  });
  return getDraftView(db, actor, draftId);
}

export interface DraftPatch {
  title?: string;
  body?: string;
  bodyFormat?: BodyFormat;
  /** The files the new version holds (images the body shows are added anyway); omitted: the previous version's. */
  fileIds?: string[];
}

/**
 * A composed version holds what the current one holds: the same fingerprint (title and sanitized
 * body as normalized, the format, the bytes of every file) and the same files in the same order
 * (so the same names: 附件1.pdf swapped for the same bytes as 附件2.pdf is a change).
 */
const sameContent = (current: Pick<VersionRow, 'contentSha256' | 'fileIds'>, next: ComposedVersion) =>
  next.contentSha256 === current.contentSha256 && next.fileIds.length === current.fileIds.length && next.fileIds.every((id, i) => id === current.fileIds[i]);

/**
 * Every edit is a new immutable version. Under review (drafter only) it restarts the chain at the
 * first level and kills every open link; an approved draft is never edited. Adding a file is an
 * edit too (a new photo is new content), so uploads come through here. An edit that changes nothing
 * (an autosave, 保存 clicked twice, the same PATCH sent again) makes no version and records nothing:
 * under review an edit restarts the chain, which only a real change may; the current version's
 * number is returned.
 */
export async function reviseDraft(tx: Db, deps: ServiceDeps, actor: Person, draftId: string, patch: DraftPatch, extra: Record<string, unknown> = {}): Promise<ComposedVersion & { no: number }> {
  const draft = await lockDraft(tx, draftId);
  requireDrafter(actor, draft);
  const previous = await currentVersion(tx, draft);
  const content = await composeVersion(tx, draftId, {
    title: patch.title ?? previous.title,
    body: patch.body ?? previous.body,
    // A body sent again without its format is sniffed; an untouched body keeps the format it had.
    bodyFormat: patch.bodyFormat ?? (patch.body === undefined ? previous.bodyFormat : undefined),
    fileIds: patch.fileIds ?? previous.fileIds,
    exactFiles: patch.fileIds !== undefined,
    previousFileIds: previous.fileIds,
  });
  const sha = content.contentSha256;
  // Asked first: a closed draft refuses an edit (409) whether or not it changes anything.
  const t = step(draft, sha, { type: 'edit', contentSha256: sha });
  if (sameContent(previous, content)) return { ...content, no: draft.currentVersionNo };
  const now = deps.now();
  const no = draft.currentVersionNo + 1;
  const [version] = await tx.insert(draftVersions).values({ draftId, no, ...content, createdBy: actor.id, createdAt: now }).returning();
  await tx.update(drafts).set({ currentVersionNo: no, updatedAt: now }).where(eq(drafts.id, draftId));
  await applyTransition(tx, deps, { ...draft, currentVersionNo: no }, t, { versionId: version!.id, newRound: t.supersedesOpenReview, supersedeReason: 'edited', assignReason: 'restarted' });
  await appendAudit(tx, {
    actorId: actor.id, action: t.supersedesOpenReview ? 'draft.edited_in_review' : 'draft.edited', subjectType: 'draft', subjectId: draftId, draftId,
    versionSha256: sha, data: { version: no, previousSha256: previous.contentSha256, restartedAt: t.openLevel, files: content.fileIds, ...extra }, at: now,
  });
  return { ...content, no };
}

/** Where a draft goes out and how fast its reviews are due; omitted fields stay as they are. */
export interface Publishing {
  accountIds?: string[];
  urgency?: Urgency;
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((id) => b.includes(id));

/**
 * A change of content and/or publishing in one transaction (PATCH /api/v1/drafts/{id} and the edit
 * form). New targets pass the gate a new draft passes (registered, inspected, this unit's own).
 * Targets are part of what reviewers approve, as the text is: changed under review, the chain
 * restarts at the first level as an edit of the text does (open links die, a new round), once
 * even when text and targets change together; changed while draft or returned, standing approvals
 * stop counting, so a resubmission climbs from the first level. Urgency changes only when the open
 * review is due. Returns the current version number.
 */
export async function changeDraft(tx: Db, deps: ServiceDeps, actor: Person, draftId: string, patch: DraftPatch & Publishing, content: boolean): Promise<number> {
  const draft = await lockDraft(tx, draftId);
  requireDrafter(actor, draft);
  const before = { accountIds: await accountIdsOf(tx, draftId), urgency: draft.urgency };
  const accountIds = patch.accountIds ? [...new Set(patch.accountIds)] : before.accountIds;
  const urgency = patch.urgency ?? before.urgency;
  const retarget = !sameSet(accountIds, before.accountIds);
  const hurry = urgency !== before.urgency;
  if (retarget || hurry) {
    const current = await currentVersion(tx, draft);
    step(draft, current.contentSha256, { type: 'edit', contentSha256: current.contentSha256 }); // refused (409) once the draft is closed
    if (retarget) {
      await assertPublishable(tx, { unitId: draft.unitId, accountIds }, 'edit', deps.now(), (a) => canManage(tx, actor, a));
      await tx.delete(draftAccounts).where(eq(draftAccounts.draftId, draftId));
      if (accountIds.length) await tx.insert(draftAccounts).values(accountIds.map((accountId) => ({ draftId, accountId })));
    }
    // Before the text's edit: a review it opens is scheduled with the new urgency.
    if (hurry) await tx.update(drafts).set({ urgency }).where(eq(drafts.id, draftId));
  }
  const revised = content ? await reviseDraft(tx, deps, actor, draftId, patch) : null;
  if (!retarget && !hurry) return revised?.no ?? draft.currentVersionNo;
  const now = deps.now();
  const row = await lockDraft(tx, draftId);
  const version = await currentVersion(tx, row);
  const restartedByText = revised !== null && revised.no !== draft.currentVersionNo && draft.status === 'in_review';
  let restartedAt: Position | null = null;
  if (retarget && !restartedByText && row.status === 'in_review') {
    const t = step(row, version.contentSha256, { type: 'edit', contentSha256: version.contentSha256 });
    await applyTransition(tx, deps, row, t, { versionId: version.id, newRound: true, supersedeReason: 'retargeted', assignReason: 'restarted' });
    restartedAt = t.openLevel;
  } else if (retarget && row.status !== 'in_review') {
    await tx.update(drafts).set({ approvals: {}, updatedAt: now }).where(eq(drafts.id, draftId));
  } else if (hurry && !restartedByText) {
    await rescheduleOpenReview(tx, draftId);
  }
  if (!restartedAt) await tx.update(drafts).set({ updatedAt: now }).where(eq(drafts.id, draftId));
  await appendAudit(tx, {
    actorId: actor.id, action: 'draft.publishing_changed', subjectType: 'draft', subjectId: draftId, draftId, versionSha256: version.contentSha256,
    data: {
      version: version.no, restartedAt,
      ...(retarget ? { accountIds, added: accountIds.filter((id) => !before.accountIds.includes(id)), removed: before.accountIds.filter((id) => !accountIds.includes(id)) } : {}),
      ...(hurry ? { urgency, previousUrgency: before.urgency } : {}),
    },
    at: now,
  });
  return version.no;
}

const CONTENT_FIELDS = ['title', 'body', 'bodyFormat', 'fileIds'] as const;

export async function editDraft(db: Db, deps: ServiceDeps, actor: Person, draftId: string, patch: DraftPatch & Publishing) {
  const content = CONTENT_FIELDS.some((k) => patch[k] !== undefined);
  await inTransaction(db, deps, (tx) => changeDraft(tx, deps, actor, draftId, patch, content));
  return getDraftView(db, actor, draftId);
}

/** Submit, or resubmit after a return: the chain resumes at the first level that has not approved this text. */
export async function submitDraft(db: Db, deps: ServiceDeps, actor: Person, draftId: string) {
  await inTransaction(db, deps, async (tx) => {
    const draft = await lockDraft(tx, draftId);
    requireDrafter(actor, draft);
    const version = await currentVersion(tx, draft);
    const resubmit = draft.status === 'returned';
    await assertScreenPasses(tx, draft, version);
    // The chain is taken afresh from the unit at each submit; a vacant position is refused now, not mid-chain.
    const [unit] = await tx.select({ chain: units.chain, holders: holdersJson(sql`${draft.unitId}`) }).from(units).where(eq(units.id, draft.unitId));
    const levels = resubmit ? draft.levels : unit!.chain.levels;
    const t = step({ ...draft, levels }, version.contentSha256, { type: 'submit' });
    const vacant = levels.filter((level) => !unit!.holders[level]);
    if (vacant.length) throw new AppError('conflict', { reason: words(`审核岗位空缺：${vacant.map((l) => label('level', l)).join('、')}`, `vacant positions: ${vacant.map((l) => label('level', l, 'en')).join(', ')}`) }, { vacant });
    await assertPublishable(tx, { unitId: draft.unitId, accountIds: await accountIdsOf(tx, draftId) }, 'submit', deps.now(), (a) => canManage(tx, actor, a));
    const now = deps.now();
    await tx.update(drafts).set({ levels, submittedAt: now }).where(eq(drafts.id, draftId));
    const updated = await applyTransition(tx, deps, { ...draft, levels }, t, { versionId: version.id, newRound: true, assignReason: 'submitted' });
    await appendAudit(tx, {
      actorId: actor.id, action: resubmit ? 'draft.resubmitted' : 'draft.submitted', subjectType: 'draft', subjectId: draftId, draftId,
      versionSha256: version.contentSha256, data: { version: version.no, level: updated.currentLevel, round: updated.round, skipped: levels.filter((l) => draft.approvals[l] === version.contentSha256) }, at: now,
    });
  });
  return getDraftView(db, actor, draftId);
}

/** A unit may block submission on some pre-screen categories (e.g. any classification mark): refused, naming them. */
async function assertScreenPasses(tx: Db, draft: DraftRow, version: VersionRow): Promise<void> {
  const [unit] = await tx.select({ block: units.prescreenBlock }).from(units).where(eq(units.id, draft.unitId));
  if (!unit?.block.length) return;
  const findings = version.prescreen ?? prescreen({ title: version.title, text: bodyText(version.body, version.bodyFormat) }, await loadWordMatcher(tx));
  const blocked = blockingCategories(findings, unit.block);
  if (blocked.length) {
    const found = findings.filter((f) => blocked.includes(f.category));
    const counted = blocked.map((c) => ({ label: categoryLabel(c), n: found.filter((f) => f.category === c).length }));
    throw new AppError('prescreen_blocked', {
      categoriesZh: counted.map(({ label, n }) => `${label[0]} ${n} 处`).join('、'),
      categoriesEn: counted.map(({ label, n }) => `${label[1]} (${n})`).join(', '),
    }, { categories: blocked, findings: found });
  }
}

/** Withdraw (drafter) or retract after approval (drafter or publicity staff), with the reason recorded. */
export async function closeDraft(db: Db, deps: ServiceDeps, actor: Person, draftId: string, type: 'withdraw' | 'retract', reason?: string) {
  await inTransaction(db, deps, async (tx) => {
    const draft = await lockDraft(tx, draftId);
    if (!(draft.drafterId === actor.id || (type === 'retract' && hasRole(actor, 'publicity', 'admin')))) throw new AppError('forbidden');
    const version = await currentVersion(tx, draft);
    const t = step(draft, version.contentSha256, { type });
    await applyTransition(tx, deps, draft, t, { versionId: version.id, newRound: false, supersedeReason: 'withdrawn', assignReason: 'advanced' });
    await appendAudit(tx, { actorId: actor.id, action: `draft.${type === 'withdraw' ? 'withdrawn' : 'retracted'}`, subjectType: 'draft', subjectId: draftId, draftId, versionSha256: version.contentSha256, data: { reason: reason ?? null }, at: deps.now() });
    if (type === 'retract') await enqueue(tx, 'draft.retracted', { draftId, versionId: version.id, byId: actor.id, reason: reason ?? null, at: deps.now().toISOString() });
  });
  return getDraftView(db, actor, draftId);
}

/** 催办: the drafter or publicity staff nudge the open review's holder; limited to once an hour per review. */
export async function urgeDraft(db: Db, deps: ServiceDeps, actor: Person, draftId: string, comment?: string) {
  const URGE_INTERVAL_MS = 60 * 60 * 1000;
  await inTransaction(db, deps, async (tx) => {
    const draft = await lockDraft(tx, draftId);
    if (!(draft.drafterId === actor.id || hasRole(actor, 'publicity', 'admin'))) throw new AppError('forbidden');
    const [review] = await tx.select().from(reviews).where(and(eq(reviews.draftId, draftId), eq(reviews.status, 'pending')));
    if (!review) throw illegalMove(draft, 'urge');
    const now = deps.now();
    if (review.lastUrgedAt && now.getTime() - review.lastUrgedAt.getTime() < URGE_INTERVAL_MS) {
      const retry = new Date(review.lastUrgedAt.getTime() + URGE_INTERVAL_MS);
      throw new AppError('rate_limited', { retryAfter: readableTime(retry) }, { retryAfter: retry.toISOString() });
    }
    await tx.update(reviews).set({ lastUrgedAt: now }).where(eq(reviews.id, review.id));
    await enqueue(tx, 'review.urged', { reviewId: review.id, byId: actor.id, ...(comment ? { comment } : {}) });
    await appendAudit(tx, { actorId: actor.id, action: 'review.urged', subjectType: 'review', subjectId: review.id, draftId, data: { comment: comment ?? null, level: review.level }, at: now });
  });
  return getDraftView(db, actor, draftId);
}

/** Who may read a draft: its drafter, members of its unit, anyone it was assigned to, publicity and admins. */
export async function requireReadAccess(db: Db, actor: Person, draft: DraftRow): Promise<void> {
  if (draft.drafterId === actor.id || hasRole(actor, 'publicity', 'admin') || (await isMemberOf(db, actor, draft.unitId))) return;
  const [assigned] = await db.select({ id: reviews.id }).from(reviews).where(and(eq(reviews.draftId, draft.id), eq(reviews.assigneeId, actor.id))).limit(1);
  if (!assigned) throw new AppError('forbidden');
}

/** A draft's row, unlocked (for reads), or 404. */
export async function getDraftRow(db: Db, draftId: string): Promise<DraftRow> {
  const [draft] = await db.select().from(drafts).where(eq(drafts.id, draftId));
  if (!draft) throw notFound();
  return draft;
}

export async function getDraftView(db: Db, actor: Person | null, draftId: string) {
  const draft = await getDraftRow(db, draftId);
  if (actor) await requireReadAccess(db, actor, draft);
  return draftView(db, draft);
}

/** readDraftView's statements, each built once per database (every draft view and every decision reads them). */
const draftIdValue = sql.placeholder('draftId');
const viewReads = {
  versions: prepared((db) => db.select().from(draftVersions).where(eq(draftVersions.draftId, draftIdValue)).orderBy(asc(draftVersions.no))),
  reviews: prepared((db) =>
    db
      .select({ review: reviews, decision: decisions, assignee: { id: people.id, name: people.name } })
      .from(reviews)
      .innerJoin(people, eq(people.id, reviews.assigneeId))
      .leftJoin(decisions, eq(decisions.reviewId, reviews.id))
      .where(eq(reviews.draftId, draftIdValue))
      .orderBy(asc(reviews.createdAt), asc(reviews.round))),
  accountIds: prepared((db) => db.select({ id: draftAccounts.accountId }).from(draftAccounts).where(eq(draftAccounts.draftId, draftIdValue))),
  files: prepared((db) => db.select().from(draftFiles).where(inArray(draftFiles.id, sql`(select jsonb_array_elements_text(${draftVersions.fileIds})::uuid from ${draftVersions} where ${draftVersions.draftId} = ${draftIdValue})`))),
  midReviewTerms: prepared((db) => termsQuery(db, draftIdValue, db.select({ id: decisions.personId }).from(decisions).where(eq(decisions.draftId, draftIdValue)))),
};

/**
 * What a draft view reads, sent together in one round trip (the second-level reads — the versions'
 * files, the signers' mid-review terms — are subqueries, not a second trip). Only the draft's id is
 * needed, so a transaction can send these right behind its writes and build the view from the row it
 * wrote (see draftViewOf).
 */
export function readDraftView(db: Db, draftId: string) {
  const values = { draftId };
  return Promise.all([
    viewReads.versions(db, values),
    viewReads.reviews(db, values),
    viewReads.accountIds(db, values).then((rows) => rows.map((r) => r.id)),
    viewReads.files(db, values),
    viewReads.midReviewTerms(db, values),
  ]);
}

type DraftViewReads = Awaited<ReturnType<typeof readDraftView>>;

/** The full record of a draft: every version, every review with its decision, what can happen next. */
export async function draftView(db: Db, draft: DraftRow) {
  return draftViewOf(db, draft, await readDraftView(db, draft.id));
}

/** The view of a draft row from what readDraftView read (the database is read again only for versions written before the pre-screen existed). */
export async function draftViewOf(db: Db, draft: DraftRow, [versions, reviewRows, accountIds, fileList, midReviewTerms]: DraftViewReads) {
  const current = versions[versions.length - 1]!;
  const files = new Map(fileList.map((f) => [f.id, f]));
  const filesOf = (v: VersionRow) => v.fileIds.flatMap((id) => (files.has(id) ? [fileView(files.get(id)!)] : []));
  // Versions written before the pre-screen existed are screened now, against today's list.
  const needsScreen = versions.some((v) => v.prescreen === null);
  const words = needsScreen ? await loadWordMatcher(db) : null;
  const screen = (v: VersionRow): PrescreenFinding[] => v.prescreen ?? prescreen({ title: v.title, text: bodyText(v.body, v.bodyFormat) }, words!);
  const screened = new Map(versions.map((v) => [v.id, screen(v)]));
  const versionNo = new Map(versions.map((v) => [v.id, v.no]));
  const appointedAt = (review: typeof reviews.$inferSelect, decision: typeof decisions.$inferSelect | null) =>
    decision ? appointedDuringReview(midReviewTerms, { personId: decision.personId, unitId: draft.unitId, position: review.level, at: decision.createdAt }) : null;
  return {
    id: draft.id,
    unitId: draft.unitId,
    drafterId: draft.drafterId,
    title: current.title,
    body: current.body,
    bodyFormat: current.bodyFormat,
    /** The body as safe HTML whatever its format (a plain-text body escaped into paragraphs). */
    bodyHtml: bodyHtml(current.body, current.bodyFormat),
    files: filesOf(current),
    prescreen: screened.get(current.id)!,
    status: draft.status,
    urgency: draft.urgency,
    currentLevel: draft.currentLevel,
    levels: draft.levels,
    round: draft.round,
    currentVersion: current.no,
    contentSha256: current.contentSha256,
    accountIds,
    createdAt: draft.createdAt.toISOString(),
    updatedAt: draft.updatedAt.toISOString(),
    submittedAt: draft.submittedAt?.toISOString() ?? null,
    closedAt: draft.closedAt?.toISOString() ?? null,
    allowedActions: allowedCommands(draft.status),
    versions: versions.map((v) => ({
      no: v.no, title: v.title, body: v.body, bodyFormat: v.bodyFormat, files: filesOf(v), prescreen: screened.get(v.id)!,
      contentSha256: v.contentSha256, createdBy: v.createdBy, createdAt: v.createdAt.toISOString(),
    })),
    reviews: reviewRows.map(({ review, decision, assignee }) => ({
      id: review.id,
      round: review.round,
      level: review.level,
      version: versionNo.get(review.versionId) ?? null,
      status: review.status,
      reviewer: assignee,
      assignedAt: review.assignedAt.toISOString(),
      dueAt: review.dueAt?.toISOString() ?? null,
      decision: decision?.decision ?? null,
      returnTo: decision?.returnTo ?? null,
      checklist: decision?.checklist ?? null,
      comment: decision?.comment ?? null,
      contentSha256: decision?.contentSha256 ?? null,
      at: (decision?.createdAt ?? review.decidedAt)?.toISOString() ?? null,
      ...((at) => ({ appointedDuringReview: at !== null, appointedAt: at?.toISOString() ?? null }))(appointedAt(review, decision)),
    })),
  };
}
export type DraftView = Awaited<ReturnType<typeof draftViewOf>>;

export interface DraftFilter {
  awaiting?: 'me';
  mine?: boolean;
  status?: DraftStatus;
  unitId?: string;
  /** Only drafts created at or after this instant (a page's own use: the replies to an incident). */
  createdFrom?: Date;
  limit: number;
  offset: number;
  /** Where the previous page ended (`nextCursor` of its answer): keyset paging, as fast on page 1,000 as on page 1. */
  cursor?: string;
}

/**
 * A page boundary: the last row's `updated_at` in microseconds since the epoch (exact: a JS Date
 * would round microseconds away and skip or repeat rows) and its id, as one opaque query value.
 */
const encodeCursor = (micros: string, id: string) => `${micros}.${id}`;
function decodeCursor(cursor: string): [string, string] {
  const m = /^(\d{1,17})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(cursor);
  if (!m) throw invalidField('cursor', words('不是上一页给出的游标', 'not a cursor from a previous page'), 'query');
  return [m[1]!, m[2]!];
}

/**
 * Lists drafts the caller may see: awaiting their decision, their own, or their units' (all, for
 * publicity), newest change first. Each filter is served by an index (reviews' pending-by-assignee,
 * drafts by drafter / unit / all on (updated_at, id)), so a million stored drafts cost no more than a
 * thousand. Exported so a test can EXPLAIN exactly what runs.
 */
export function draftListQuery(db: Db, actor: Person, filter: DraftFilter) {
  const where: SQL[] = [];
  if (filter.awaiting === 'me') {
    // Driven from the few open reviews of this person, not by probing every draft.
    where.push(sql`${drafts.id} in (select ${reviews.draftId} from ${reviews} where ${reviews.assigneeId} = ${actor.id} and ${reviews.status} = 'pending')`);
  }
  if (filter.mine) where.push(eq(drafts.drafterId, actor.id));
  if (filter.status) where.push(eq(drafts.status, filter.status));
  if (filter.unitId) where.push(eq(drafts.unitId, filter.unitId));
  if (filter.createdFrom) where.push(gte(drafts.createdAt, filter.createdFrom));
  if (!filter.awaiting && !filter.mine && !hasRole(actor, 'publicity', 'admin')) {
    where.push(
      sql`(${drafts.drafterId} = ${actor.id} or ${drafts.unitId} = ${actor.unitId} or ${drafts.unitId} in (select unit_id from position_terms where person_id = ${actor.id} and ended_at is null))`,
    );
  }
  if (filter.cursor) {
    const [at, id] = decodeCursor(filter.cursor);
    where.push(sql`(${drafts.updatedAt}, ${drafts.id}) < (timestamptz 'epoch' + ${at}::bigint * interval '1 microsecond', ${id}::uuid)`);
  }
  return db
    .select({ draft: drafts, title: draftVersions.title, at: sql<string>`(extract(epoch from ${drafts.updatedAt}) * 1000000)::bigint::text` })
    .from(drafts)
    .innerJoin(draftVersions, and(eq(draftVersions.draftId, drafts.id), eq(draftVersions.no, drafts.currentVersionNo)))
    .where(and(...where))
    .orderBy(desc(drafts.updatedAt), desc(drafts.id))
    .limit(filter.limit)
    .offset(filter.cursor ? 0 : filter.offset);
}

/** A page of drafts (see draftListQuery) with each one's open review, and the cursor of the next page. */
export async function listDrafts(db: Db, actor: Person, filter: DraftFilter) {
  const rows = await draftListQuery(db, actor, filter);
  const pending = rows.length
    ? await db.select().from(reviews).where(and(inArray(reviews.draftId, rows.map((r) => r.draft.id)), eq(reviews.status, 'pending')))
    : [];
  const items = rows.map(({ draft, title }) => {
    const open = pending.find((r) => r.draftId === draft.id);
    return {
      id: draft.id, unitId: draft.unitId, drafterId: draft.drafterId, title, status: draft.status, urgency: draft.urgency,
      currentLevel: draft.currentLevel, currentVersion: draft.currentVersionNo, createdAt: draft.createdAt.toISOString(), updatedAt: draft.updatedAt.toISOString(),
      pendingReview: open ? { id: open.id, level: open.level, assigneeId: open.assigneeId, assignedAt: open.assignedAt.toISOString() } : null,
    };
  });
  const last = rows.at(-1);
  return { items, nextCursor: rows.length === filter.limit && last ? encodeCursor(last.at, last.draft.id) : null };
}
