import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { accounts, draftAccounts, drafts, people, units, type Position } from '../../db/schema';
import type { Platform } from '../domain/inspection-code';
import { versionDiff } from '../domain/diff';
import { bodyText } from '../domain/html';
import { handOnDeadEnd, maySign } from '../domain/signoff';
import { draftView, type DraftView } from './drafts';
import { signersOf, type LinkView } from './signoff';

/** A target account as a reviewer needs to see it: where the text will appear. */
export interface TargetAccount {
  id: string;
  name: string;
  platform: Platform;
  registrationNo: string | null;
}

export async function targetAccounts(db: Db, draftId: string): Promise<TargetAccount[]> {
  return db
    .select({ id: accounts.id, name: accounts.name, platform: accounts.platform, registrationNo: accounts.registrationNo })
    .from(draftAccounts)
    .innerJoin(accounts, eq(accounts.id, draftAccounts.accountId))
    .where(eq(draftAccounts.draftId, draftId))
    .orderBy(asc(accounts.name));
}

/**
 * The version a reviewer last looked at before this one, to diff against: what this person last
 * decided on this draft, else what this level last decided (a successor sees what the level saw).
 */
export function lastSeenVersion(draft: Pick<DraftView, 'reviews' | 'versions'>, reviewerId: string, level: Position, currentNo: number) {
  const earlier = draft.reviews.filter((r) => r.decision && r.version !== null && r.version < currentNo);
  const mine = earlier.filter((r) => r.reviewer.id === reviewerId).at(-1);
  const seen = mine ?? earlier.filter((r) => r.level === level).at(-1);
  if (!seen) return null;
  const version = draft.versions.find((v) => v.no === seen.version);
  return version ? { version, by: mine ? ('me' as const) : ('level' as const), decision: seen.decision!, at: seen.at } : null;
}

/**
 * Who a review may be handed to from the page: members of the draft's unit (its staff and its
 * position holders), except the drafter, the current assignee and anyone who already signed
 * another level of this draft (separation of duties; the service checks again on transfer); for a
 * leader's level, only the unit's leadership (mayTakeLevel). A holder of a later level who, having
 * signed this one, would leave that level with nobody to sign it (handOnDeadEnd) is not offered but
 * listed apart with the reason, as the service would refuse them.
 */
export async function transferCandidates(db: Db, draft: Pick<DraftView, 'id' | 'unitId' | 'drafterId' | 'levels' | 'contentSha256'>, assigneeId: string, level: Position) {
  const [unit, [row]] = await Promise.all([signersOf(db, draft), db.select({ approvals: drafts.approvals }).from(drafts).where(eq(drafts.id, draft.id))]);
  const chain = { levels: draft.levels, approvals: row!.approvals, contentSha256: draft.contentSha256 };
  const allowed = unit.filter((c) => c.id !== assigneeId && maySign(c, level, draft.drafterId));
  // A holder of another level of this draft's chain may take this one, but cannot then sign their own
  // (nobody signs two levels): said beside the name, and offered last.
  const withLevel = allowed.map((c) => ({
    ...c,
    otherLevel: (c.positions.find((x) => x !== level && (draft.levels as readonly string[]).includes(x)) ?? null) as Position | null,
    deadEnd: handOnDeadEnd(chain, level, c, unit, draft.drafterId),
  }));
  const rank = (c: (typeof withLevel)[number]) => (c.otherLevel ? 2 : c.positions.length ? 0 : 1);
  // Position holders first: they are who "another holder of authority" usually means.
  const ranked = withLevel.sort((a, b) => rank(a) - rank(b));
  return { offered: ranked.filter((c) => !c.deadEnd), leftOut: ranked.filter((c) => c.deadEnd).map((c) => ({ ...c, deadEnd: c.deadEnd! })) };
}

function changesSince(draft: Pick<DraftView, 'versions'>, fromNo: number | null, toNo: number) {
  const from = draft.versions.find((v) => v.no === fromNo);
  const to = draft.versions.find((v) => v.no === toNo);
  if (!from || !to) return null;
  const side = (v: typeof from) => ({ title: v.title, text: bodyText(v.body, v.bodyFormat), files: v.files });
  const diff = versionDiff(side(from), side(to));
  const fileNotes = [
    ...diff.files.added.map((f) => ({ zh: `新增文件：${f.name}`, en: `File added: ${f.name}` })),
    ...diff.files.removed.map((f) => ({ zh: `删除文件：${f.name}`, en: `File removed: ${f.name}` })),
    ...diff.files.changed.map((c) => ({ zh: `文件已替换：${c.to.name}`, en: `File replaced: ${c.to.name}` })),
  ];
  return { title: diff.title, body: diff.body, fileNotes };
}

/** Everything the live sign-off page shows besides the link itself. */
export async function signoffPageFacts(db: Db, view: LinkView) {
  const { draft, review, version, reviewer } = view;
  const [drafter] = await db.select({ name: people.name }).from(people).where(eq(people.id, draft.drafterId));
  const [unit] = await db.select({ name: units.name }).from(units).where(eq(units.id, draft.unitId));
  const names = new Map((await db.select({ id: people.id, name: people.name }).from(people).where(inArray(people.id, [...new Set(draft.versions.map((v) => v.createdBy))]))).map((p) => [p.id, p.name]));
  return {
    drafter: drafter!.name,
    unit: unit!.name,
    accounts: await targetAccounts(db, draft.id),
    lastSeen: lastSeenVersion(draft, reviewer.id, review.level, version.no),
    /** The images and attachments of the version under review (served through the link). */
    files: draft.versions.find((v) => v.no === version.no)?.files ?? [],
    /** Each earlier decision on this draft, with its checklist and comment, oldest first. */
    record: draft.reviews.filter((r) => r.decision),
    candidates: await transferCandidates(db, draft, review.assigneeId, review.level),
    versionAuthor: names.get(version.createdBy) ?? null,
    /** 发布前自查 of the version under review: every reviewer sees what the drafter saw. */
    prescreen: draft.versions.find((v) => v.no === version.no)?.prescreen ?? [],
    /** The word diff from the version last seen to this one, and what happened to its files. */
    changes: changesSince(draft, lastSeenVersion(draft, reviewer.id, review.level, version.no)?.version.no ?? null, version.no),
  };
}
export type SignoffPageFacts = Awaited<ReturnType<typeof signoffPageFacts>>;

/** Every decision on a draft so far, oldest first, with checklists and comments. */
export async function decisionRecord(db: Db, draftId: string) {
  const [draft] = await db.select().from(drafts).where(eq(drafts.id, draftId));
  return draft ? (await draftView(db, draft)).reviews.filter((r) => r.decision) : [];
}
