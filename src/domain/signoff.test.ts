import { describe, expect, it } from 'vitest';
import { DRAFT_STATUSES, POSITIONS, type DraftStatus, type Position } from '../../db/schema';
import { IllegalTransition, allowedCommands, assigneeOf, doubledHolderWords, doubledHolders, handOnDeadEnd, handOnDeadEndWords, levelsToSign, nextOpenLevel, transition, unstaffedLevel, type ChainState, type Command, type Decided, type Signer } from './signoff';

const levels = POSITIONS;
const state = (over: Partial<ChainState> = {}): ChainState => ({ status: 'draft', levels, currentLevel: null, contentSha256: 'v1', approvals: {}, ...over });
const inReview = (level: ChainState['currentLevel'], approvals: ChainState['approvals'] = {}) => state({ status: 'in_review', currentLevel: level, approvals });

const COMMANDS: Command[] = [
  { type: 'edit', contentSha256: 'v2' }, { type: 'submit' }, { type: 'approve' }, { type: 'return', to: 'drafter' },
  { type: 'reject' }, { type: 'withdraw' }, { type: 'retract' },
];

/** The whole table, written out: which commands each status accepts. */
const LEGAL: Record<DraftStatus, string[]> = {
  draft: ['edit', 'submit', 'withdraw'],
  returned: ['edit', 'submit', 'withdraw'],
  in_review: ['edit', 'approve', 'return', 'reject', 'withdraw'],
  approved: ['retract'],
  rejected: [],
  withdrawn: [],
  retracted: [],
};

describe('sign-off state machine', () => {
  it.each(DRAFT_STATUSES.flatMap((s) => COMMANDS.map((c) => [s, c] as const)))('%s × %o is legal exactly where the table says', (status, command) => {
    const s = state({ status, currentLevel: status === 'in_review' ? 'deputy_leader' : null, approvals: status === 'in_review' ? { section_head: 'v1' } : {} });
    if (LEGAL[status].includes(command.type)) expect(() => transition(s, command)).not.toThrow();
    else expect(() => transition(s, command)).toThrow(IllegalTransition);
  });

  it('allowedCommands mirrors the table', () => {
    for (const status of DRAFT_STATUSES) expect(allowedCommands(status).sort()).toEqual([...LEGAL[status]].sort());
  });

  it('submit opens the first level', () => {
    expect(transition(state(), { type: 'submit' })).toEqual({ status: 'in_review', currentLevel: 'section_head', contentSha256: 'v1', approvals: {}, openLevel: 'section_head', supersedesOpenReview: false });
  });

  it('approve climbs level by level, then approves after the last', () => {
    let s = transition(state(), { type: 'submit' });
    const seen: (string | null)[] = [];
    for (let i = 0; i < levels.length; i++) {
      s = transition(state({ ...s }), { type: 'approve' });
      seen.push(s.currentLevel);
    }
    expect(seen).toEqual(['deputy_leader', 'publicity_officer', 'secretary', null]);
    expect(s.status).toBe('approved');
    expect(s.openLevel).toBeNull();
    expect(s.approvals).toEqual(Object.fromEntries(levels.map((l) => [l, 'v1'])));
  });

  it('a unit with a shorter chain approves after its own last level', () => {
    const s = transition(state({ status: 'in_review', levels: ['section_head', 'secretary'], currentLevel: 'secretary', approvals: { section_head: 'v1' } }), { type: 'approve' });
    expect(s.status).toBe('approved');
  });

  it('return to the drafter keeps standing approvals; resubmitting the same text resumes at the returning level', () => {
    const returned = transition(inReview('publicity_officer', { section_head: 'v1', deputy_leader: 'v1' }), { type: 'return', to: 'drafter' });
    expect(returned).toMatchObject({ status: 'returned', currentLevel: null, openLevel: null, supersedesOpenReview: false });
    const resumed = transition(state({ ...returned }), { type: 'submit' });
    expect(resumed).toMatchObject({ status: 'in_review', currentLevel: 'publicity_officer', openLevel: 'publicity_officer' });
  });

  it('resubmitting changed text starts again at the first level', () => {
    const returned = state({ status: 'returned', approvals: { section_head: 'v1', deputy_leader: 'v1' } });
    const edited = transition(returned, { type: 'edit', contentSha256: 'v2' });
    expect(edited).toMatchObject({ status: 'returned', contentSha256: 'v2', openLevel: null });
    expect(transition(state({ ...edited }), { type: 'submit' }).currentLevel).toBe('section_head');
  });

  it('return to an earlier level voids only that level’s approval', () => {
    const t = transition(inReview('secretary', { section_head: 'v1', deputy_leader: 'v1', publicity_officer: 'v1' }), { type: 'return', to: 'deputy_leader' });
    expect(t).toMatchObject({ status: 'in_review', currentLevel: 'deputy_leader', openLevel: 'deputy_leader', approvals: { section_head: 'v1', publicity_officer: 'v1' } });
    // After the deputy leader approves again, the chain goes straight back to the secretary.
    expect(transition(state({ ...t }), { type: 'approve' }).currentLevel).toBe('secretary');
  });

  it('return to the same or a later level is refused', () => {
    for (const to of ['deputy_leader', 'secretary'] as const) {
      expect(() => transition(inReview('deputy_leader', { section_head: 'v1' }), { type: 'return', to })).toThrow(IllegalTransition);
    }
  });

  it('an edit under review restarts at the first level, voids every approval and supersedes the open review', () => {
    expect(transition(inReview('secretary', { section_head: 'v1', deputy_leader: 'v1', publicity_officer: 'v1' }), { type: 'edit', contentSha256: 'v2' })).toEqual({
      status: 'in_review', currentLevel: 'section_head', contentSha256: 'v2', approvals: {}, openLevel: 'section_head', supersedesOpenReview: true,
    });
  });

  it('reject and retract are terminal; withdraw supersedes only an open review', () => {
    expect(transition(inReview('section_head'), { type: 'reject' })).toMatchObject({ status: 'rejected', supersedesOpenReview: false });
    expect(transition(state({ status: 'approved' }), { type: 'retract' }).status).toBe('retracted');
    expect(transition(inReview('section_head'), { type: 'withdraw' })).toMatchObject({ status: 'withdrawn', supersedesOpenReview: true });
    expect(transition(state(), { type: 'withdraw' })).toMatchObject({ status: 'withdrawn', supersedesOpenReview: false });
  });

  it('names the status and command in an illegal transition', () => {
    try {
      transition(state({ status: 'approved' }), { type: 'edit', contentSha256: 'v2' });
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ status: 'approved', command: 'edit' });
    }
  });

  it('nextOpenLevel skips only approvals of the current content', () => {
    expect(nextOpenLevel(levels, { section_head: 'v1', deputy_leader: 'v0' }, 'v1')).toBe('deputy_leader');
    expect(nextOpenLevel(levels, Object.fromEntries(levels.map((l) => [l, 'v1'])), 'v1')).toBeNull();
  });
});

describe('a hand-on never leaves a later level with nobody allowed to sign it', () => {
  // The demo unit: one holder per level, no dean.
  const person = (id: string, positions: Signer['positions'] = [], signed: Signer['signed'] = []): Signer => ({ id, positions, signed });
  /** The chain with no level approved on the current text yet. */
  const unsigned = { levels, approvals: {}, contentSha256: 'v1' };
  const unit = (signed: Partial<Record<string, Signer['signed']>> = {}) => [
    person('drafter'), person('head', ['section_head'], signed.head), person('deputy', ['deputy_leader'], signed.deputy),
    person('officer', ['publicity_officer'], signed.officer), person('secretary', ['secretary'], signed.secretary),
  ];

  it('the publicity officer handing his level to the secretary: the secretary’s level would then go to the dean, and there is none', () => {
    const u = unit({ head: ['section_head'], deputy: ['deputy_leader'] });
    expect(handOnDeadEnd(unsigned, 'publicity_officer', u[4]!, u, 'drafter')).toEqual({ holds: 'secretary', stuck: 'secretary' });
    // With a dean in the unit the secretary may take it: the dean signs the secretary's level then.
    const withDean = [...u, person('dean', ['dean'])];
    expect(handOnDeadEnd(unsigned, 'publicity_officer', withDean[4]!, withDean, 'drafter')).toBeNull();
  });

  it('a chain of consequences counts too: the section head’s level to the leader in charge leaves the secretary for his level, and then nobody for the secretary’s', () => {
    const u = unit();
    expect(handOnDeadEnd(unsigned, 'section_head', u[2]!, u, 'drafter')).toEqual({ holds: 'deputy_leader', stuck: 'secretary' });
    expect(unstaffedLevel(['deputy_leader', 'publicity_officer', 'secretary'], u.filter((p) => p.id !== 'deputy'), 'drafter')).toBe('secretary');
  });

  it('a taker who holds no later level changes nothing, and one whose level someone else can take is fine', () => {
    const u = [...unit(), person('clerk')];
    expect(handOnDeadEnd(unsigned, 'section_head', u[5]!, u, 'drafter')).toBeNull();
    // The officer takes the section head's level; the section head (who signed nothing) may take the officer's.
    expect(handOnDeadEnd(unsigned, 'section_head', u[3]!, u, 'drafter')).toBeNull();
    expect(unstaffedLevel(levels, u, 'drafter')).toBeNull();
  });

  it('a later level already approved on the current text needs no signer: only the levels still to sign are matched', () => {
    // The secretary sent the text back to the section head; the leader in charge and the officer
    // approved this very text before, and their approvals stand. The leader who approved it has
    // since handed his office to a new one (he is staff now, so he could not sign that level again).
    const u = [
      person('drafter'), person('head', ['section_head']), person('former', [], ['deputy_leader']), person('deputy', ['deputy_leader']),
      person('officer', ['publicity_officer'], ['publicity_officer']), person('secretary', ['secretary'], ['secretary']),
    ];
    const returned = { levels, approvals: { deputy_leader: 'v1', publicity_officer: 'v1' }, contentSha256: 'v1' };
    // Only the secretary's level is left to sign after this one, and the new leader in charge does
    // not hold it: he may take the section head's level.
    expect(handOnDeadEnd(returned, 'section_head', u[3]!, u, 'drafter')).toBeNull();
    // Counted as still to sign (as when the text changed), his own level would need another leader,
    // and there is none who may sign it (the secretary has decided her own level).
    expect(handOnDeadEnd({ ...returned, contentSha256: 'v2' }, 'section_head', u[3]!, u, 'drafter')).toEqual({ holds: 'deputy_leader', stuck: 'deputy_leader' });
    // A level still to sign after an approved one still counts: the secretary may not take it (no dean).
    expect(handOnDeadEnd(returned, 'section_head', u[5]!, u, 'drafter')).toEqual({ holds: 'secretary', stuck: 'secretary' });
    expect(levelsToSign(levels, returned.approvals, 'v1')).toEqual(['section_head', 'secretary']);
  });

  it('names the later level the taker holds, not an earlier one he also holds', () => {
    // One person is both section head and secretary; handed the deputy's level, it is his later level
    // (the secretary's) he could not sign then, and nobody else may take it (no dean).
    const u = [person('drafter'), person('x', ['section_head', 'secretary']), person('deputy', ['deputy_leader']), person('officer', ['publicity_officer'])];
    expect(handOnDeadEnd(unsigned, 'deputy_leader', u[1]!, u, 'drafter')).toEqual({ holds: 'secretary', stuck: 'secretary' });
  });

  it('a large unit is matched in a blink, refusing or not (no search through every assignment)', () => {
    const crowd = Array.from({ length: 400 }, (_, i) => person(`staff${i}`));
    const noDean = [...unit(), ...crowd];
    expect(unstaffedLevel(['deputy_leader', 'publicity_officer', 'secretary'], noDean.filter((p) => p.id !== 'secretary'), 'drafter')).toBe('secretary');
    expect(unstaffedLevel(levels, noDean, 'drafter')).toBeNull();
    // Two leaders' levels that only one person may take: the second finds nobody.
    const oneLeader = [person('drafter'), person('solo', ['secretary', 'deputy_leader']), ...crowd];
    expect(unstaffedLevel(['deputy_leader', 'publicity_officer', 'secretary'], oneLeader, 'drafter')).toBe('secretary');
  });

  it('the words say which level he holds, which would be left unsigned, and who alone may take it', () => {
    const said = handOnDeadEndWords('secretary', 'secretary');
    expect(said.zh).toBe('另审本稿件“学院书记”级别；若由其审核本级，届时“学院书记”级别将无人可以签署（学院书记的审核只能转交本单位的院长）');
    expect(said.en).toContain("nobody could sign at the secretary's level then (a review at the secretary's level can be handed only to the unit's dean)");
  });
});

describe('whom a level goes to: someone who may sign it, else its holder, who hands it on', () => {
  const holders = { section_head: 'head', deputy_leader: 'deputy', publicity_officer: 'officer', secretary: 'secretary' } as const;

  it('each level to its holder when he may sign it; nobody when the post is vacant', () => {
    for (const level of levels) expect(assigneeOf(level, holders, [], 'drafter')).toBe(holders[level]);
    expect(assigneeOf('secretary', { section_head: 'head' }, [], 'drafter')).toBeNull();
  });

  it('a holder who may not sign it: to who decided that level of this draft before, the latest who still may', () => {
    // The clerk signed the section head's level (handed to him), then the section head took and signed the officer's.
    const decided: Decided[] = [{ personId: 'clerk', level: 'section_head' }, { personId: 'deputy', level: 'deputy_leader' }, { personId: 'head', level: 'publicity_officer' }];
    expect(assigneeOf('section_head', holders, decided, 'drafter')).toBe('clerk');
    // The latest who may: not the temp, who has since signed another level.
    const later: Decided[] = [{ personId: 'clerk', level: 'section_head' }, { personId: 'temp', level: 'section_head' }, { personId: 'temp', level: 'secretary' }, { personId: 'head', level: 'publicity_officer' }];
    expect(assigneeOf('section_head', holders, later, 'drafter')).toBe('clerk');
    // The drafter appointed to the level: to who signed it before.
    expect(assigneeOf('section_head', { ...holders, section_head: 'drafter' }, [{ personId: 'head', level: 'section_head' }], 'drafter')).toBe('head');
  });

  it('a leader\'s level goes back only to someone who still holds an office allowed it', () => {
    const signedBySecretaryAsOfficer: Decided[] = [{ personId: 'formerDean', level: 'secretary' }, { personId: 'secretary', level: 'publicity_officer' }];
    expect(assigneeOf('secretary', holders, signedBySecretaryAsOfficer, 'drafter')).toBe('secretary');
    expect(assigneeOf('secretary', { ...holders, dean: 'formerDean' }, signedBySecretaryAsOfficer, 'drafter')).toBe('formerDean');
  });

  it('nobody else may: to its holder all the same, who is told he is barred and hands it on (转交)', () => {
    expect(assigneeOf('section_head', { ...holders, section_head: 'drafter' }, [], 'drafter')).toBe('drafter');
    expect(assigneeOf('deputy_leader', { ...holders, section_head: 'deputy' }, [{ personId: 'deputy', level: 'section_head' }], 'drafter')).toBe('deputy');
  });
});

describe('one person holding two levels of a unit’s chain is found and said', () => {
  it('names him with his levels in chain order; offices and levels left out of the chain do not count', () => {
    const holders = [
      { position: 'deputy_leader', personId: 'zhang' }, { position: 'section_head', personId: 'zhang' }, { position: 'publicity_officer', personId: 'zhao' },
      { position: 'secretary', personId: 'chen' }, { position: 'dean', personId: 'chen' },
    ] as const;
    expect(doubledHolders(levels, holders)).toEqual([{ personId: 'zhang', levels: ['section_head', 'deputy_leader'] }]);
    expect(doubledHolders(['deputy_leader', 'publicity_officer', 'secretary'], holders)).toEqual([]);
  });

  it('the warning says which level he will have to hand on and what resolves it', () => {
    const said = doubledHolderWords('张副院长', ['section_head', 'deputy_leader']);
    expect(said.zh).toBe('张副院长同时担任本单位审核链中的“系室负责人”、“分管院领导”：同一人不能签署同一稿件的两个审核级别，每份稿件的“分管院领导”级别审核都须由其转交他人。请任命他人担任其中的岗位，或调整本单位的审核链');
    expect(said.en).toBe("张副院长 holds section head and deputy leader in charge of this unit's chain: one person cannot sign two levels of one draft, so every draft's review at the deputy leader in charge's level will have to be handed on by them. Appoint someone else to one of them, or change the unit's chain");
  });
});
