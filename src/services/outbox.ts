import { isNull, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../db/client';
import { outbox, type AnyPosition } from '../../db/schema';

/**
 * Topics announced through the outbox, with their payloads. Payloads carry ids only, never a
 * token: links are minted when the message is sent.
 */
export interface OutboxTopics {
  'review.assigned': { reviewId: string; reason: 'submitted' | 'advanced' | 'returned_to_level' | 'restarted' | 'succession' | 'transfer' };
  /** A person was added through the API: they are told at their own address how to sign in (no credential). */
  'person.welcomed': { personId: string; byId: string | null };
  /** A position changed hands: the outgoing holder and the unit's secretary (as it stood before) are told. */
  'position.assigned': { unitId: string; position: AnyPosition; personId: string; previousId: string | null; byId: string; notifyIds: string[]; at: string };
  /**
   * An incident's people are told: of a new report (`reported`), that an urgent report skipped them
   * (`skipped`), of the report climbing (`reported_up`, `grave`), of a deadline near or passed.
   */
  'incident.notified': { incidentId: string; reason: 'reported' | 'skipped' | 'reported_up' | 'grave' | 'reminder' | 'escalated'; personIds: string[]; deadline?: string; due?: string };
  /** An admin or the publicity department asked for a test message to one of a unit's robots (its robots page). */
  'unit.robot_test': { unitId: string; robot: 'wecom' | 'dingtalk' | 'feishu' | 'webhook'; byId: string; at: string };
  /** Someone asked at /login for a sign-in link; the token is minted when the mail is sent. */
  'login.requested': { loginLinkId: string };
  'review.urged': { reviewId: string; byId: string; comment?: string };
  /** The assignee asked for a fresh link from a spent one (重新发送链接). */
  'review.link_resent': { reviewId: string };
  'draft.closed': { draftId: string; status: 'approved' | 'returned' | 'rejected'; reviewId: string };
  /** Final approval: the approved version goes to each target account's hand-off endpoint (services/handoff.ts). */
  'draft.approved': { draftId: string; versionId: string };
  /** A retraction after approval: the same endpoints, the drafter and the unit's publicity officer are told. */
  'draft.retracted': { draftId: string; versionId: string; byId: string; reason: string | null; at: string };
  /** The n-th reminder of one assignment (assignedAt in ms tells a reassigned review's reminders apart). */
  'review.reminder': { reviewId: string; assignedAt: number; n: number };
  /** Escalation step 1 (level above + unit publicity officer) or 2 (publicity department); the assignee is told too. */
  'review.escalated': { reviewId: string; assignedAt: number; step: number; notifyIds: string[] };
  /** One morning's digest for an approver with several pending reviews; date is the CST day. */
  'digest.daily': { personId: string; date: string; reviewIds: string[] };
  // Registry and annual inspection (src/notify/registry-messages.ts composes their messages).
  'account.status_changed': { accountId: string; from: string; to: string; reason: string | null };
  'account.dormant': { accountId: string; days: number };
  'inspection.opened': { inspectionId: string };
  /** The n-th reminder before the self-report deadline (to the owner and account admins). */
  'inspection.reminder': { inspectionId: string; deadline: string; reminder: number };
  'inspection.self_report_overdue': { inspectionId: string };
  'inspection.graded': { inspectionId: string; result: 'pass' | 'rectify' | 'fail' };
  'inspection.rectification_overdue': { inspectionId: string };
  'inspection.code_revoked': { code: string; accountId: string; reason: string };
  /** A fresh code for a passed inspection whose earlier code was revoked. */
  'inspection.code_issued': { inspectionId: string; code: string };
  // Duties of the responsibility system (src/services/duty-notifications.ts composes their messages).
  /** A period's obligation was created: the unit's responsible holder is told what is due by when. */
  'duty.assigned': { obligationId: string };
  /** The n-th reminder before the due day. */
  'duty.reminder': { obligationId: string; n: number };
  /** Escalation step 1 (the unit's secretary and publicity officer) or 2 (the publicity department); the holder is told too. */
  'duty.escalated': { obligationId: string; step: number; notifyIds: string[] };
  /** A submission waits for its reviewer. */
  'duty.submitted': { obligationId: string; submissionId: string };
  /** The reviewer accepted or returned a submission: its submitter and the responsible holder are told. */
  'duty.decided': { obligationId: string; submissionId: string; decision: 'accept' | 'return' };
  /** The yearly 专项督查 was scored: the unit's secretary and publicity officer get the result and any deadline. */
  'supervision.scored': { supervisionId: string };
  /** A rectification passed its deadline without being reported: the publicity department and the unit's secretary, once. */
  'supervision.rectification_overdue': { supervisionId: string };
}
export type OutboxTopic = keyof OutboxTopics;

export async function enqueue<T extends OutboxTopic>(tx: Db, topic: T, payload: OutboxTopics[T]): Promise<void> {
  await outboxInsert(tx, [message(topic, payload)]);
}

/** One outbox row, typed by its topic (for outboxInsert). */
export const message = <T extends OutboxTopic>(topic: T, payload: OutboxTopics[T]) => ({ topic, payload: payload as unknown as Record<string, unknown> });

/** The INSERT enqueue sends, for several messages at once, as a statement a caller can fold into a larger one. */
export function outboxInsert(tx: Db, messages: ReturnType<typeof message>[]) {
  return tx.insert(outbox).values(messages);
}

/** Processed rows are kept this long (what was sent stays in `deliveries`, what happened in the audit). */
export const OUTBOX_RETENTION_DAYS = 30;

/** Deletes processed outbox rows past retention, a batch at a time; unprocessed rows are never touched. */
export async function pruneOutbox(db: Db, now: Date, batch = 5000): Promise<number> {
  const cutoff = new Date(now.getTime() - OUTBOX_RETENTION_DAYS * 86_400_000);
  const rows = await db.execute(sql`
    delete from ${outbox} where id in (
      select id from ${outbox} where ${outbox.processedAt} is not null and ${outbox.processedAt} < ${cutoff.toISOString()}::timestamptz
      order by id limit ${batch})
    returning id`);
  return rowsOf(rows).length;
}

/**
 * Outbox lag, for /readyz: what waits to be relayed or sent, and the row that has waited longest.
 * A row waits from its creation, or from its latest relay (an operator's resend relays it anew);
 * measured on the database's clock, which stamped both.
 */
export async function outboxLag(db: Db) {
  const waitingSince = sql`coalesce(${outbox.relayedAt}, ${outbox.createdAt})`;
  const [counts] = await db
    .select({ unrelayed: sql<number>`count(*) filter (where ${outbox.relayedAt} is null)::int`, unprocessed: sql<number>`count(*)::int` })
    .from(outbox)
    .where(isNull(outbox.processedAt));
  const [oldest] = await db
    .select({ id: outbox.id, seconds: sql<number>`greatest(0, round(extract(epoch from now() - ${waitingSince})))::int` })
    .from(outbox)
    .where(isNull(outbox.processedAt))
    .orderBy(waitingSince)
    .limit(1);
  return { unrelayed: counts?.unrelayed ?? 0, unprocessed: counts?.unprocessed ?? 0, oldestPendingId: oldest?.id ?? null, oldestPendingSeconds: oldest?.seconds ?? 0 };
}
