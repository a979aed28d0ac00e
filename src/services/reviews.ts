import { and, eq, gt, inArray, isNull, sql, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { auditEvents, decisions, drafts, linkTokens, people, positionTerms, reviews, units, type AnyPosition, type ChainSettings, type Position, type Urgency } from '../../db/schema';
import { assigneeOf, type Decided } from '../domain/signoff';
import { AppError, words } from '../lib/errors';
import { label } from '../lib/i18n';
import { enqueue, type OutboxTopics } from './outbox';
import { calendarStamp, workCalendarOf } from './calendar';
import { scheduleFor, scheduleReview } from './reminders';

type AssignReason = OutboxTopics['review.assigned']['reason'];

const holderQuery = (db: Db, unitId: string, position: AnyPosition) =>
  db.select({ personId: positionTerms.personId }).from(positionTerms).where(and(eq(positionTerms.unitId, unitId), eq(positionTerms.position, position), isNull(positionTerms.endedAt)));

/**
 * Who holds a unit's positions is read by whatever opens a review (submitting, deciding) and changed
 * by an appointment, which moves the outgoing holder's pending reviews to the successor. A review
 * opened while an appointment committed went to the outgoing holder and stayed with them. So every
 * transaction that locks a draft also takes its unit's positions lock, shared (no statement of its
 * own: a column of the draft's lock, see lockDraft), and an appointment takes it alone.
 */
const positionsKey = (unitId: SQLWrapper) => sql`hashtext('unit_positions:' || ${unitId}::text)`;
export const sharedPositionsLock = (unitId: SQLWrapper) => sql<string>`pg_advisory_xact_lock_shared(${positionsKey(unitId)})`;
export async function lockPositions(tx: Db, unitId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${positionsKey(sql`${unitId}`)})`);
}
/** The same lock shared, on its own, for an act that reads holders without locking a draft (a deactivation). */
export async function sharePositions(tx: Db, unitId: string): Promise<void> {
  await tx.execute(sql`select ${sharedPositionsLock(sql`${unitId}`)}`);
}

/** The person holding a unit's position now, or null when it is vacant. */
export async function holderOf(db: Db, unitId: string, position: AnyPosition): Promise<string | null> {
  const [term] = await holderQuery(db, unitId, position);
  return term?.personId ?? null;
}

/** A unit's positions held now, as one JSON object (position → person): whom each level goes to. */
export const holdersJson = (unitId: SQLWrapper) =>
  sql<Partial<Record<AnyPosition, string>>>`(select coalesce(json_object_agg(${positionTerms.position}, ${positionTerms.personId}), '{}'::json) from ${positionTerms} where ${positionTerms.unitId} = ${unitId} and ${positionTerms.endedAt} is null)`;

/**
 * The decisions on a draft (who, at which level, oldest first) by people still active in its unit,
 * as one JSON array: what each has signed, and who took a level of it before (assigneeOf). Read
 * through the decisions' draft index.
 */
export const decidedJson = (draftId: SQLWrapper, unitId: SQLWrapper) => sql<Decided[]>`(
  select coalesce(json_agg(json_build_object('personId', ${decisions.personId}, 'level', ${decisions.level}) order by ${decisions.createdAt}), '[]'::json)
  from ${decisions} inner join ${people} on ${people.id} = ${decisions.personId}
  where ${decisions.draftId} = ${draftId} and ${people.deactivatedAt} is null
    and (${people.unitId} = ${unitId} or exists (select 1 from ${positionTerms} where ${positionTerms.personId} = ${people.id} and ${positionTerms.unitId} = ${unitId} and ${positionTerms.endedAt} is null)))`;

/**
 * Opens the review of one level on one version, assigned as assigneeOf says, and announces it: one
 * read (the unit's holders, the decisions on the draft, the unit's SLAs, the draft's urgency, the
 * calendar in force), then the review and its outbox row sent together (the review's id is made
 * here, so neither waits). The read joins two tables so that drizzle names every column with its
 * table: the subqueries correlate with the draft's row.
 */
export async function openReview(
  tx: Db,
  args: { draftId: string; unitId: string; versionId: string; round: number; level: Position; reason: AssignReason; now: Date },
): Promise<string> {
  const [facts] = await tx
    .select({
      holders: holdersJson(drafts.unitId), decided: decidedJson(drafts.id, drafts.unitId), drafterId: drafts.drafterId,
      chain: units.chain, urgency: drafts.urgency, calendar: calendarStamp,
    })
    .from(drafts)
    .innerJoin(units, eq(units.id, drafts.unitId))
    .where(eq(drafts.id, args.draftId));
  const review = await reviewToOpen(tx, args, facts!);
  await Promise.all([tx.insert(reviews).values(review), enqueue(tx, 'review.assigned', { reviewId: review.id, reason: args.reason })]);
  return review.id;
}

/**
 * What opening a level needs besides the draft: whom it may go to (the unit's holders now, the
 * drafter, the decisions on the draft: assigneeOf reads these), the unit's chain (its SLAs), the
 * draft's urgency, the calendar's stamp.
 */
export interface LevelFacts {
  holders: Partial<Record<AnyPosition, string>>;
  decided: Decided[];
  drafterId: string;
  chain: ChainSettings;
  urgency: Urgency;
  calendar: string;
}

/**
 * The row of the review that opens a level, from facts already read (a link decision reads them with
 * everything else it needs), assigned as assigneeOf says; refused when the position is vacant.
 */
export async function reviewToOpen(tx: Db, args: { draftId: string; versionId: string; round: number; level: Position; now: Date }, facts: LevelFacts) {
  const assigneeId = assigneeOf(args.level, facts.holders, facts.decided, facts.drafterId);
  if (!assigneeId) throw new AppError('conflict', { reason: words(`岗位“${label('level', args.level)}”空缺，请先任命`, `the ${label('level', args.level, 'en')} position is vacant; appoint someone first`) }, { position: args.level });
  const schedule = scheduleReview(await workCalendarOf(tx, facts.calendar), facts.chain.sla?.[args.level], facts.urgency, args.now);
  return { id: crypto.randomUUID(), draftId: args.draftId, versionId: args.versionId, round: args.round, level: args.level, assigneeId, assignedAt: args.now, ...schedule } satisfies typeof reviews.$inferInsert;
}

/** Kills every live link of a review: links are capabilities, and a changed review revokes them. */
export async function supersedeLinks(tx: Db, reviewId: string, reason: string, now: Date): Promise<void> {
  await tx
    .update(linkTokens)
    .set({ supersededAt: now, supersededReason: reason })
    .where(and(eq(linkTokens.reviewId, reviewId), isNull(linkTokens.usedAt), isNull(linkTokens.supersededAt)));
}

/** Hands a pending review to another person (succession or transfer): old links die, a new one is sent; the new holder gets a fresh SLA. */
export async function reassignReview(tx: Db, reviewId: string, toPersonId: string, reason: 'succession' | 'transfer', now: Date): Promise<boolean> {
  const [current] = await tx.select({ draftId: reviews.draftId, level: reviews.level }).from(reviews).where(eq(reviews.id, reviewId));
  if (!current) return false;
  const moved = await tx
    .update(reviews)
    .set({ assigneeId: toPersonId, assignedAt: now, remindersSent: 0, escalationsSent: 0, ...(await scheduleFor(tx, current.draftId, current.level, now)) })
    .where(and(eq(reviews.id, reviewId), eq(reviews.status, 'pending')))
    .returning({ id: reviews.id });
  if (!moved.length) return false;
  await supersedeLinks(tx, reviewId, reason, now);
  await enqueue(tx, 'review.assigned', { reviewId, reason });
  return true;
}

export interface MidReviewTerm { personId: string; unitId: string; position: AnyPosition; startedAt: Date; endedAt: Date | null }

/**
 * Terms of office of these people that began after the draft was first submitted. A level signed
 * under such a term was signed by someone appointed while the draft was in review: not forbidden
 * (successors inherit pending reviews), but exactly what a manager appointing puppets would do, so
 * the record and the approval sheet flag it.
 */
export async function termsBegunDuringReview(db: Db, draftId: string, personIds: string[] | SQLWrapper): Promise<MidReviewTerm[]> {
  if (Array.isArray(personIds) && !personIds.length) return [];
  return termsQuery(db, draftId, personIds);
}

/** termsBegunDuringReview's query; the draft may be a placeholder of a prepared statement. */
export function termsQuery(db: Db, draftId: string | SQLWrapper, personIds: string[] | SQLWrapper) {
  const firstSubmitted = db
    .select({ at: sql`min(${auditEvents.at})` })
    .from(auditEvents)
    .where(and(eq(auditEvents.draftId, draftId), eq(auditEvents.action, 'draft.submitted')));
  return db
    .select({ personId: positionTerms.personId, unitId: positionTerms.unitId, position: positionTerms.position, startedAt: positionTerms.startedAt, endedAt: positionTerms.endedAt })
    .from(positionTerms)
    .where(and(inArray(positionTerms.personId, personIds), gt(positionTerms.startedAt, sql`(${firstSubmitted})`)));
}

/** When the signer of a level at `at` was appointed to it, if that happened while the draft was in review (see termsBegunDuringReview). */
export function appointedDuringReview(terms: MidReviewTerm[], s: { personId: string; unitId: string; position: Position; at: Date }): Date | null {
  const term = terms.find((t) => t.personId === s.personId && t.unitId === s.unitId && t.position === s.position && t.startedAt <= s.at && (!t.endedAt || t.endedAt >= s.at));
  return term?.startedAt ?? null;
}
