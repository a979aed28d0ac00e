import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { linkTokens, positionTerms, reviews, type Position } from '../../db/schema';
import { AppError } from '../lib/errors';
import { enqueue, type OutboxTopics } from './outbox';
import { scheduleFor } from './reminders';

type AssignReason = OutboxTopics['review.assigned']['reason'];

/** The person holding a unit's position now, or null when it is vacant. */
export async function holderOf(db: Db, unitId: string, position: Position): Promise<string | null> {
  const [term] = await db
    .select({ personId: positionTerms.personId })
    .from(positionTerms)
    .where(and(eq(positionTerms.unitId, unitId), eq(positionTerms.position, position), isNull(positionTerms.endedAt)));
  return term?.personId ?? null;
}

/** Opens the review of one level on one version, assigned to the position's holder, and announces it. */
export async function openReview(
  tx: Db,
  args: { draftId: string; unitId: string; versionId: string; round: number; level: Position; reason: AssignReason; now: Date },
): Promise<string> {
  const assigneeId = await holderOf(tx, args.unitId, args.level);
  if (!assigneeId) throw new AppError('conflict', { reason: `岗位“${args.level}”空缺，请先任命 / position ${args.level} is vacant` }, { position: args.level });
  const [review] = await tx
    .insert(reviews)
    .values({ draftId: args.draftId, versionId: args.versionId, round: args.round, level: args.level, assigneeId, assignedAt: args.now, ...(await scheduleFor(tx, args.draftId, args.level, args.now)) })
    .returning({ id: reviews.id });
  await enqueue(tx, 'review.assigned', { reviewId: review!.id, reason: args.reason });
  return review!.id;
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
