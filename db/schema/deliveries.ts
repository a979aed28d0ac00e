import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { at, createdAt, id } from './columns';
import { reviews } from './drafts';
import { people } from './org';

export const DELIVERY_STATUSES = ['sending', 'sent', 'retrying', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const CHANNEL_NAMES = ['email', 'wecom', 'dingtalk', 'feishu', 'webhook', 'log', 'memory'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/**
 * One message to one person over one channel. A send claims its row first (a conditional insert or
 * update on the dedupe key), so a retried or duplicated job never sends twice; a send that keeps
 * failing ends here as `failed`, visible in the API and Bull Board rather than dropped.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: id(),
    /** e.g. `review:<id>@<assignedAt>:reminder:2:<personId>:email`; unique per effect. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    channel: text('channel').$type<ChannelName>().notNull(),
    kind: text('kind').notNull(),
    personId: uuid('person_id').references(() => people.id),
    reviewId: uuid('review_id').references(() => reviews.id),
    outboxId: bigint('outbox_id', { mode: 'number' }),
    status: text('status').$type<DeliveryStatus>().notNull(),
    attempts: integer('attempts').notNull().default(1),
    lastError: text('last_error'),
    claimedAt: at('claimed_at').notNull(),
    sentAt: at('sent_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('deliveries_status_idx').on(t.status).where(sql`${t.status} <> 'sent'`),
    index('deliveries_review_idx').on(t.reviewId),
  ],
);
