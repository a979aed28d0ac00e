import type { AccountRole } from '../../domain/account-lifecycle';
import type { getAccountView, Member, RoleLists } from '../../services/accounts';
import type { FieldErrors } from '../components/ui';
import { cstDateValue, cstInput, many, one, type FieldLabels, type FormData } from '../console/forms';

/**
 * The people part of the registry's application and change forms, as the API takes it (RoleLists):
 * the leaders (第一责任人, 分管领导: one person each), the teams picked by name (teachers, by id), and
 * students as rows of their own — person, role and end date (seed 003/004: a student's role is
 * temporary, so it ends, e.g. at graduation). Each row is sent as a `members` entry, and an error
 * the API names by `members.N.…` is put back on the row's own field.
 */

type AccountView = Awaited<ReturnType<typeof getAccountView>>;

/** The team roles picked by name, by the API's list for each. */
export const TEAM_LISTS = ['adminIds', 'commentatorIds', 'operatorIds', 'reviewerIds'] as const;
type TeamList = (typeof TEAM_LISTS)[number];
const TEAM_ROLE: Record<TeamList, AccountRole> = { adminIds: 'admin', commentatorIds: 'commentator', operatorIds: 'operator', reviewerIds: 'reviewer' };

/** 第一责任人 and 分管领导 (seeds 000–002: the unit's principal leader, the leader in charge of publicity). */
export const LEADERS = [['responsibleLeaderId', 'responsible_leader'], ['leaderInChargeId', 'leader_in_charge']] as const;

/** What a student may do on an account; leading it is the unit leadership's. Operator first: the usual case. */
export const STUDENT_ROLES: AccountRole[] = ['operator', 'commentator', 'reviewer', 'admin'];

/** Form fields of student row `i`: the person (a single people picker), the role, the end date, removal. */
export const studentField = (i: number, part: '' | 'Role' | 'EndsAt' | 'Remove' = '') => `student${i}${part}`;
/** How many rows the form shows; the button that adds one (posting the form back, with or without script). */
export const STUDENT_ROWS = 'studentRows';
export const ADD_STUDENT = 'addStudent';
/** As many rows as the API takes members. */
const MAX_ROWS = 50;

export interface StudentRow { row: number; personId: string; role: string; endsAt: string; remove: boolean }

/** The rows a form holds (posted, or made from an account), `extra` more when one is being added. */
export function rowCount(form: FormData, extra = 0): number {
  const n = Number.parseInt(one(form, STUDENT_ROWS), 10);
  return Math.min(MAX_ROWS, Math.max(1, (Number.isFinite(n) ? n : 1) + extra));
}

export function studentRows(form: FormData): StudentRow[] {
  return Array.from({ length: rowCount(form) }, (_, row) => ({
    row,
    personId: one(form, studentField(row)),
    role: one(form, studentField(row, 'Role')) || 'operator',
    endsAt: one(form, studentField(row, 'EndsAt')),
    remove: one(form, studentField(row, 'Remove')) !== '',
  }));
}

/** The names of every people picker on the form, the student rows' included. */
export const pickerNames = (form: FormData) => ['ownerId', ...LEADERS.map(([key]) => key), ...TEAM_LISTS, ...studentRows(form).map((r) => studentField(r.row))];

/** A row's end date as the API takes it: the end of that day in Beijing time. */
const endsAtOf = (date: string) => cstInput(date, true);

/** Whether a row's term is over by `now` (its end date's day has ended): shown flagged, and refused if new. */
export const rowLapsed = (r: Pick<StudentRow, 'endsAt'>, now: Date) => {
  const at = endsAtOf(r.endsAt);
  return !!at && /^\d{4}-\d{2}-\d{2}T/.test(at) && new Date(at).getTime() <= now.getTime();
};

/** Students chosen on the form, as `members`, and where each member's errors go on the form. */
function asMembers(rows: StudentRow[], members: Member[], rename: Record<string, string>) {
  for (const r of rows) {
    const n = members.length;
    members.push({ personId: r.personId, role: r.role as AccountRole, kind: 'student', endsAt: endsAtOf(r.endsAt) });
    rename[`members.${n}`] = studentField(r.row);
    rename[`members.${n}.personId`] = studentField(r.row);
    rename[`members.${n}.role`] = studentField(r.row, 'Role');
    rename[`members.${n}.endsAt`] = studentField(r.row, 'EndsAt');
    rename[`members.${n}.kind`] = studentField(r.row);
  }
}

const chosenRows = (form: FormData) => studentRows(form).filter((r) => r.personId && !r.remove);

/** A row with an end date but nobody chosen: said on the row, before anything is sent. */
export function unnamedRows(form: FormData, message: (row: number) => string): FieldErrors {
  const errors: FieldErrors = {};
  for (const r of studentRows(form)) if (!r.personId && !r.remove && r.endsAt) errors[studentField(r.row)] = message(r.row);
  return errors;
}

/** The people of an application: every list and leader the form names, every student as a member. */
export function applicationPeople(form: FormData): { people: RoleLists & { adminIds: string[]; commentatorIds: string[] }; rename: Record<string, string> } {
  const members: Member[] = [];
  const rename: Record<string, string> = {};
  asMembers(chosenRows(form), members, rename);
  const people: RoleLists & { adminIds: string[]; commentatorIds: string[] } = {
    adminIds: many(form, 'adminIds'), commentatorIds: many(form, 'commentatorIds'), operatorIds: many(form, 'operatorIds'), reviewerIds: many(form, 'reviewerIds'),
  };
  for (const [key] of LEADERS) if (one(form, key)) people[key] = one(form, key);
  if (members.length) people.members = members;
  return { people, rename };
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
const holder = (a: AccountView, role: AccountRole) => a.roles.find((r) => r.current && r.role === role)?.personId ?? '';
/** Students the account has in a role and has not relieved (a term that ran out included: the form shows it, flagged). */
const openStudents = (a: AccountView, role: AccountRole) => a.roles.filter((r) => !r.endedAt && r.kind === 'student' && r.role === role);
const teachers = (a: AccountView, role: AccountRole) => a.roles.filter((r) => r.current && r.kind === 'teacher' && r.role === role).map((r) => r.personId);

/** The account's people as the change form shows them: leaders, teachers by list, a row per student and one blank row. */
export function peopleValues(a: AccountView): FormData {
  const values: FormData = {};
  for (const [key, role] of LEADERS) values[key] = holder(a, role);
  for (const key of TEAM_LISTS) values[key] = teachers(a, TEAM_ROLE[key]);
  const students = TEAM_LISTS.flatMap((key) => openStudents(a, TEAM_ROLE[key]));
  students.forEach((s, i) => {
    values[studentField(i)] = s.personId;
    values[studentField(i, 'Role')] = s.role;
    values[studentField(i, 'EndsAt')] = cstDateValue(s.endsAt);
  });
  values[STUDENT_ROWS] = String(students.length + 1);
  return values;
}

/**
 * The people part of a change: only the roles whose holders differ, since each list sent replaces
 * its role's holders. A role that changes is sent whole: its teachers and its unchanged students
 * by id (a holder named by id keeps their kind and end date), its new or re-dated students as members.
 */
export function changedPeople(form: FormData, a: AccountView): { patch: RoleLists; rename: Record<string, string> } {
  const patch: RoleLists = {};
  for (const [key, role] of LEADERS) if (one(form, key) && one(form, key) !== holder(a, role)) patch[key] = one(form, key);
  const chosen = chosenRows(form);
  const members: Member[] = [];
  const rename: Record<string, string> = {};
  for (const key of TEAM_LISTS) {
    const role = TEAM_ROLE[key];
    const held = openStudents(a, role);
    const students = chosen.filter((s) => s.role === role);
    const kept = (s: StudentRow) => held.some((h) => h.personId === s.personId && cstDateValue(h.endsAt) === s.endsAt);
    const changed = students.filter((s) => !kept(s));
    const gone = held.some((h) => !students.some((s) => s.personId === h.personId));
    if (sameSet(many(form, key), teachers(a, role)) && !changed.length && !gone) continue;
    patch[key] = [...many(form, key), ...students.filter(kept).map((s) => s.personId)];
    asMembers(changed, members, rename);
  }
  if (members.length) patch.members = members;
  return { patch, rename };
}

/** Labels of the student rows' fields, for the error summary (the other fields' are ACCOUNT_FIELD_LABELS). */
export function peopleLabels(form: FormData): FieldLabels {
  const labels: FieldLabels = {};
  for (const r of studentRows(form)) {
    labels[studentField(r.row)] = [`第 ${r.row + 1} 名学生`, `Student ${r.row + 1}`];
    labels[studentField(r.row, 'Role')] = [`第 ${r.row + 1} 名学生的岗位`, `Student ${r.row + 1}'s role`];
    labels[studentField(r.row, 'EndsAt')] = [`第 ${r.row + 1} 名学生的结束日期`, `Student ${r.row + 1}'s end date`];
  }
  return labels;
}
