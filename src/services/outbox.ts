import type { Db } from '../../db/client';
import { outbox } from '../../db/schema';

/**
 * Topics announced through the outbox, with their payloads. Payloads carry ids only, never a
 * token: links are minted when the message is sent.
 */
export interface OutboxTopics {
  'review.assigned': { reviewId: string; reason: 'submitted' | 'advanced' | 'returned_to_level' | 'restarted' | 'succession' | 'transfer' };
  'review.urged': { reviewId: string; byId: string; comment?: string };
  'draft.closed': { draftId: string; status: 'approved' | 'returned' | 'rejected'; reviewId: string };
}
export type OutboxTopic = keyof OutboxTopics;

export async function enqueue<T extends OutboxTopic>(tx: Db, topic: T, payload: OutboxTopics[T]): Promise<void> {
  await tx.insert(outbox).values({ topic, payload: payload as unknown as Record<string, unknown> });
}
