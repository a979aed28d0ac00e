import type { AnyPosition, DraftStatus, Position } from '../../db/schema';
import { label, words, type Words } from '../lib/i18n';

/**
 * The sign-off state machine, pure and table-driven. Given where a draft stands and a command, it
 * says where the draft goes and which review (if any) must be opened; the services do the I/O.
 *
 * Standing approvals map a level to the content hash it approved. A level counts as passed only
 * while its approval matches the current content, so a resubmission with unchanged content resumes
 * where the chain stopped, and changed content is reviewed again from the first level.
 */
export type Approvals = Partial<Record<Position, string>>;

/**
 * Seed 001: 网上发布的信息必须经分管领导初审，报主要领导审批通过后，方可发布. These two levels are the
 * leaders' own: no unit's chain leaves them out.
 */
export const LEADER_LEVELS = ['deputy_leader', 'secretary'] as const satisfies readonly Position[];

/** The unit's leadership (领导班子): its secretary, deputy secretary, dean, deputy dean and leader in charge. */
export const LEADERSHIP = ['secretary', 'deputy_secretary', 'dean', 'deputy_dean', 'deputy_leader'] as const satisfies readonly AnyPosition[];

/**
 * Who may take a leader's level handed on (转交): the leader in charge's review (分管领导初审) a member
 * of the leadership; the secretary's approval (主要领导审批) only the unit's other principal leader,
 * its dean (党政主要领导: 书记、院长). Anyone of the unit may take the other levels.
 */
const TAKERS: Partial<Record<Position, readonly AnyPosition[]>> = { deputy_leader: LEADERSHIP, secretary: ['secretary', 'dean'] };

/** The positions a person must hold in the draft's unit to take `level` handed on; null: anyone of the unit. */
export const takersOf = (level: Position): readonly AnyPosition[] | null => TAKERS[level] ?? null;

/** Whom a leader's level may be handed to, said: 「学院书记的审核只能转交本单位的院长」 (the level's own holder is who hands it on). */
export function takersWords(level: Position): Words | null {
  const takers = takersOf(level)?.filter((p) => p !== level);
  if (!takers) return null;
  const either = (names: string[], or: string, comma: string) => (names.length > 1 ? `${names.slice(0, -1).join(comma)}${or}${names.at(-1)}` : names[0]!);
  return words(
    `${label('level', level)}的审核只能转交本单位的${either(takers.map((p) => label('level', p)), '或', '、')}`,
    `A review at the ${label('level', level, 'en')}'s level can be handed only to the unit's ${either(takers.map((p) => label('level', p, 'en')), ' or ', ', ')}`,
  );
}

/** May someone holding `positions` in the draft's unit take a review of `level` handed on? */
export const mayTakeLevel = (level: Position, positions: readonly AnyPosition[]) => {
  const takers = takersOf(level);
  return !takers || positions.some((p) => takers.includes(p));
};

/**
 * What the person a review was handed to (转交) is told, in the message and at the top of the page:
 * who handed it on, which level, and why — without it a transfer reads as an ordinary assignment.
 */
export function handOnWords(h: { byName: string; level: Position; reason: string }): Words {
  return words(
    `${h.byName} 将此稿件的“${label('level', h.level)}”级别审核转交给您，原因：${h.reason}`,
    `${h.byName} handed this draft's review at the ${label('level', h.level, 'en')}'s level to you. Reason: ${h.reason}`,
  );
}

/** A person of the draft's unit as the chain sees them: the positions they hold there, the levels of this draft they have signed. */
export interface Signer {
  id: string;
  positions: readonly AnyPosition[];
  signed: readonly Position[];
}

/** May this person sign `level` of the draft: not its drafter, allowed the level, and no other level of it signed. */
export const maySign = (p: Signer, level: Position, drafterId: string) => p.id !== drafterId && mayTakeLevel(level, p.positions) && p.signed.every((l) => l === level);

/** A decision on the draft as its assignments read it: who decided at which level (returns count: a level decided is a level signed). */
export interface Decided {
  personId: string;
  level: Position;
}

/** The positions a person holds in the unit, from its holders (position → person). */
const positionsOf = (holders: Partial<Record<AnyPosition, string>>, personId: string) =>
  (Object.keys(holders) as AnyPosition[]).filter((p) => holders[p] === personId);

/**
 * Who reviews `level` of a draft when the chain reaches it: the level's holder if he may sign it
 * (maySign); else whoever decided this level of this draft before and still may, the latest first
 * (it was handed to them, or they held the post then: a level sent back goes to who signed it, not
 * to a holder who has since signed another level or who wrote the draft); else the holder all the
 * same, who is told he is barred and hands it on (转交) — the drafter holding a level names his
 * stand-in that way. null: the post is vacant. `holders`: the unit's positions now (position →
 * person); `decided`: the decisions on this draft, oldest first, by people still active in the unit.
 */
export function assigneeOf(level: Position, holders: Partial<Record<AnyPosition, string>>, decided: readonly Decided[], drafterId: string): string | null {
  const holderId = holders[level];
  if (!holderId) return null;
  const signerOf = (id: string): Signer => ({ id, positions: positionsOf(holders, id), signed: decided.filter((d) => d.personId === id).map((d) => d.level) });
  const before = decided.filter((d) => d.level === level).map((d) => d.personId).reverse();
  return [...new Set([holderId, ...before])].find((id) => maySign(signerOf(id), level, drafterId)) ?? holderId;
}

/**
 * The people who hold two or more levels of a unit's chain (one person may hold two posts; small
 * units do), with those levels in chain order: each of them can sign only one level of a draft,
 * so each draft's later one reaches him only for him to hand it on (转交; assigneeOf).
 */
export function doubledHolders(levels: readonly Position[], holders: readonly { position: AnyPosition; personId: string }[]): { personId: string; levels: Position[] }[] {
  const byPerson = new Map<string, Position[]>();
  for (const level of levels) {
    const personId = holders.find((h) => h.position === level)?.personId;
    if (personId) byPerson.set(personId, [...(byPerson.get(personId) ?? []), level]);
  }
  return [...byPerson].filter(([, held]) => held.length > 1).map(([personId, held]) => ({ personId, levels: held }));
}

/** What an appointment that leaves one person holding two levels of the chain is warned of. */
export function doubledHolderWords(name: string, levels: readonly Position[]): Words {
  const rest = levels.slice(1);
  const zhRest = rest.map((l) => `“${label('level', l)}”`).join('、');
  const enRest = rest.map((l) => label('level', l, 'en')).join(' and ');
  return words(
    `${name}同时担任本单位审核链中的${levels.map((l) => `“${label('level', l)}”`).join('、')}：同一人不能签署同一稿件的两个审核级别，每份稿件的${zhRest}级别审核都须由其转交他人。请任命他人担任其中的岗位，或调整本单位的审核链`,
    `${name} holds ${levels.map((l) => label('level', l, 'en')).join(' and ')} of this unit's chain: one person cannot sign two levels of one draft, so every draft's review at the ${enRest}'s level${rest.length > 1 ? 's' : ''} will have to be handed on by them. Appoint someone else to one of them, or change the unit's chain`,
  );
}

/**
 * The first of `levels`, in chain order, that could not be signed if each level needs a different
 * person allowed to sign it (nobody signs two levels); null when all can be. A matching of levels to
 * people grown one level at a time (augmenting paths): the first level that cannot join it is the
 * first a chain staffed from the start runs out at. Linear in the unit's size per level.
 */
export function unstaffedLevel(levels: readonly Position[], unit: readonly Signer[], drafterId: string): Position | null {
  const able = levels.map((level) => unit.filter((p) => maySign(p, level, drafterId)).map((p) => p.id));
  const levelOf = new Map<string, number>();
  const place = (i: number, tried: Set<string>): boolean =>
    able[i]!.some((id) => {
      if (tried.has(id)) return false;
      tried.add(id);
      const held = levelOf.get(id);
      if (held !== undefined && !place(held, tried)) return false;
      levelOf.set(id, i);
      return true;
    });
  for (let i = 0; i < levels.length; i++) if (!place(i, new Set())) return levels[i]!;
  return null;
}

/**
 * Handing `level` on to `taker` who holds a later level of the same chain: having signed this one, he
 * may not sign his own when it comes (nobody signs two levels), so someone else must be able to take
 * it then, and every level after it must still find its own signer. The later level the taker holds
 * and the level that would be left with nobody allowed to sign it, or null (also for a taker who
 * holds no later level: nothing changes). Only later levels that still need a signature count: one
 * already approved on the current text (after a return to an earlier level, say) is passed when the
 * chain climbs again (nextOpenLevel), so it needs no signer, and its holder nothing to keep free.
 */
export function handOnDeadEnd(chain: Pick<ChainState, 'levels' | 'approvals' | 'contentSha256'>, level: Position, taker: Signer, unit: readonly Signer[], drafterId: string): { holds: Position; stuck: Position } | null {
  const after = chain.levels.indexOf(level);
  const later = levelsToSign(chain.levels, chain.approvals, chain.contentSha256).filter((l) => chain.levels.indexOf(l) > after);
  const holds = later.find((l) => taker.positions.includes(l));
  if (!holds) return null;
  const stuck = unstaffedLevel(later, unit.filter((p) => p.id !== taker.id), drafterId);
  return stuck ? { holds, stuck } : null;
}

/** Why a holder of a later level is not offered this one (handOnDeadEnd), beside their name. */
export function handOnDeadEndWords(holds: Position, stuck: Position): Words {
  const rule = takersWords(stuck);
  return words(
    `另审本稿件“${label('level', holds)}”级别；若由其审核本级，届时“${label('level', stuck)}”级别将无人可以签署${rule ? `（${rule.zh}）` : ''}`,
    `also reviews this draft as ${label('level', holds, 'en')}; if they took this level, nobody could sign at the ${label('level', stuck, 'en')}'s level then${rule ? ` (${rule.en.charAt(0).toLowerCase()}${rule.en.slice(1)})` : ''}`,
  );
}

export interface ChainState {
  status: DraftStatus;
  levels: readonly Position[];
  currentLevel: Position | null;
  contentSha256: string;
  approvals: Approvals;
}

export type Command =
  | { type: 'edit'; contentSha256: string }
  | { type: 'submit' }
  | { type: 'approve' }
  | { type: 'return'; to: 'drafter' | Position }
  | { type: 'reject' }
  | { type: 'withdraw' }
  | { type: 'retract' };
export type CommandType = Command['type'];

export interface Transition {
  status: DraftStatus;
  currentLevel: Position | null;
  contentSha256: string;
  approvals: Approvals;
  /** The level whose review must now be opened (a new round of that level), if any. */
  openLevel: Position | null;
  /** Whether the review open before this command (and its links) is superseded by it. */
  supersedesOpenReview: boolean;
}

export class IllegalTransition extends Error {
  constructor(readonly status: DraftStatus, readonly command: CommandType, readonly reason?: 'invalid_return_target') {
    super(`cannot ${command} a draft that is ${status}`);
  }
}

type Effect = (state: ChainState, command: never) => Transition;

/** What each command does in each status; a missing cell is an illegal transition. */
const TABLE: Record<DraftStatus, Partial<Record<CommandType, Effect>>> = {
  draft: { edit: keepEditing, submit: climb, withdraw: close('withdrawn') },
  returned: { edit: keepEditing, submit: climb, withdraw: close('withdrawn') },
  in_review: { edit: restart, approve, return: sendBack, reject: close('rejected', false), withdraw: close('withdrawn') },
  approved: { retract: close('retracted', false) },
  rejected: {},
  withdrawn: {},
  retracted: {},
};

export function transition(state: ChainState, command: Command): Transition {
  const effect = TABLE[state.status][command.type];
  if (!effect) throw new IllegalTransition(state.status, command.type);
  return (effect as (s: ChainState, c: Command) => Transition)(state, command);
}

/** Commands the draft accepts now: what a UI may offer. */
export function allowedCommands(status: DraftStatus): CommandType[] {
  return Object.keys(TABLE[status]) as CommandType[];
}

/** The levels, in chain order, whose standing approval does not cover the current content: those still to sign. */
export function levelsToSign(levels: readonly Position[], approvals: Approvals, contentSha256: string): Position[] {
  return levels.filter((level) => approvals[level] !== contentSha256);
}

/** The first level, in chain order, whose standing approval does not cover the current content. */
export function nextOpenLevel(levels: readonly Position[], approvals: Approvals, contentSha256: string): Position | null {
  return levelsToSign(levels, approvals, contentSha256)[0] ?? null;
}

function keepEditing(state: ChainState, command: { contentSha256: string }): Transition {
  const { status, currentLevel, approvals } = state;
  return { status, currentLevel, approvals, contentSha256: command.contentSha256, openLevel: null, supersedesOpenReview: false };
}

/** Editing under review: the new version starts the chain again at the first level, all approvals void. */
function restart(state: ChainState, command: { contentSha256: string }): Transition {
  const first = state.levels[0] ?? null;
  return { status: 'in_review', currentLevel: first, contentSha256: command.contentSha256, approvals: {}, openLevel: first, supersedesOpenReview: true };
}

/** Submit or resubmit: climb to the first level that has not approved this exact content. */
function climb(state: ChainState): Transition {
  return advance(state, state.approvals, false);
}

function approve(state: ChainState): Transition {
  const level = state.currentLevel!;
  return advance(state, { ...state.approvals, [level]: state.contentSha256 }, false);
}

function advance(state: ChainState, approvals: Approvals, supersedes: boolean): Transition {
  const next = nextOpenLevel(state.levels, approvals, state.contentSha256);
  return {
    status: next ? 'in_review' : 'approved',
    currentLevel: next,
    contentSha256: state.contentSha256,
    approvals,
    openLevel: next,
    supersedesOpenReview: supersedes,
  };
}

/** Return to the drafter, or to an earlier level, whose approval then no longer stands. */
function sendBack(state: ChainState, command: { to: 'drafter' | Position }): Transition {
  const base = { contentSha256: state.contentSha256, supersedesOpenReview: false };
  if (command.to === 'drafter') return { ...base, status: 'returned', currentLevel: null, approvals: state.approvals, openLevel: null };
  const target = state.levels.indexOf(command.to);
  if (target < 0 || target >= state.levels.indexOf(state.currentLevel!)) {
    throw new IllegalTransition(state.status, 'return', 'invalid_return_target');
  }
  const approvals = { ...state.approvals };
  delete approvals[command.to];
  return { ...base, status: 'in_review', currentLevel: command.to, approvals, openLevel: command.to };
}

function close(status: DraftStatus, supersedes = true): Effect {
  return (state) => ({
    status, currentLevel: null, contentSha256: state.contentSha256, approvals: state.approvals, openLevel: null,
    supersedesOpenReview: supersedes && state.status === 'in_review',
  });
}

/**
 * Why a person may not sign a review (separation of duties): the drafter never signs, and nobody
 * signs two levels of one draft. The code goes into the error's details and onto the record; the
 * words are made from it in the reader's language.
 */
export type DutyConflict = { reason: 'own_draft' } | { reason: 'signed_other_level'; signedAs: Position };

export function dutyConflict(assigneeId: string, drafterId: string, otherLevel: Position | null): DutyConflict | null {
  if (assigneeId === drafterId) return { reason: 'own_draft' };
  return otherLevel ? { reason: 'signed_other_level', signedAs: otherLevel } : null;
}

export function dutyConflictWords(c: DutyConflict): Words {
  if (c.reason === 'own_draft') return words('撰写人不能审核自己的稿件，请转交他人审核', 'The drafter cannot review their own draft; transfer this review');
  return words(`同一人不能签署同一稿件的两个审核级别（已以“${label('level', c.signedAs)}”身份签署），请转交他人审核`, `One person cannot sign two levels of one draft (already signed as ${label('level', c.signedAs, 'en')}); transfer this review`);
}

