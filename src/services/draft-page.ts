import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { accounts, auditEvents, people, reviews, units } from '../../db/schema';
import { versionDiff } from '../domain/diff';
import { bodyText } from '../domain/html';
import type { Person } from './auth';
import { hasRole, isMemberOf } from './auth';
import { getDraftView, type DraftView } from './drafts';
import { publicationsOf } from './handoff';
import { publishability } from './publish-gate';
import { targetAccounts } from './signoff-view';
import { isUuid } from '../lib/text';

/**
 * What the draft page (`GET /drafts/{id}`) shows besides the draft itself: the timeline from the
 * audit record (every change, decision with its checklist and comment, reminder, escalation,
 * transfer, urge), the names of everyone in it, the unit and target accounts, the diff between two
 * versions, and what the reader may do now. Reads only; the actions go through the drafts services.
 */

export interface TimelineEvent {
  seq: number;
  at: Date;
  action: string;
  actorId: string | null;
  data: Record<string, unknown>;
}

/** Every audited event of one draft, in the order they were written. */
export async function draftTimeline(db: Db, draftId: string): Promise<TimelineEvent[]> {
  return db
    .select({ seq: auditEvents.seq, at: auditEvents.at, action: auditEvents.action, actorId: auditEvents.actorId, data: auditEvents.data })
    .from(auditEvents)
    .where(eq(auditEvents.draftId, draftId))
    .orderBy(asc(auditEvents.seq));
}

/** People an event names, by id: its actor, and `from`, `to`, `assigneeId`, `notified` in its data. */
function mentioned(events: TimelineEvent[], view: DraftView): string[] {
  const ids = new Set<string>([view.drafterId, ...view.reviews.map((r) => r.reviewer.id)]);
  for (const e of events) {
    if (e.actorId) ids.add(e.actorId);
    for (const key of ['from', 'to', 'assigneeId']) if (typeof e.data[key] === 'string') ids.add(e.data[key] as string);
    if (Array.isArray(e.data.notified)) for (const id of e.data.notified) if (typeof id === 'string') ids.add(id);
  }
  // Not every such field holds a person (an escalation's `to` names whom it went to, in words).
  return [...ids].filter(isUuid);
}

/** What the reader may do on the page now, by the draft's state and their part in it. */
export interface PageActions {
  submit: boolean;
  edit: boolean;
  withdraw: boolean;
  urge: boolean;
  retract: boolean;
  /** 登记发布: record where the approved draft went live (its drafter, its unit, publicity). */
  publish: boolean;
  /** The review waiting on the reader, to open from the page. */
  myReviewId: string | null;
}

/** `unitMember`: the reader belongs to the draft's unit (a read, so the caller passes it). */
export function pageActions(view: DraftView, me: Person, unitMember = false): PageActions {
  const drafter = view.drafterId === me.id;
  const overseer = hasRole(me, 'publicity', 'admin');
  const can = (cmd: string) => (view.allowedActions as string[]).includes(cmd);
  const pending = view.reviews.find((r) => r.status === 'pending');
  return {
    submit: drafter && can('submit'),
    edit: drafter && can('edit'),
    withdraw: drafter && can('withdraw'),
    urge: (drafter || overseer) && Boolean(pending),
    retract: (drafter || overseer) && can('retract'),
    publish: (drafter || overseer || unitMember) && view.status === 'approved',
    myReviewId: pending && pending.reviewer.id === me.id ? pending.id : null,
  };
}

/** What a caller may ask of a draft through the API; decisions are taken by sign-off link, never there. */
const API_COMMANDS = ['edit', 'submit', 'withdraw', 'retract', 'urge'] as const;

/**
 * A view as its caller reads it from the API: `allowedActions` names what this caller may do (the
 * state machine's moves cut to their part: the drafter edits and submits, publicity may urge), not
 * every move the draft's status allows.
 */
export function forCaller<V extends DraftView>(view: V, me: Person): V {
  const can = pageActions(view, me);
  return { ...view, allowedActions: API_COMMANDS.filter((cmd) => can[cmd]) };
}

/** A view as a sign-off link's holder reads it: their link's decisions while it works, nothing once it is spent. */
export function forLinkHolder<V extends DraftView>(view: V, live: boolean): V {
  return { ...view, allowedActions: live ? view.allowedActions.filter((cmd) => DECISIONS.includes(cmd)) : [] };
}
const DECISIONS: string[] = ['approve', 'return', 'reject'];

/** A version the page's address asked to compare (`?from=`, `?to=`) that the draft does not have, or that is no version number. */
export interface DiffAskProblem {
  field: 'from' | 'to';
  /** As it was written in the address (its first 20 characters: the page shows it back). */
  asked: string;
  /** True when it is a whole number (a version this draft has not reached, or 0); false when it is not a number at all. */
  numeric: boolean;
}

/**
 * The version pair the draft page compares, from its address as typed (`?from=`, `?to=`): each one
 * asked for that exists is taken; one missing is the default (`to` the current version, `from` the
 * one before `to`), and one the draft does not have, or that is no number, is replaced by that
 * default and returned among `problems`, so the page says so instead of quietly comparing other
 * versions. `pair` is null while the draft has a single version.
 */
export function diffPair(view: Pick<DraftView, 'currentVersion'>, asked: { from?: string; to?: string }): { pair: { from: number; to: number } | null; problems: DiffAskProblem[] } {
  const problems: DiffAskProblem[] = [];
  const read = (field: 'from' | 'to'): number | undefined => {
    const raw = asked[field]?.trim();
    if (!raw) return undefined;
    const n = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
    if (n >= 1 && n <= view.currentVersion) return n;
    problems.push({ field, asked: [...raw].length > 20 ? `${[...raw].slice(0, 20).join('')}…` : raw, numeric: !Number.isNaN(n) });
    return undefined;
  };
  const from = read('from');
  const to = read('to') ?? view.currentVersion;
  if (view.currentVersion === 1) return { pair: null, problems };
  return { pair: { from: from ?? Math.max(1, to - 1), to }, problems };
}

/** The word-level diff of two versions of the view (both already read), as the API's diff computes it. */
export function viewDiff(view: DraftView, pair: { from: number; to: number }) {
  const side = (no: number) => {
    const v = view.versions.find((x) => x.no === no)!;
    return { title: v.title, text: bodyText(v.body, v.bodyFormat), files: v.files };
  };
  return { ...pair, ...versionDiff(side(pair.from), side(pair.to)) };
}

/** Everything the draft page needs; 403/404 as the API answers for the same reader. */
export async function draftPage(db: Db, me: Person, draftId: string, now: Date) {
  const view = await getDraftView(db, me, draftId);
  const events = await draftTimeline(db, draftId);
  const ids = mentioned(events, view);
  const named = ids.length ? await db.select({ id: people.id, name: people.name }).from(people).where(inArray(people.id, ids)) : [];
  const [unit] = await db.select({ name: units.name }).from(units).where(eq(units.id, view.unitId));
  // Accounts a change of targets named (a removed one is no target any more): all of the draft's unit, which the gate made sure of.
  const accountIds = [...new Set(events.flatMap((e) => (e.action === 'draft.publishing_changed' && Array.isArray(e.data.accountIds) ? e.data.accountIds.map(String) : [])))];
  const accountRows = accountIds.length ? await db.select({ id: accounts.id, name: accounts.name }).from(accounts).where(inArray(accounts.id, accountIds)) : [];
  const targets = await targetAccounts(db, draftId);
  const actions = pageActions(view, me, view.status === 'approved' && (await isMemberOf(db, me, view.unitId)));
  const [pending] = await db.select({ dueAt: reviews.dueAt, remindersSent: reviews.remindersSent, escalationsSent: reviews.escalationsSent }).from(reviews).where(and(eq(reviews.draftId, draftId), eq(reviews.status, 'pending')));
  return {
    view,
    events,
    names: new Map(named.map((p) => [p.id, p.name])),
    accountNames: new Map(accountRows.map((a) => [a.id, a.name])),
    unitName: unit?.name ?? '',
    accounts: targets,
    pending: pending ?? null,
    // Members of the draft's unit may record its publication too, as the API lets them.
    actions,
    // 登记发布 offers only accounts the gate lets through now (recordPublication asks the same gate).
    publishTo: actions.publish ? await publishability(db, targets.map((a) => a.id), now) : [],
    publications: await publicationsOf(db, draftId),
  };
}
export type DraftPageData = Awaited<ReturnType<typeof draftPage>>;
