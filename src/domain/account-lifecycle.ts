/**
 * The life of an official account in the registry (登记备案), as one table of status × command.
 * Nothing is ever deleted: deregistration leaves a tombstone, and every move is a dated event.
 */
export const ACCOUNT_STATUSES = ['pending', 'registered', 'suspended', 'rectifying', 'shut_down', 'deregistered'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export const ACCOUNT_COMMANDS = ['approve', 'reject', 'change', 'suspend', 'rectify', 'reinstate', 'shut_down', 'deregister'] as const;
export type AccountCommand = (typeof ACCOUNT_COMMANDS)[number];

/** status → command → next status. A missing entry is a refused move. `change` keeps the status. */
export const ACCOUNT_TRANSITIONS: Record<AccountStatus, Partial<Record<AccountCommand, AccountStatus>>> = {
  pending: { approve: 'registered', reject: 'deregistered', change: 'pending', deregister: 'deregistered' },
  registered: { change: 'registered', suspend: 'suspended', rectify: 'rectifying', shut_down: 'shut_down', deregister: 'deregistered' },
  rectifying: { change: 'rectifying', reinstate: 'registered', suspend: 'suspended', shut_down: 'shut_down', deregister: 'deregistered' },
  suspended: { change: 'suspended', reinstate: 'registered', rectify: 'rectifying', shut_down: 'shut_down', deregister: 'deregistered' },
  shut_down: { deregister: 'deregistered' },
  deregistered: {},
};

export function nextAccountStatus(status: AccountStatus, command: AccountCommand): AccountStatus | null {
  return ACCOUNT_TRANSITIONS[status][command] ?? null;
}

export function allowedAccountCommands(status: AccountStatus): AccountCommand[] {
  return Object.keys(ACCOUNT_TRANSITIONS[status]) as AccountCommand[];
}

/**
 * The statuses in which an account is in service: drafts may target it, and a publication may be
 * recorded on it (登记发布). Seed 004 asks every official account to be registered (登记备案) before
 * it is used, and serious problems to end in rectification (整改) or shutdown (关停); so only a
 * registered account publishes. Pending (not yet registered), rectifying (整改中, until the
 * department reinstates it: the notice the unit gets says so), suspended (已暂停), shut down and
 * deregistered accounts do not. 变更登记 is no status of its own: a `change` keeps the status, so a
 * registered account whose name, URL or people are being changed goes on publishing under it.
 * The publish gate (services/publish-gate.ts) asks this, and adds the inspection pass code on top.
 */
export const IN_SERVICE_STATUSES: readonly AccountStatus[] = ['registered'];

export const isInService = (status: AccountStatus): boolean => IN_SERVICE_STATUSES.includes(status);

/** Commands that need a written reason (everything that is not a plain approval). */
export const needsReason = (command: AccountCommand) => command !== 'approve' && command !== 'change';

export const ACCOUNT_ROLES = ['responsible_leader', 'leader_in_charge', 'admin', 'operator', 'reviewer', 'commentator'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];
export type PersonKind = 'teacher' | 'student';

export interface RoleAssignment {
  personId: string;
  role: AccountRole;
  kind: PersonKind;
  endsAt?: Date | null;
  /** Named by id alone (adminIds, operatorIds…): a holder already in the role keeps their kind and term. */
  byId?: true;
}

export type StaffingProblem = { field: 'commentatorIds' | 'adminIds' | 'members'; code: 'no_commentator' | 'no_teacher_admin' | 'student_without_end' };

/**
 * Seed 003 and 004: every platform needs at least one network commentator (网络评论员) and a
 * teacher as administrator; a student's role is always temporary, so it must carry an end date.
 * `at` is the instant the staffing must hold (roles that have ended by then do not count).
 */
export function staffingProblems(roles: RoleAssignment[], at: Date): StaffingProblem[] {
  const live = roles.filter((r) => !r.endsAt || r.endsAt.getTime() > at.getTime());
  const problems: StaffingProblem[] = [];
  if (roles.some((r) => r.kind === 'student' && !r.endsAt)) problems.push({ field: 'members', code: 'student_without_end' });
  if (!live.some((r) => r.role === 'commentator')) problems.push({ field: 'commentatorIds', code: 'no_commentator' });
  if (!live.some((r) => r.role === 'admin' && r.kind === 'teacher')) problems.push({ field: 'adminIds', code: 'no_teacher_admin' });
  return problems;
}

/**
 * A role whose term has run out (a student past their end date) that nobody has ended: it no longer
 * counts (staffingProblems, commentatorCover), and the registry flags it until a change renews or ends it.
 */
export const termLapsed = (r: { endsAt?: Date | string | null; endedAt?: Date | string | null }, now: Date): boolean =>
  !r.endedAt && !!r.endsAt && new Date(r.endsAt).getTime() <= now.getTime();

/** 宣备〔2026〕017号: the publicity department's registration number, sequential within a year. */
export function formatRegistrationNo(year: number, sequence: number): string {
  return `宣备〔${year}〕${String(sequence).padStart(3, '0')}号`;
}


/** How long before the last commentator's term ends the registry page warns (seed 003: ≥ 1 at all times). */
export const COMMENTATOR_WARN_DAYS = 30;

export type CommentatorCover =
  | { state: 'ok'; count: number }
  | { state: 'none' }
  /** Every current commentator's term ends within the warning window: the account is left without one at `lapsesAt`. */
  | { state: 'lapsing'; lapsesAt: Date; ending: string[] };

/**
 * Whether the account keeps at least one network commentator: none now, or all of them leaving
 * within COMMENTATOR_WARN_DAYS (named by `personId`), is what the page warns about.
 */
export function commentatorCover(roles: (RoleAssignment & { endedAt?: Date | null })[], now: Date, warnDays = COMMENTATOR_WARN_DAYS): CommentatorCover {
  const live = roles.filter((r) => r.role === 'commentator' && !r.endedAt && (!r.endsAt || r.endsAt.getTime() > now.getTime()));
  if (!live.length) return { state: 'none' };
  if (live.some((r) => !r.endsAt)) return { state: 'ok', count: live.length };
  const lapsesAt = new Date(Math.max(...live.map((r) => r.endsAt!.getTime())));
  if (lapsesAt.getTime() - now.getTime() > warnDays * 86_400_000) return { state: 'ok', count: live.length };
  return { state: 'lapsing', lapsesAt, ending: live.map((r) => r.personId) };
}

/** The state of an account's newest pass code, as the registry filters it. */
export const CODE_STATES = ['valid', 'revoked', 'expired', 'none'] as const;
export type CodeState = (typeof CODE_STATES)[number];
