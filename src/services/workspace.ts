import { aliasedTable, and, asc, desc, eq, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { decisions, drafts, draftVersions, people, reviews, units } from '../../db/schema';
import type { Person } from './auth';

/**
 * What a signed-in person's workspace (`GET /`) shows: reviews waiting on them, their own drafts,
 * what is late, and the latest decisions on their drafts or by them. Reads only; each list is one
 * query driven by an index (pending reviews by assignee, drafts by drafter, decisions by draft).
 */

const drafter = aliasedTable(people, 'drafter');
const assignee = aliasedTable(people, 'assignee');

/** Reviews assigned to me and still open, the most pressing first (deadline, then age). */
export async function awaitingMe(db: Db, me: Person) {
  return db
    .select({
      reviewId: reviews.id, draftId: drafts.id, level: reviews.level, assignedAt: reviews.assignedAt, dueAt: reviews.dueAt,
      urgency: drafts.urgency, title: draftVersions.title, versionNo: draftVersions.no, unitName: units.name, drafterName: drafter.name,
    })
    .from(reviews)
    .innerJoin(drafts, eq(drafts.id, reviews.draftId))
    .innerJoin(draftVersions, eq(draftVersions.id, reviews.versionId))
    .innerJoin(units, eq(units.id, drafts.unitId))
    .innerJoin(drafter, eq(drafter.id, drafts.drafterId))
    .where(and(eq(reviews.assigneeId, me.id), eq(reviews.status, 'pending')))
    .orderBy(sql`${reviews.dueAt} asc nulls last`, asc(reviews.assignedAt));
}

/** My own drafts, newest change first, each with the level and person it waits on (when in review). */
export async function myDrafts(db: Db, me: Person, limit = 200) {
  return db
    .select({
      draftId: drafts.id, status: drafts.status, urgency: drafts.urgency, currentLevel: drafts.currentLevel, updatedAt: drafts.updatedAt,
      title: draftVersions.title, versionNo: drafts.currentVersionNo, waitingOn: assignee.name, dueAt: reviews.dueAt,
    })
    .from(drafts)
    .innerJoin(draftVersions, and(eq(draftVersions.draftId, drafts.id), eq(draftVersions.no, drafts.currentVersionNo)))
    .leftJoin(reviews, and(eq(reviews.draftId, drafts.id), eq(reviews.status, 'pending')))
    .leftJoin(assignee, eq(assignee.id, reviews.assigneeId))
    .where(eq(drafts.drafterId, me.id))
    .orderBy(desc(drafts.updatedAt), desc(drafts.id))
    .limit(limit);
}

/** The latest decisions on my drafts, or made by me. */
export async function recentDecisions(db: Db, me: Person, limit = 10) {
  const decider = aliasedTable(people, 'decider');
  return db
    .select({
      draftId: decisions.draftId, level: decisions.level, decision: decisions.decision, comment: decisions.comment, at: decisions.createdAt,
      title: draftVersions.title, versionNo: draftVersions.no, by: decider.name, byMe: sql<boolean>`${decisions.personId} = ${me.id}`,
    })
    .from(decisions)
    .innerJoin(drafts, eq(drafts.id, decisions.draftId))
    .innerJoin(draftVersions, eq(draftVersions.id, decisions.versionId))
    .innerJoin(decider, eq(decider.id, decisions.personId))
    .where(or(eq(decisions.personId, me.id), eq(drafts.drafterId, me.id)))
    .orderBy(desc(decisions.createdAt))
    .limit(limit);
}

export type AwaitingItem = Awaited<ReturnType<typeof awaitingMe>>[number];
export type MyDraftItem = Awaited<ReturnType<typeof myDrafts>>[number];

export interface OverdueItem {
  draftId: string;
  title: string;
  dueAt: Date;
  /** `mine`: a review waiting on me is late; `waiting`: my draft waits on someone who is late. */
  kind: 'mine' | 'waiting';
  reviewId?: string;
  waitingOn?: string | null;
}

/** Everything of mine that is past its deadline: reviews I owe, and my drafts stuck with someone else. */
export function overdueOf(awaiting: AwaitingItem[], mine: MyDraftItem[], now: Date): OverdueItem[] {
  const late = (d: Date | null): d is Date => d !== null && d.getTime() < now.getTime();
  return [
    ...awaiting.filter((a) => late(a.dueAt)).map((a) => ({ draftId: a.draftId, title: a.title, dueAt: a.dueAt!, kind: 'mine' as const, reviewId: a.reviewId })),
    ...mine.filter((d) => d.status === 'in_review' && late(d.dueAt)).map((d) => ({ draftId: d.draftId, title: d.title, dueAt: d.dueAt!, kind: 'waiting' as const, waitingOn: d.waitingOn })),
  ].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

/** The whole workspace in one call. */
export async function workspaceOf(db: Db, me: Person, now: Date) {
  const [awaiting, mine, decided] = await Promise.all([awaitingMe(db, me), myDrafts(db, me), recentDecisions(db, me)]);
  return { awaiting, mine, decided, overdue: overdueOf(awaiting, mine, now) };
}
export type Workspace = Awaited<ReturnType<typeof workspaceOf>>;
