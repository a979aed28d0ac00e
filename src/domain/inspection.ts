/**
 * Annual inspection (年度检查审核) rules: the inspection's own states, the grading rules and the
 * reminder schedule. Pure: the services feed it facts and persist what it decides.
 */
export const INSPECTION_STATUSES = ['open', 'self_reported', 'passed', 'rectifying', 'failed'] as const;
export type InspectionStatus = (typeof INSPECTION_STATUSES)[number];

export const GRADE_RESULTS = ['pass', 'rectify', 'fail'] as const;
export type GradeResult = (typeof GRADE_RESULTS)[number];

/** Findings that fail an inspection outright, whatever else the account did well. */
export const AUTO_FAIL_ITEMS = ['not_registered', 'unreviewed_publication', 'leak', 'rumour', 'commercial_promotion'] as const;
export type AutoFailItem = (typeof AUTO_FAIL_ITEMS)[number];

export const AUTO_FAIL_LABELS: Record<AutoFailItem, [string, string]> = {
  not_registered: ['未登记备案', 'not registered'],
  unreviewed_publication: ['未经审核发布', 'published without review'],
  leak: ['泄密', 'leak of classified information'],
  rumour: ['传播谣言', 'spreading rumours'],
  commercial_promotion: ['商业推广', 'commercial promotion'],
};

/** What a self-report may declare happened in the year; the automatic-fail kinds fail it outright. */
export const INCIDENT_KINDS = ['unreviewed_publication', 'leak', 'rumour', 'commercial_promotion', 'public_opinion', 'account_security', 'other'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** Who may move an inspection, from where: filing a self-report and grading. */
export const INSPECTION_TRANSITIONS: Record<InspectionStatus, Partial<Record<'self_report' | GradeResult, InspectionStatus>>> = {
  open: { self_report: 'self_reported', pass: 'passed', rectify: 'rectifying', fail: 'failed' },
  self_reported: { self_report: 'self_reported', pass: 'passed', rectify: 'rectifying', fail: 'failed' },
  // A rectifying account files again and is re-inspected (复查).
  rectifying: { self_report: 'self_reported', pass: 'passed', fail: 'failed' },
  passed: {},
  failed: {},
};

export function nextInspectionStatus(status: InspectionStatus, move: 'self_report' | GradeResult): InspectionStatus | null {
  return INSPECTION_TRANSITIONS[status][move] ?? null;
}

export type GradeProblem = { field: 'result' | 'rectifyDeadline' | 'findings'; code: 'auto_fail' | 'deadline_past' | 'findings_required'; items?: AutoFailItem[] };

/** Rectification time when the grader names no deadline: thirty days. */
export const DEFAULT_RECTIFY_DAYS = 30;

/** The deadline of a `rectify` grading: the one given, or DEFAULT_RECTIFY_DAYS from now. */
export function rectifyDeadlineOf(given: Date | null | undefined, now: Date): Date {
  return given ?? new Date(now.getTime() + DEFAULT_RECTIFY_DAYS * 86_400_000);
}

/**
 * A grading is refused when it contradicts its own findings: any automatic-fail item forces `fail`,
 * and a rectification deadline must lie in the future.
 */
export function gradeProblems(g: { result: GradeResult; autoFailItems: AutoFailItem[]; rectifyDeadline?: Date | null; findings?: string | null }, now: Date): GradeProblem[] {
  const problems: GradeProblem[] = [];
  // Seed 004 第四条(四): 存在问题的，与负责人进行约谈；问题严重、年度审查不合格的，予以整改或关停. A
  // grade that is not a pass says what the problem is: the account's people are told it, and it is the record.
  if (g.result !== 'pass' && !g.findings?.trim()) problems.push({ field: 'findings', code: 'findings_required' });
  if (g.autoFailItems.length && g.result !== 'fail') problems.push({ field: 'result', code: 'auto_fail', items: g.autoFailItems });
  if (g.result === 'rectify' && g.rectifyDeadline && g.rectifyDeadline.getTime() <= now.getTime()) problems.push({ field: 'rectifyDeadline', code: 'deadline_past' });
  return problems;
}

/** Automatic-fail items a self-report itself reveals (the owner's own answers, and this system's records). */
export function autoFailFromSelfReport(r: { incidents?: { kind: string }[]; unreviewedPublications?: number }): AutoFailItem[] {
  const items = new Set<AutoFailItem>();
  if ((r.unreviewedPublications ?? 0) > 0) items.add('unreviewed_publication');
  for (const i of r.incidents ?? []) if ((AUTO_FAIL_ITEMS as readonly string[]).includes(i.kind)) items.add(i.kind as AutoFailItem);
  return [...items];
}

const DAY = 24 * 3600_000;
/** Owners are reminded a week and a day before the self-report deadline. */
export const REMINDER_OFFSETS_DAYS = [7, 1] as const;

/** The next reminder instant strictly after `after`, or null when none is left before the deadline. */
export function nextReminderAt(deadline: Date, after: Date | null): Date | null {
  for (const days of REMINDER_OFFSETS_DAYS) {
    const at = new Date(deadline.getTime() - days * DAY);
    if (!after || at.getTime() > after.getTime()) return at;
  }
  return null;
}

/** Publishing stays possible this long after the deadline while the inspection is under way. */
export const DEFAULT_GRACE_DAYS = 30;
export const graceUntilFor = (deadline: Date) => new Date(deadline.getTime() + DEFAULT_GRACE_DAYS * DAY);

export interface ProgressRow { unitId: string; unitName: string; status: InspectionStatus; selfReportedAt: Date | null; createdAt: Date; remindersSent: number }
export interface UnitProgress {
  unitId: string; unitName: string; total: number; selfReported: number; passed: number; rectifying: number; failed: number;
  /** Still open after the deadline, among inspections that existed before it (a late registration has not missed it). */
  overdue: number; remindersSent: number;
}

/** Where a campaign stands per unit: self-reported, graded pass/rectify/fail, overdue, reminders sent. */
export function progressByUnit(rows: ProgressRow[], deadline: Date, now: Date): UnitProgress[] {
  const byUnit = new Map<string, UnitProgress>();
  const pastDeadline = deadline.getTime() <= now.getTime();
  for (const r of rows) {
    const u = byUnit.get(r.unitId) ?? { unitId: r.unitId, unitName: r.unitName, total: 0, selfReported: 0, passed: 0, rectifying: 0, failed: 0, overdue: 0, remindersSent: 0 };
    u.total++;
    if (r.selfReportedAt) u.selfReported++;
    if (r.status === 'passed') u.passed++;
    if (r.status === 'rectifying') u.rectifying++;
    if (r.status === 'failed') u.failed++;
    if (r.status === 'open' && pastDeadline && r.createdAt.getTime() < deadline.getTime()) u.overdue++;
    u.remindersSent += r.remindersSent;
    byUnit.set(r.unitId, u);
  }
  return [...byUnit.values()].sort((a, b) => a.unitName.localeCompare(b.unitName, 'zh-CN'));
}
