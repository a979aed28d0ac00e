import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { accountEvents, auditEvents, decisions, DRAFT_STATUSES, draftVersions, drafts, people, reviews, units } from '../../db/schema';
import { isSheetHash, sheetHash, sheetHashV1, sheetHashV2, type SheetEntry, type SheetFacts } from '../domain/sheet';
import { AppError, words } from '../lib/errors';
import { sealedEvents, verifyEvents } from './audit';
import { getDraftView } from './drafts';
import type { Person } from './auth';
import { appointedDuringReview, termsBegunDuringReview } from './reviews';
import { targetAccounts } from './signoff-view';
import { isUuid } from '../lib/text';

const DECISION_EVENTS = ['review.approved', 'review.returned', 'review.rejected'];

/** The facts of a draft's 审核单, read from the record: every decision on its current version, in order. */
export async function sheetFacts(db: Db, draftId: string): Promise<SheetFacts | null> {
  const [draft] = await db.select().from(drafts).where(eq(drafts.id, draftId));
  if (!draft) return null;
  const [version] = await db.select().from(draftVersions).where(and(eq(draftVersions.draftId, draft.id), eq(draftVersions.no, draft.currentVersionNo)));
  const [unit] = await db.select({ name: units.name }).from(units).where(eq(units.id, draft.unitId));
  const rows = await db
    .select({ decision: decisions, reviewer: people.name, review: reviews })
    .from(decisions)
    .innerJoin(people, eq(people.id, decisions.personId))
    .innerJoin(reviews, eq(reviews.id, decisions.reviewId))
    .where(and(eq(decisions.draftId, draft.id), eq(decisions.versionId, version!.id)))
    .orderBy(asc(decisions.createdAt));
  // The sheet prints each decision's chain hash, so an event the sealer has not reached yet is sealed now.
  const events = rows.length
    ? await sealedEvents(db, () =>
        db
          .select({ seq: auditEvents.seq, hash: auditEvents.hash, subjectId: auditEvents.subjectId })
          .from(auditEvents)
          .where(and(eq(auditEvents.draftId, draft.id), eq(auditEvents.subjectType, 'review'), inArray(auditEvents.subjectId, rows.map((r) => r.review.id)), inArray(auditEvents.action, DECISION_EVENTS))),
      )
    : [];
  const eventOf = new Map(events.map((e) => [e.subjectId, { seq: e.seq, hash: e.hash }]));
  // The same rule as the draft's record (GET /drafts/{id}): a level signed under a term of office begun after the first submit.
  const midReviewTerms = await termsBegunDuringReview(db, draft.id, [...new Set(rows.map((r) => r.decision.personId))]);
  const entries = rows.map(({ decision: d, reviewer, review }): SheetEntry => ({
    level: d.level,
    reviewerId: d.personId,
    reviewer,
    decision: d.decision,
    returnTo: d.returnTo,
    checklist: d.checklist,
    comment: d.comment,
    at: d.createdAt.toISOString(),
    // Absent (not false) when not flagged, so the sheets of unflagged drafts keep their hash.
    ...(appointedDuringReview(midReviewTerms, { personId: d.personId, unitId: draft.unitId, position: review.level, at: d.createdAt }) ? { appointedDuringReview: true as const } : {}),
    audit: eventOf.get(review.id) ?? null,
  }));
  return {
    draftId: draft.id,
    title: version!.title,
    unitId: draft.unitId,
    unit: unit!.name,
    accounts: (await targetAccounts(db, draft.id)).map(({ id, name, platform, registrationNo }) => ({ id, name, platform, registrationNo })),
    version: version!.no,
    contentSha256: version!.contentSha256,
    status: draft.status,
    levels: draft.levels,
    entries,
  };
}

/** The sheet as its reader may see it: the draft's read rule applies (drafter, unit, assignees, publicity). */
export async function approvalSheet(db: Db, actor: Person, draftId: string) {
  await getDraftView(db, actor, draftId);
  const facts = await sheetFacts(db, draftId);
  if (!facts) throw new AppError('not_found', { what: words('稿件', 'draft') });
  const [pending] = await db
    .select({ level: reviews.level, reviewer: people.name })
    .from(reviews)
    .innerJoin(people, eq(people.id, reviews.assigneeId))
    .where(and(eq(reviews.draftId, draftId), eq(reviews.status, 'pending')));
  return { facts, hash: await sheetHash(facts), pending: pending ?? null };
}

export type SheetConfirmation =
  | { matches: true; facts: SheetFacts; hash: string; auditIntact: boolean }
  | { matches: false };

/**
 * What the QR code's page says: whether a printed sheet's hash is the hash of the record now.
 * Public, so a mismatch tells nothing (not even whether the draft exists); a match shows the facts,
 * which the holder of the sheet already has.
 */
export async function confirmSheet(db: Db, draftId: string, hash: string): Promise<SheetConfirmation> {
  if (!isSheetHash(hash) || !isUuid(draftId)) return { matches: false };
  const facts = await sheetFacts(db, draftId);
  if (!facts) return { matches: false };
  const among = async (candidates: Promise<string>[]) => (await Promise.all(candidates)).includes(hash);
  // The current rule, then the earlier ones sheets may have been printed under: v1's many candidates
  // (and its read of the registry's history) only when the newer rules miss.
  const matches = (await among([sheetHash(facts), sheetHashV2(facts)])) || (await among((await factsAsPrintedBeforeV2(db, facts)).map(sheetHashV1)));
  if (!matches) return { matches: false };
  const seqs = facts.entries.flatMap((e) => (e.audit ? [e.audit.seq] : []));
  return { matches: true, facts, hash, auditIntact: await verifyEvents(db, seqs) };
}

/**
 * The facts as a sheet printed under v1 may have shown them. That rule hashed the accounts' names
 * and the draft's status too, so a 变更登记 or a retraction since would call a genuine sheet altered:
 * the registry's history (its `changed` events' old values, newest first) gives every set of names
 * and registration numbers the accounts have had, in both orders a list sorted by name may have
 * taken (the database's collation, code points), and the sheet may have been printed in any status.
 */
async function factsAsPrintedBeforeV2(db: Db, facts: SheetFacts): Promise<SheetFacts[]> {
  const ids = facts.accounts.map((a) => a.id);
  const renames = ids.length
    ? await db.select({ accountId: accountEvents.accountId, old: accountEvents.oldValues }).from(accountEvents)
      .where(and(inArray(accountEvents.accountId, ids), eq(accountEvents.type, 'changed')))
      .orderBy(desc(accountEvents.at), desc(accountEvents.seq))
    : [];
  const names = new Map(facts.accounts.map((a) => [a.id, a.name]));
  const numbers = new Map(facts.accounts.map((a) => [a.id, a.registrationNo]));
  const lists = [facts.accounts];
  for (const { accountId, old } of renames) {
    if (typeof old?.name !== 'string' && typeof old?.registrationNo !== 'string') continue;
    if (typeof old.name === 'string') names.set(accountId, old.name);
    if (typeof old.registrationNo === 'string') numbers.set(accountId, old.registrationNo);
    const then = facts.accounts.map((a) => ({ ...a, name: names.get(a.id)!, registrationNo: numbers.get(a.id)! }));
    lists.push(then, [...then].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  }
  return lists.flatMap((accounts) => DRAFT_STATUSES.map((status) => ({ ...facts, accounts, status })));
}
