import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { reviews } from '../../db/schema';
import { AppError, words } from '../lib/errors';
import type { Person } from './auth';
import { inTransaction, type ServiceDeps } from './context';
import { mintLink, reviewStatusWords } from './signoff';

/**
 * A signed-in approver opens a review from the workspace: a fresh sign-off link is minted for them
 * (the same capability the mail carries: this review, its version, this assignee, single use), so
 * the decision goes through the one sign-off page and service. Only the assignee gets one; the
 * session proves who they are, exactly as opening their own mail would.
 */
export async function linkForAssignee(db: Db, deps: ServiceDeps, me: Person, reviewId: string): Promise<{ path: string; draftId: string }> {
  return inTransaction(db, deps, async (tx) => {
    const [review] = await tx.select().from(reviews).where(eq(reviews.id, reviewId));
    if (!review) throw new AppError('not_found', { what: words('审核', 'review') });
    if (review.assigneeId !== me.id) throw new AppError('not_your_review');
    if (review.status !== 'pending') throw new AppError('review_closed', { status: reviewStatusWords(review.status) }, { status: review.status, draftId: review.draftId });
    const link = await mintLink(tx, deps, review);
    return { path: new URL(link.url).pathname, draftId: review.draftId };
  });
}
