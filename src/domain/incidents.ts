import type { AnyPosition } from '../../db/schema';
import { CST_OFFSET_MS, cstDate, graceBefore } from './cst';

/**
 * Online-opinion (舆情) incidents, pure. The procedure of seed 003, 第八条 —
 * 舆情监控 → 舆情报告 → 舆情研判 → 分类处置 → 总结评估 — as stages and a table of the actions each
 * stage allows; who is told of a report (seed 003, part 4); and the deadlines the workers enforce.
 * The services do the I/O.
 */

export const INCIDENT_STAGES = ['reported', 'acknowledged', 'handling', 'reviewing', 'closed'] as const;
export type IncidentStage = (typeof INCIDENT_STAGES)[number];

/** 特别重大、重大、较大 and ordinary; the graver ones go to the university's leading group. */
export const SEVERITIES = ['ordinary', 'significant', 'major', 'especially_major'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** Seed 003 八(二)3: 如为特别重大网络舆情、重大或较大网络舆情，要及时上报学校网络意识形态工作领导小组. */
export const isGrave = (s: Severity | null) => s !== null && s !== 'ordinary';

/**
 * The four classes of handling (分类处置): (1) questions, doubts, claims — answered the same day;
 * (2) malicious spreading or hyping; (3) fabrication, defamation, incitement; (4) constructive suggestions.
 */
export const INCIDENT_CLASSES = ['inquiry', 'hyping', 'fabrication', 'suggestion'] as const;
export type IncidentClass = (typeof INCIDENT_CLASSES)[number];

export const GROUPS = ['students', 'teachers', 'other'] as const;
export type Group = (typeof GROUPS)[number];

export const ENTRY_KINDS = ['reported', 'acknowledged', 'reported_up', 'assessed', 'reply', 'follow_up', 'evidence', 'note', 'reminder', 'escalated', 'handling_done', 'closed'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export type IncidentAction = 'acknowledge' | 'assess' | 'reply' | 'follow_up' | 'add_evidence' | 'finish_handling' | 'close';

/** Photos and screenshots sent with one report or one addition (a phone picks several at once). */
export const MAX_EVIDENCE_FILES = 5;

/** Which actions each stage allows, and the stage each leads to (null: stays). */
const TABLE: Record<IncidentStage, Partial<Record<IncidentAction, IncidentStage | null>>> = {
  reported: { acknowledge: 'acknowledged', follow_up: null, add_evidence: null },
  acknowledged: { assess: 'handling', follow_up: null, add_evidence: null },
  handling: { assess: null, reply: null, follow_up: null, add_evidence: null, finish_handling: 'reviewing' },
  reviewing: { follow_up: null, add_evidence: null, close: 'closed' },
  closed: {},
};

export function allowedActions(stage: IncidentStage): IncidentAction[] {
  return Object.keys(TABLE[stage]) as IncidentAction[];
}

/** The stage after `action`, or null when the stage does not allow it. */
export function nextStage(stage: IncidentStage, action: IncidentAction): IncidentStage | null {
  const row = TABLE[stage];
  if (!(action in row)) return null;
  return row[action] ?? stage;
}

/**
 * What each class of incident owes the public (seed 003 八(二)4, 分类处置): every class is answered,
 * only the inquiry on the same day (当日回复).
 */
export const OWED_ANSWER: Record<IncidentClass, [string, string]> = {
  inquiry: ['询问、置疑、诉求类舆情须当日回复', 'an inquiry, doubt or request is answered the same day'],
  hyping: ['恶意传播、炒作类舆情须依法告知事实真相或事件处置情况', 'malicious spreading or hyping is answered with the facts or how the matter was handled'],
  fabrication: ['捏造、歪曲、诽谤类舆情须依法澄清事实真相', 'fabrication, distortion or defamation is answered by setting out the facts'],
  suggestion: ['建设性意见须积极采纳并予以回复', 'a constructive suggestion is taken up and answered'],
};

/** The earliest a draft may have been written to be an incident's reply: when it occurred (the clock grace below). */
export const replyEarliest = (incident: { occurredAt: Date }) => graceBefore(incident.occurredAt);

/**
 * Why a draft cannot be recorded as an incident's reply: written before the incident occurred
 * (a few minutes' grace for clocks), or recorded as its reply already. The record must prove a
 * reply to this incident.
 */
export function replyProblem(draft: { id: string; createdAt: Date }, incident: { occurredAt: Date }, recorded: readonly string[]): 'before_incident' | 'recorded' | null {
  if (draft.createdAt < replyEarliest(incident)) return 'before_incident';
  return recorded.includes(draft.id) ? 'recorded' : null;
}

/** What a step waits on besides its stage: handling is not done until the public's answer, an approved draft, is recorded. */
export function stepWaitsOn(f: { class: IncidentClass | null; repliedAt: Date | null }, action: IncidentAction): 'reply' | null {
  return action === 'finish_handling' && f.class !== null && !f.repliedAt ? 'reply' : null;
}

/**
 * Seed 003 第四篇(三): 学生层面…第一接报人第一时间报告副书记；教师层面…报告副书记和分管院长. Who a
 * report concerns decides who hears of it first, beside the unit's leader in charge (分管负责人, the
 * general flow), who is there even where the unit has appointed no deputy secretary.
 */
const BY_GROUP: Record<Group, AnyPosition[]> = { students: ['deputy_secretary'], teachers: ['deputy_secretary', 'deputy_dean'], other: [] };

/**
 * Who hears of a new report first (第一时间): the person on duty, the unit's leader in charge and,
 * by whom it concerns, the deputy secretary (and the deputy dean in charge). Marked urgent (越级上报),
 * it goes straight to the secretary, and the levels it skipped are told that it did.
 */
export function firstReceivers(urgent: boolean, group: Group): { act: AnyPosition[]; informed: AnyPosition[] } {
  return urgent ? { act: ['secretary'], informed: ['deputy_leader', ...BY_GROUP[group]] } : { act: ['deputy_leader', ...BY_GROUP[group]], informed: [] };
}

/** Who is told once the report is acknowledged: 分别第一时间报告书记和院长. */
export const REPORT_UP_TO: AnyPosition[] = ['secretary', 'dean'];

export interface IncidentDeadlines {
  /** The report must be acknowledged by then. */
  acknowledgeBy: Date | null;
  /** Class (1): a reply (or a same-day answer promising a date) on the Beijing calendar day of the report (当日回复). */
  replyBy: Date | null;
  /** The result promised in a same-day answer. */
  resultBy: Date | null;
}

/**
 * The end of the Beijing calendar day `at` falls on: its last instant (shown as 23:59, as every other
 * end-of-day deadline is; the next day's 00:00 read as a day too late).
 */
export function endOfCstDay(at: Date): Date {
  const day = cstDate(at);
  return new Date(Date.parse(`${day}T00:00:00Z`) - CST_OFFSET_MS + 86_400_000 - 1);
}

export interface DeadlineFacts {
  stage: IncidentStage;
  reportedAt: Date;
  /** The acknowledgement window it was reported under (INCIDENT_ACK_MINUTES then), in minutes. */
  ackMinutes: number;
  acknowledgedAt: Date | null;
  class: IncidentClass | null;
  repliedAt: Date | null;
  promisedBy: Date | null;
  resultAt: Date | null;
}

/**
 * When a report must be acknowledged by: by its own window, never the setting as it is now, so a
 * change of INCIDENT_ACK_MINUTES moves no deadline already recorded.
 */
export const acknowledgeDue = (f: Pick<DeadlineFacts, 'reportedAt' | 'ackMinutes'>) => new Date(f.reportedAt.getTime() + f.ackMinutes * 60_000);

/** What is still owed, and by when; a deadline met (or no longer applying) is null. */
export function deadlines(f: DeadlineFacts): IncidentDeadlines {
  const open = f.stage !== 'closed';
  return {
    acknowledgeBy: open && !f.acknowledgedAt ? acknowledgeDue(f) : null,
    replyBy: open && f.class === 'inquiry' && !f.repliedAt ? endOfCstDay(f.reportedAt) : null,
    resultBy: open && f.promisedBy && !f.resultAt ? f.promisedBy : null,
  };
}

export type DeadlineKind = keyof IncidentDeadlines;

/**
 * What the workers send for one deadline at `now`: a reminder a while before it (a quarter of the
 * acknowledgement window; two hours before a day's end), an escalation once it has passed. Each
 * is sent once (the services key them), and never decides anything for anyone.
 */
export function chase(kind: DeadlineKind, due: Date, now: Date, ackMinutes: number): 'remind' | 'escalate' | null {
  if (now >= due) return 'escalate';
  const lead = kind === 'acknowledgeBy' ? (ackMinutes * 60_000) / 4 : 2 * 3_600_000;
  return due.getTime() - now.getTime() <= lead ? 'remind' : null;
}
