import { and, asc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { IDEMPOTENT, type Db } from '../../db/client';
import { prepared } from '../../db/prepared';
import { decisions, deliveries, loginLinks, draftVersions, drafts, outbox, people, reviews, units, type ChannelName, type DeliveryStatus } from '../../db/schema';
import { forRoute, PermanentSendError, routesFor, type Channels, type Notification, type Route } from '../notify/channel';
import { appointmentMessage, closedMessage, robotTestMessage, signInMessage, digestMessage, overdueMessage, reviewMessage, welcomeMessage, type ReviewMessageKind } from '../notify/messages';
import { shortReason, type OutboundPost } from '../notify/outbound';
import { endpointSendsFor, retractionPlans, sendToEndpoint } from './handoff';
import { parseRobots, type UnitRobots } from '../notify/robots';
import { AppError, driverMessage, words } from '../lib/errors';
import { appendAudit } from './audit';
import type { Person } from './auth';
import { inTransaction, type ServiceDeps } from './context';
import type { OutboxTopics } from './outbox';
import { dutyPlans } from './duty-notifications';
import { incidentPlans } from './incident-notifications';
import { supervisionPlans } from './supervisions';
import { registryPlans } from './registry-notifications';
import { mintLoginLink } from './sessions';
import { handOnOf, mintLink, mintLinkIfAssigned, type HandOn } from './signoff';
import { pageLinks } from '../notify/page-links';

/**
 * Turning outbox rows into messages, and sending each exactly once per channel. The BullMQ worker
 * and the synchronous drain (tests, single-process tools) share this path.
 *
 * A message is planned from ids (no token anywhere in the outbox or in job data); each channel's
 * send claims its `deliveries` row by dedupe key first, and only then is the sign-off link minted
 * and the message composed. A retried or duplicated job finds its rows `sent` and sends nothing.
 */

export type OutboxRow = typeof outbox.$inferSelect;
type PersonRow = typeof people.$inferSelect;
type Text = { subject: string; text: string; html: string; link?: string; links?: string[] };

/** One message to one person, before its link is minted. `compose` returns null when it no longer applies. */
export interface Planned {
  key: string;
  kind: Notification['kind'];
  person: PersonRow;
  reviewId: string | null;
  robots: UnitRobots;
  carriesLink: boolean;
  /** Fixed routes instead of the person's preferences (a welcome goes to the address itself). */
  routes?: Route[];
  /** compose writes one statement at most (and reads nothing): run without a transaction around it. */
  oneStatement?: boolean;
  compose(tx: Db): Promise<Text | null>;
}

export interface Delivery {
  db: Db;
  deps: ServiceDeps;
  channels: Channels;
  /** The filtered outbound sender, for deliveries to stored endpoints (the hand-off); absent: they fail for good. */
  post?: OutboundPost;
  /** A `sending` claim older than this is taken to be from a dead worker and may be taken over. */
  claimLeaseMs: number;
}

const recipient = (p: PersonRow): Notification['to'] => ({
  personId: p.id, name: p.name, email: p.email, phone: p.phone, wecomUserId: p.wecomUserId, dingtalkUserId: p.dingtalkUserId,
});

const drafter = alias(people, 'drafter');
/**
 * The statements every mail runs, built by drizzle once per database (db/prepared.ts): building
 * them per mail was a fifth of the mail path's CPU. A review mail is six statements, no transaction:
 * the outbox row, the review with all its message needs, the claim, the link (checked and minted in
 * one), the send recorded, the row processed.
 */
const statements = {
  outboxRow: prepared((db) => db.select().from(outbox).where(eq(outbox.id, sql.placeholder('id')))),
  pendingReview: prepared((db) =>
    db
      .select({ review: reviews, draft: drafts, unit: units, version: draftVersions, assignee: people, drafterName: drafter.name })
      .from(reviews)
      .innerJoin(drafts, eq(drafts.id, reviews.draftId))
      .innerJoin(units, eq(units.id, drafts.unitId))
      .innerJoin(draftVersions, eq(draftVersions.id, reviews.versionId))
      .innerJoin(people, eq(people.id, reviews.assigneeId))
      .innerJoin(drafter, eq(drafter.id, drafts.drafterId))
      .where(and(eq(reviews.id, sql.placeholder('reviewId')), eq(reviews.status, 'pending'))),
  ),
  claim: prepared((db) =>
    db
      .insert(deliveries)
      .values({
        dedupeKey: sql.placeholder('dedupeKey'), channel: sql.placeholder('channel'), kind: sql.placeholder('kind'), personId: sql.placeholder('personId'),
        reviewId: sql.placeholder('reviewId'), outboxId: sql.placeholder('outboxId'), status: 'sending', claimedAt: sql.placeholder('now'),
      })
      .onConflictDoUpdate({
        target: deliveries.dedupeKey,
        set: { status: 'sending', attempts: sql`${deliveries.attempts} + 1`, claimedAt: sql`excluded.claimed_at` },
        setWhere: or(inArray(deliveries.status, ['retrying', 'failed']), and(eq(deliveries.status, 'sending'), lt(deliveries.claimedAt, sql.placeholder('staleBefore')))),
      })
      .returning({ id: deliveries.id }),
  ),
  // Marked IDEMPOTENT (it sets a fixed state by key): when its connection is lost, db/node.ts sends
  // it again on another, rather than leave the claim `sending` until its lease runs out and the mail
  // already sent goes out again.
  sent: prepared(() => sql`${sql.raw(IDEMPOTENT)} update ${deliveries} set status = 'sent', sent_at = ${sql.placeholder('now')}::timestamptz, last_error = null where dedupe_key = ${sql.placeholder('dedupeKey')}`),
  // A resent delivery that no plan covers any more (the review was decided meanwhile) is obsolete;
  // so is a claim whose sender died mid-send (its lease ran out), which nobody would ever close: the
  // message may have gone out before the sender died, and is no longer needed either way.
  processed: prepared(() => sql`
    with obsolete as (
      update ${deliveries} set status = 'sent', sent_at = ${sql.placeholder('now')}::timestamptz,
        last_error = case when status = 'retrying' then 'obsolete: not sent' else 'obsolete: its sender stopped mid-send; it may have gone out' end
      where outbox_id = ${sql.placeholder('id')}
        and (status = 'retrying' or (status = 'sending' and claimed_at < ${sql.placeholder('staleBefore')}::timestamptz)))
    update ${outbox} set processed_at = ${sql.placeholder('now')}::timestamptz, relayed_at = coalesce(relayed_at, now()) where id = ${sql.placeholder('id')}`),
};

async function pendingReview(db: Db, reviewId: string) {
  const [row] = await statements.pendingReview(db, { reviewId });
  return row ?? null;
}

/**
 * The message to a review's assignee, from the review as read for the plan. The link is minted only
 * while the review is still pending and the assignee's (null otherwise: closed or handed on, so a
 * late job revives nothing).
 */
function reviewPlan(deps: ServiceDeps, row: NonNullable<Awaited<ReturnType<typeof pendingReview>>>, kind: ReviewMessageKind, key: string, said: { comment?: string; handOn?: HandOn | null } = {}): Planned {
  const { review } = row;
  return {
    key, kind: `review_${kind}` as Notification['kind'], person: row.assignee, reviewId: review.id, robots: parseRobots(row.unit.robots), carriesLink: true, oneStatement: true,
    async compose(db) {
      const link = await mintLinkIfAssigned(db, deps, review);
      if (!link) return null;
      const text = reviewMessage(kind, {
        reviewerName: row.assignee.name, drafterName: row.drafterName, unitName: row.unit.name, title: row.version.title, level: review.level,
        version: row.version.no, urgent: row.draft.urgency === 'urgent', link: link.url, expiresAt: link.expiresAt, dueAt: review.dueAt, comment: said.comment ?? null,
        handOn: said.handOn ?? null,
      });
      return { ...text, link: link.url };
    },
  };
}

/** What one outbox row asks to be sent, as plans. Reads only; nothing is minted here. */
export async function plansFor(db: Db, deps: ServiceDeps, row: OutboxRow): Promise<Planned[]> {
  const key = `outbox:${row.id}`;
  switch (row.topic) {
    case 'review.assigned':
    case 'review.urged': {
      const p = row.payload as OutboxTopics['review.urged'] | OutboxTopics['review.assigned'];
      const r = await pendingReview(db, p.reviewId);
      if (!r) return [];
      // Handed on: the new holder is told by whom and why, not only that a review waits.
      const handOn = 'reason' in p && p.reason === 'transfer' ? await handOnOf(db, r.review) : null;
      return [reviewPlan(deps, r, row.topic === 'review.urged' ? 'urged' : 'assigned', key, { comment: 'comment' in p ? p.comment : undefined, handOn })];
    }
    case 'review.link_resent': {
      const r = await pendingReview(db, (row.payload as OutboxTopics['review.link_resent']).reviewId);
      return r ? [reviewPlan(deps, r, 'resent', key)] : [];
    }
    case 'review.reminder': {
      const p = row.payload as OutboxTopics['review.reminder'];
      const r = await pendingReview(db, p.reviewId);
      // A reminder of an earlier assignment (the review was handed on since) is void.
      if (!r || r.review.assignedAt.getTime() !== p.assignedAt) return [];
      return [reviewPlan(deps, r, 'reminder', `review:${p.reviewId}@${p.assignedAt}:reminder:${p.n}`)];
    }
    case 'review.escalated': {
      const p = row.payload as OutboxTopics['review.escalated'];
      const r = await pendingReview(db, p.reviewId);
      if (!r || r.review.assignedAt.getTime() !== p.assignedAt) return [];
      const key = `review:${p.reviewId}@${p.assignedAt}:escalation:${p.step}`;
      const others = p.notifyIds.length ? await db.select().from(people).where(inArray(people.id, p.notifyIds)) : [];
      const robots = parseRobots(r.unit.robots);
      return [
        reviewPlan(deps, r, 'escalated', key),
        ...others.map<Planned>((person) => ({
          key, kind: 'review_escalated', person, reviewId: r.review.id, robots, carriesLink: false,
          async compose() {
            return overdueMessage({
              recipientName: person.name, assigneeName: r.assignee.name, unitName: r.unit.name, title: r.version.title, level: r.review.level,
              assignedAt: r.review.assignedAt, dueAt: r.review.dueAt, reminders: r.review.remindersSent, step: p.step, url: pageLinks(deps.config.publicUrl).draft(r.draft.id),
            });
          },
        })),
      ];
    }
    case 'digest.daily': {
      const p = row.payload as OutboxTopics['digest.daily'];
      const [person] = await db.select().from(people).where(eq(people.id, p.personId));
      if (!person) return [];
      const [unit] = person.unitId ? await db.select().from(units).where(eq(units.id, person.unitId)) : [];
      return [{
        key: `digest:${p.personId}:${p.date}`, kind: 'digest', person, reviewId: null, robots: parseRobots(unit?.robots), carriesLink: true,
        async compose(tx) {
          const items = [];
          for (const reviewId of p.reviewIds) {
            const r = await pendingReview(tx, reviewId);
            if (!r || r.review.assigneeId !== person.id) continue;
            const link = await mintLink(tx, deps, r.review);
            items.push({ title: r.version.title, unitName: r.unit.name, level: r.review.level, urgent: r.draft.urgency === 'urgent', dueAt: r.review.dueAt, link: link.url });
          }
          // Decided meanwhile down to one or none: the ordinary messages already cover it.
          if (items.length < 2) return null;
          return { ...digestMessage({ reviewerName: person.name, items }), link: items[0]!.link, links: items.map((i) => i.link) };
        },
      }];
    }
    case 'draft.closed': {
      const p = row.payload as OutboxTopics['draft.closed'];
      const [r] = await db
        .select({ draft: drafts, drafter: people, decision: decisions, unit: units })
        .from(drafts)
        .innerJoin(people, eq(people.id, drafts.drafterId))
        .innerJoin(units, eq(units.id, drafts.unitId))
        .innerJoin(decisions, eq(decisions.reviewId, p.reviewId))
        .where(eq(drafts.id, p.draftId));
      if (!r) return [];
      return [{
        key, kind: 'draft_closed', person: r.drafter, reviewId: p.reviewId, robots: parseRobots(r.unit.robots), carriesLink: false,
        async compose(tx) {
          const [version] = await tx.select().from(draftVersions).where(and(eq(draftVersions.draftId, r.draft.id), eq(draftVersions.no, r.draft.currentVersionNo)));
          return closedMessage({
            drafterName: r.drafter.name, title: version!.title, status: p.status, level: r.decision.level, comment: r.decision.comment,
            url: pageLinks(deps.config.publicUrl).draft(r.draft.id),
          });
        },
      }];
    }
    case 'person.welcomed': {
      const p = row.payload as OutboxTopics['person.welcomed'];
      const [person] = await db.select().from(people).where(eq(people.id, p.personId));
      if (!person) return [];
      return [{
        key, kind: 'welcome', person, reviewId: null, robots: {}, carriesLink: false, routes: ['email'],
        async compose(tx) {
          const [by] = p.byId ? await tx.select({ name: people.name }).from(people).where(eq(people.id, p.byId)) : [];
          const [unit] = person.unitId ? await tx.select({ name: units.name }).from(units).where(eq(units.id, person.unitId)) : [];
          return welcomeMessage({ name: person.name, email: person.email, byName: by?.name ?? null, unitName: unit?.name ?? null, roles: person.roles, loginUrl: `${deps.config.publicUrl}/login` });
        },
      }];
    }
    case 'login.requested': {
      const p = row.payload as OutboxTopics['login.requested'];
      const [found] = await db.select({ person: people }).from(loginLinks).innerJoin(people, eq(people.id, loginLinks.personId)).where(eq(loginLinks.id, p.loginLinkId));
      if (!found) return [];
      const { person } = found;
      // To the address itself, whatever the person's channel preferences: the link is a credential.
      return [{
        key, kind: 'sign_in', person, reviewId: null, robots: {}, carriesLink: true, routes: ['email'],
        async compose(tx) {
          const link = await mintLoginLink(tx, deps, p.loginLinkId);
          return link ? { ...signInMessage({ name: person.name, link: link.url, expiresAt: link.expiresAt }), link: link.url } : null;
        },
      }];
    }
    case 'position.assigned': {
      const p = row.payload as OutboxTopics['position.assigned'];
      const named = await db.select().from(people).where(inArray(people.id, [...new Set([...p.notifyIds, p.personId, p.byId, ...(p.previousId ? [p.previousId] : [])])]));
      const byId = new Map(named.map((n) => [n.id, n]));
      const [unit] = await db.select().from(units).where(eq(units.id, p.unitId));
      if (!unit || !byId.get(p.personId)) return [];
      const incoming = byId.get(p.personId)!;
      return p.notifyIds.flatMap((id) => {
        const person = byId.get(id);
        if (!person) return [];
        return [{
          key, kind: 'position_assigned', person, reviewId: null, robots: parseRobots(unit.robots), carriesLink: false,
          async compose() {
            return appointmentMessage({
              recipientName: person.name, unitName: unit.name, position: p.position, newName: incoming.name, newEmail: incoming.email,
              previousName: p.previousId ? (byId.get(p.previousId)?.name ?? null) : null, byName: byId.get(p.byId)?.name ?? '', at: new Date(p.at),
              url: pageLinks(deps.config.publicUrl).workspace(),
            });
          },
        } satisfies Planned];
      });
    }
    case 'unit.robot_test': {
      const p = row.payload as OutboxTopics['unit.robot_test'];
      const [unit] = await db.select().from(units).where(eq(units.id, p.unitId));
      const [by] = await db.select().from(people).where(eq(people.id, p.byId));
      if (!unit || !by) return [];
      // To the robot alone, addressed to whoever asked (their @-mention, where the platform has one).
      return [{
        key, kind: 'robot_test', person: by, reviewId: null, robots: parseRobots(unit.robots), carriesLink: false, routes: [p.robot],
        async compose() {
          return robotTestMessage({ unitName: unit.name, robot: p.robot, byName: by.name, at: new Date(p.at) });
        },
      }];
    }
    case 'draft.approved':
      // Only the accounts' endpoints (endpointSendsFor); the drafter is told by draft.closed.
      return [];
    case 'draft.retracted':
      return retractionPlans(db, deps, row);
    default:
      // The duty topics, then the registry and inspection topics.
      if (row.topic === 'incident.notified') return incidentPlans(db, deps, row, key);
      if (row.topic.startsWith('duty.')) return dutyPlans(db, deps, row, key);
      if (row.topic.startsWith('supervision.')) return supervisionPlans(db, deps, row, key);
      return registryPlans(db, deps, row, key);
  }
}

/**
 * Sends that went out but could not be recorded as `sent` (the database out of reach past db/node.ts's
 * retries), by database and dedupe key, with when they went. Written before the key is claimed
 * again, so this process's next attempt at the row does not send them twice; only a send taken over
 * by another process after the lease still goes out again (mail is at least once).
 */
const unrecorded = new WeakMap<Db, Map<string, string>>();
const unrecordedOf = (db: Db) => unrecorded.get(db) ?? unrecorded.set(db, new Map()).get(db)!;

/**
 * Claims one send: inserts its row as `sending`, or takes over a row that failed or whose sender
 * died (claim older than the lease), and answers its id. `sent`: nothing to do; `busy`: another
 * sender holds a fresh claim (or held it and died), so this attempt must be retried later rather
 * than counted as done.
 */
async function claim(db: Db, d: { dedupeKey: string; route: Route; kind: string; personId: string | null; reviewId: string | null; outboxId: number }, leaseMs: number): Promise<{ id: string } | 'sent' | 'busy'> {
  const owed = unrecordedOf(db).get(d.dedupeKey);
  if (owed) {
    await statements.sent(db, { now: owed, dedupeKey: d.dedupeKey });
    unrecordedOf(db).delete(d.dedupeKey);
    return 'sent';
  }
  const now = new Date();
  const [row] = await statements.claim(db, { ...d, channel: d.route, now, staleBefore: new Date(now.getTime() - leaseMs).toISOString() });
  if (row) return row;
  const [held] = await db.select({ status: deliveries.status }).from(deliveries).where(eq(deliveries.dedupeKey, d.dedupeKey));
  return held?.status === 'sent' ? 'sent' : 'busy';
}

/** Closes deliveries whose message no longer applies: done, with nothing sent. */
function markObsolete(db: Db, which: SQL) {
  return db.update(deliveries).set({ status: 'sent', sentAt: new Date(), lastError: 'obsolete: not sent' }).where(which);
}

export interface DispatchResult {
  sent: number;
  skipped: number;
  failed: { dedupeKey: string; error: string; permanent: boolean }[];
}

/**
 * Sends what one outbox row asks for; `jobKey` is the row's job key as the job names it. `final` is the job's last attempt: failures are then
 * recorded as `failed` (visible, listed) and the row is marked processed instead of retried.
 * Throws when a send failed and another attempt may still succeed, so the job is retried.
 */
export async function dispatchOutboxRow(d: Delivery, outboxId: number, opts: { final: boolean; jobKey?: string } = { final: true }): Promise<DispatchResult> {
  const { db, deps, channels } = d;
  const [row] = await statements.outboxRow(db, { id: outboxId });
  const result: DispatchResult = { sent: 0, skipped: 0, failed: [] };
  const busy: string[] = [];
  const notRecorded: string[] = [];
  /** Runs one claimed send and records how it went: sent, or retrying/failed with a short reason. */
  const attempt = async (deliveryId: string, dedupeKey: string, route: Route, send: () => Promise<void>) => {
    try {
      await send();
    } catch (err) {
      const permanent = err instanceof PermanentSendError;
      // Shown to operators in GET /deliveries: short, one line, no control characters.
      const error = shortReason((err as Error).message ?? String(err));
      // Only while still this send's claim: a row closed meanwhile (its lease ran out and the message
      // was no longer needed) is not reopened as `retrying` on an outbox row nothing will revisit.
      await db.update(deliveries).set({ status: permanent || opts.final ? 'failed' : 'retrying', lastError: error }).where(and(eq(deliveries.dedupeKey, dedupeKey), eq(deliveries.status, 'sending')));
      result.failed.push({ dedupeKey, error, permanent });
      deps.log.warn({ dedupeKey, route, err: error, final: opts.final || permanent }, 'notification send failed');
      return;
    }
    result.sent++;
    const sentAt = new Date().toISOString();
    try {
      await statements.sent(db, { now: sentAt, dedupeKey });
    } catch (err) {
      // The message went out; only its record did not. Not a failed send (reopening the claim would
      // send it again): owed to the database, written before the key is claimed again.
      unrecordedOf(db).set(dedupeKey, sentAt);
      notRecorded.push(dedupeKey);
      deps.log.error({ deliveryId, dedupeKey, route, err: driverMessage(err) }, 'notification sent but not recorded as sent (database unreachable); recorded at the next attempt, the outbox row stays unprocessed until then');
    }
  };
  // A job naming a row this database does not hold (another deployment's, or from before the
  // database was replaced or restored) is an error, never a silent success: it is retried, then failed.
  if (!row || (opts.jobKey && row.jobKey !== opts.jobKey)) {
    throw new Error(`outbox row ${outboxId}${opts.jobKey ? ` with job key ${opts.jobKey}` : ''} is not in this database: the job belongs to another database`);
  }
  for (const plan of await plansFor(db, deps, row)) {
    const routes = plan.routes ?? routesFor(plan.person.channels, plan.robots, plan.carriesLink);
    const claimed: { route: Route; dedupeKey: string; id: string }[] = [];
    for (const route of routes) {
      const dedupeKey = `${plan.key}:${plan.person.id}:${route}`;
      const state = await claim(db, { dedupeKey, route, kind: plan.kind, personId: plan.person.id, reviewId: plan.reviewId, outboxId }, d.claimLeaseMs);
      if (typeof state === 'object') claimed.push({ route, dedupeKey, id: state.id });
      else if (state === 'sent') result.skipped++;
      else busy.push(dedupeKey);
    }
    if (!claimed.length) continue;
    const text = plan.oneStatement ? await plan.compose(db) : await db.transaction((tx) => plan.compose(tx as unknown as Db));
    if (!text) {
      // Nothing to say any more (decided, handed on): release the claims as sent-nothing.
      await markObsolete(db, inArray(deliveries.dedupeKey, claimed.map((c) => c.dedupeKey)));
      continue;
    }
    for (const { route, dedupeKey, id } of claimed) {
      const channel = channels[route];
      await attempt(id, dedupeKey, route, async () => {
        if (!channel) throw new PermanentSendError(`channel ${route} is not configured`);
        // Only a route that reaches the person alone gets the link; the others get the same words without it.
        await channel.send(forRoute(route, { kind: plan.kind, to: recipient(plan.person), ...text, dedupeKey, robots: plan.robots }));
      });
    }
  }
  // Deliveries to stored endpoints (the hand-off of an approved draft to its accounts' systems).
  for (const send of await endpointSendsFor(db, deps, row)) {
    const state = await claim(db, { dedupeKey: send.key, route: 'webhook', kind: send.kind, personId: null, reviewId: null, outboxId }, d.claimLeaseMs);
    if (state === 'sent') { result.skipped++; continue; }
    if (state === 'busy') { busy.push(send.key); continue; }
    const body = await db.transaction((tx) => send.compose(tx as unknown as Db));
    if (body === null) {
      await markObsolete(db, eq(deliveries.dedupeKey, send.key));
      continue;
    }
    await attempt(state.id, send.key, 'webhook', async () => {
      if (!d.post) throw new PermanentSendError('no outbound sender in this process');
      await sendToEndpoint(d.post, send, body);
    });
  }
  // A claim held elsewhere is either in flight or its holder died: only a later attempt, after the
  // lease, can tell, so the row stays unprocessed (drain leaves it; a job retries with backoff).
  if (busy.length) throw new Error(`${busy.length} send(s) claimed by another sender: ${busy.join(', ')}`);
  // Processed now, the row would leave those claims `sending` (fresh, so not closed as obsolete) for good.
  if (notRecorded.length) throw new Error(`${notRecorded.length} send(s) went out but are not yet recorded as sent: ${notRecorded.join(', ')}`);
  const retryable = result.failed.filter((f) => !f.permanent);
  if (retryable.length && !opts.final) throw new Error(`${retryable.length} send(s) failed: ${retryable.map((f) => `${f.dedupeKey}: ${f.error}`).join('; ')}`);
  const now = Date.now();
  await statements.processed(db, { id: outboxId, now: new Date(now).toISOString(), staleBefore: new Date(now - d.claimLeaseMs).toISOString() });
  return result;
}

/**
 * Synchronous delivery without a job queue (tests, one-shot tools, a process whose Redis is down):
 * takes unprocessed rows one at a time (each taken by one conditional UPDATE, so concurrent drains
 * never share a row) and sends them. A failure leaves the row unprocessed for the next drain or the
 * queue's sweep. `relayedBefore`: rows handed to the queue before then count as not relayed (their
 * jobs sit in a Redis that is down); the claimed deliveries keep a job that later runs from sending twice.
 */
export async function drainOutbox(d: Delivery, limit = 100, opts: { relayedBefore?: Date; concurrency?: number } = {}): Promise<number> {
  let done = 0;
  const failed = new Set<number>();
  const notRelayed = opts.relayedBefore ? sql`(${outbox.relayedAt} is null or ${outbox.relayedAt} < ${opts.relayedBefore.toISOString()})` : sql`${outbox.relayedAt} is null`;
  // `concurrency` senders take rows side by side (a slow mail server is then not one row at a time).
  const sender = async () => {
    while (done + failed.size < limit) {
      const [row] = await d.db
        .update(outbox)
        .set({ relayedAt: sql`now()` })
        .where(
          eq(outbox.id, sql`(select id from ${outbox} where ${outbox.processedAt} is null and ${notRelayed} ${failed.size ? sql`and id not in (${sql.join([...failed].map((id) => sql`${id}`), sql`, `)})` : sql``} order by id limit 1 for update skip locked)`),
        )
        .returning({ id: outbox.id });
      if (!row) break;
      try {
        await dispatchOutboxRow(d, row.id, { final: false });
        done++;
      } catch (err) {
        failed.add(row.id);
        await d.db.update(outbox).set({ relayedAt: null }).where(eq(outbox.id, row.id));
        d.deps.log.warn({ err, outboxId: row.id }, 'outbox row not delivered; left for the next pass');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, sender));
  return done;
}

/**
 * Deliveries for the operators' listing, newest first, with what an operator needs to judge one: to
 * whom, the outbox topic that asked for it, and the draft it is about (through its review, or the
 * draft its outbox row names while that row is kept).
 */
export async function listDeliveries(db: Db, filter: { id?: string; status?: DeliveryStatus; channel?: ChannelName; reviewId?: string; limit: number; offset: number }) {
  const where = and(
    filter.id ? eq(deliveries.id, filter.id) : undefined,
    filter.status ? eq(deliveries.status, filter.status) : undefined,
    filter.channel ? eq(deliveries.channel, filter.channel) : undefined,
    filter.reviewId ? eq(deliveries.reviewId, filter.reviewId) : undefined,
  );
  const draftId = sql<string | null>`coalesce(${reviews.draftId}, (${outbox.payload}->>'draftId')::uuid)`;
  const rows = await db
    .select({ delivery: deliveries, personName: people.name, topic: outbox.topic, draftId })
    .from(deliveries)
    .leftJoin(people, eq(people.id, deliveries.personId))
    .leftJoin(reviews, eq(reviews.id, deliveries.reviewId))
    .leftJoin(outbox, eq(outbox.id, deliveries.outboxId))
    .where(where)
    .orderBy(sql`${deliveries.createdAt} desc`, asc(deliveries.id))
    .limit(filter.limit)
    .offset(filter.offset);
  const ids = [...new Set(rows.map((r) => r.draftId).filter((id): id is string => Boolean(id)))];
  const titles = ids.length
    ? await db.select({ id: drafts.id, title: draftVersions.title }).from(drafts).innerJoin(draftVersions, and(eq(draftVersions.draftId, drafts.id), eq(draftVersions.no, drafts.currentVersionNo))).where(inArray(drafts.id, ids))
    : [];
  const titleOf = new Map(titles.map((t) => [t.id, t.title]));
  return rows.map((r) => ({ ...r.delivery, personName: r.personName, topic: r.topic, draftId: r.draftId, draftTitle: r.draftId ? (titleOf.get(r.draftId) ?? null) : null }));
}

/**
 * An operator resends a failed send (after fixing a robot's settings, say): the delivery becomes
 * claimable again and its outbox row is put back for the relay under a fresh job id, so it goes
 * out once more whether or not a queue is running. Sends of the row that succeeded stay sent.
 */
export async function resendDelivery(db: Db, deps: ServiceDeps, actor: Person, deliveryId: string) {
  await inTransaction(db, deps, async (tx) => {
    const [d] = await tx.select().from(deliveries).where(eq(deliveries.id, deliveryId)).for('update');
    if (!d) throw new AppError('not_found', { what: words('发送记录', 'delivery') }, { field: 'id' });
    if (d.status !== 'failed' || d.outboxId === null) {
      throw new AppError('conflict', { reasonZh: `只能重发失败的通知（当前：${d.status}）`, reasonEn: `only a failed send can be resent (this one is ${d.status})` }, { status: d.status });
    }
    await tx.update(deliveries).set({ status: 'retrying' }).where(eq(deliveries.id, d.id));
    await tx.update(outbox).set({ processedAt: null, relayedAt: null, resends: sql`${outbox.resends} + 1` }).where(eq(outbox.id, d.outboxId));
    await appendAudit(tx, { actorId: actor.id, action: 'delivery.resent', subjectType: 'delivery', subjectId: d.id, data: { channel: d.channel, kind: d.kind, personId: d.personId, lastError: d.lastError }, at: deps.now() });
  });
  const [row] = await listDeliveries(db, { id: deliveryId, limit: 1, offset: 0 });
  return row!;
}
