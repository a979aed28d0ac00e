import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { decisions, draftVersions, drafts, outbox, people, reviews, units } from '../../db/schema';
import type { Channel, Notification } from '../notify/channel';
import { closedMessage, reviewMessage, type ReviewMessageKind } from '../notify/messages';
import type { ServiceDeps } from './context';
import type { OutboxTopics } from './outbox';
import { mintLink } from './signoff';

type OutboxRow = typeof outbox.$inferSelect;

const recipient = (p: typeof people.$inferSelect): Notification['to'] => ({
  personId: p.id, name: p.name, email: p.email, phone: p.phone, wecomUserId: p.wecomUserId, dingtalkUserId: p.dingtalkUserId,
});

/**
 * The message to a review's assignee, with a freshly minted link. Returns null when the review is
 * no longer pending: a late job must not revive a closed review.
 */
export async function reviewNotification(tx: Db, deps: ServiceDeps, reviewId: string, kind: ReviewMessageKind, dedupeKey: string, comment?: string): Promise<Notification | null> {
  const [row] = await tx
    .select({ review: reviews, draft: drafts, unitName: units.name, version: draftVersions, assignee: people })
    .from(reviews)
    .innerJoin(drafts, eq(drafts.id, reviews.draftId))
    .innerJoin(units, eq(units.id, drafts.unitId))
    .innerJoin(draftVersions, eq(draftVersions.id, reviews.versionId))
    .innerJoin(people, eq(people.id, reviews.assigneeId))
    .where(and(eq(reviews.id, reviewId), eq(reviews.status, 'pending')));
  if (!row) return null;
  const [drafter] = await tx.select().from(people).where(eq(people.id, row.draft.drafterId));
  const link = await mintLink(tx, deps, row.review);
  const text = reviewMessage(kind, {
    reviewerName: row.assignee.name, drafterName: drafter!.name, unitName: row.unitName, title: row.version.title, level: row.review.level,
    version: row.version.no, urgent: row.draft.urgency === 'urgent', link: link.url, expiresAt: link.expiresAt, dueAt: row.review.dueAt, comment: comment ?? null,
  });
  return { kind: `review_${kind}` as Notification['kind'], to: recipient(row.assignee), ...text, link: link.url, dedupeKey };
}

async function closedNotification(tx: Db, deps: ServiceDeps, payload: OutboxTopics['draft.closed'], dedupeKey: string): Promise<Notification | null> {
  const [row] = await tx
    .select({ draft: drafts, drafter: people, decision: decisions })
    .from(drafts)
    .innerJoin(people, eq(people.id, drafts.drafterId))
    .innerJoin(decisions, eq(decisions.reviewId, payload.reviewId))
    .where(eq(drafts.id, payload.draftId));
  if (!row) return null;
  const [version] = await tx.select().from(draftVersions).where(and(eq(draftVersions.draftId, row.draft.id), eq(draftVersions.no, row.draft.currentVersionNo)));
  const text = closedMessage({
    drafterName: row.drafter.name, title: version!.title, status: payload.status, level: row.decision.level, comment: row.decision.comment,
    url: `${deps.config.publicUrl}/api/v1/drafts/${row.draft.id}`,
  });
  return { kind: 'draft_closed', to: recipient(row.drafter), ...text, dedupeKey };
}

/** What one outbox row asks to be sent. Links are minted here, at send time, inside `tx`. */
export async function notificationsFor(tx: Db, deps: ServiceDeps, row: OutboxRow): Promise<Notification[]> {
  const key = `outbox:${row.id}`;
  let message: Notification | null = null;
  switch (row.topic) {
    case 'review.assigned':
      message = await reviewNotification(tx, deps, (row.payload as OutboxTopics['review.assigned']).reviewId, 'assigned', key);
      break;
    case 'review.urged': {
      const p = row.payload as OutboxTopics['review.urged'];
      message = await reviewNotification(tx, deps, p.reviewId, 'urged', key, p.comment);
      break;
    }
    case 'draft.closed':
      message = await closedNotification(tx, deps, row.payload as OutboxTopics['draft.closed'], key);
      break;
  }
  return message ? [message] : [];
}

/**
 * The in-process relay used when no job queue runs (tests, a one-process dev setup): takes the
 * oldest unrelayed row with SKIP LOCKED, sends its messages and marks it, all in one transaction,
 * so a failed send leaves the row for the next pass instead of losing it.
 */
export async function drainOutbox(db: Db, deps: ServiceDeps, channel: Channel, limit = 100): Promise<number> {
  let done = 0;
  while (done < limit) {
    const handled = await db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const [row] = await tx.select().from(outbox).where(isNull(outbox.relayedAt)).orderBy(asc(outbox.id)).limit(1).for('update', { skipLocked: true });
      if (!row) return false;
      for (const message of await notificationsFor(tx, deps, row)) await channel.send(message);
      await tx.update(outbox).set({ relayedAt: sql`now()` }).where(eq(outbox.id, row.id));
      return true;
    });
    if (!handled) break;
    done++;
  }
  return done;
}
