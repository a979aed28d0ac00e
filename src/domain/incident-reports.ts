import { CST_OFFSET_MS, cstFields } from './cst';
import { acknowledgeDue, endOfCstDay, GROUPS, INCIDENT_CLASSES, INCIDENT_STAGES, SEVERITIES, type DeadlineFacts, type DeadlineKind, type Group, type IncidentStage, type Severity } from './incidents';

/**
 * What the 舆情要报 (one incident's bulletin) and the publicity department's monthly summary say,
 * pure: the months on the Beijing calendar, each deadline's outcome after the fact, and the counts.
 * The services read the rows; src/domain/incidents.ts says what is still owed, this says what was kept.
 */

/** A month as `YYYY-MM`; the API's query and the page's form take this. */
export const MONTH_PATTERN = /^(20\d\d)-(0[1-9]|1[0-2])$/;

/** The Beijing calendar month `at` falls in. */
export const cstMonth = (at: Date): string => cstFields(at).toISOString().slice(0, 7);

/** The instants a Beijing calendar month begins and ends (exclusive). */
export function monthSpan(month: string): { from: Date; to: Date } {
  const m = MONTH_PATTERN.exec(month);
  if (!m) throw new RangeError(`not a month: ${month}`);
  const [y, mo] = [Number(m[1]), Number(m[2])];
  return { from: new Date(Date.UTC(y, mo - 1, 1) - CST_OFFSET_MS), to: new Date(Date.UTC(y, mo, 1) - CST_OFFSET_MS) };
}

/**
 * A deadline looked back on: met (done by the time), missed (done late, or not done and passed),
 * pending (not done, not yet passed), or not applicable to this incident.
 */
export const OUTCOMES = ['met', 'missed', 'pending', 'not_applicable'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface DeadlineRecord {
  due: Date | null;
  doneAt: Date | null;
  outcome: Outcome;
}

function record(due: Date | null, doneAt: Date | null, now: Date): DeadlineRecord {
  if (!due) return { due: null, doneAt, outcome: 'not_applicable' };
  if (doneAt) return { due, doneAt, outcome: doneAt <= due ? 'met' : 'missed' };
  return { due, doneAt: null, outcome: now >= due ? 'missed' : 'pending' };
}

/** The facts the deadlines are read from, whatever the stage now (a closed incident's record too). */
export type IncidentFacts = Omit<DeadlineFacts, 'stage'>;

export interface DeadlineRecords {
  /** The report acknowledged within the window (an hour by default). */
  acknowledge: DeadlineRecord;
  /** Class (1): a reply on the Beijing calendar day of the report (当日回复). */
  sameDayReply: DeadlineRecord;
  /** The result a same-day answer promised, by the date it named. */
  result: DeadlineRecord;
}

/** Which owed deadline (src/domain/incidents.ts, what the workers chase) each record looks back on. */
export const RECORD_OF: Record<keyof DeadlineRecords, DeadlineKind> = { acknowledge: 'acknowledgeBy', sameDayReply: 'replyBy', result: 'resultBy' };

/** Every deadline of an incident with whether it was kept, as of `now` (the same rules the workers chase). */
export function deadlineRecords(f: IncidentFacts, now: Date): DeadlineRecords {
  return {
    acknowledge: record(acknowledgeDue(f), f.acknowledgedAt, now),
    sameDayReply: record(f.class === 'inquiry' ? endOfCstDay(f.reportedAt) : null, f.repliedAt, now),
    result: record(f.promisedBy, f.resultAt, now),
  };
}

/** Not yet assessed (研判): no severity or class yet. */
export const UNASSESSED = 'unassessed' as const;

export interface SummaryRow extends IncidentFacts {
  unitId: string;
  unitName: string;
  severity: Severity | null;
  group: Group;
  stage: IncidentStage;
}

type Counts<K extends string> = Record<K, number>;
const zeros = <K extends string>(keys: readonly K[]): Counts<K> => Object.fromEntries(keys.map((k) => [k, 0])) as Counts<K>;
const KEPT = ['met', 'missed', 'pending'] as const;

/**
 * A month's counts: by severity, class, group, stage and unit (every key present, zeros too, so a
 * table and a spreadsheet have the same rows every month), and the deadlines kept and missed.
 */
export function summarize<R extends SummaryRow>(rows: R[], now: Date) {
  const bySeverity = zeros([...SEVERITIES, UNASSESSED]);
  const byClass = zeros([...INCIDENT_CLASSES, UNASSESSED]);
  const byGroup = zeros(GROUPS);
  const byStage = zeros(INCIDENT_STAGES);
  const units = new Map<string, { unitId: string; unitName: string; count: number }>();
  const acknowledge = zeros(KEPT);
  const sameDayReply = zeros(KEPT);
  const items = rows.map((r) => {
    bySeverity[r.severity ?? UNASSESSED]++;
    byClass[r.class ?? UNASSESSED]++;
    byGroup[r.group]++;
    byStage[r.stage]++;
    const unit = units.get(r.unitId) ?? { unitId: r.unitId, unitName: r.unitName, count: 0 };
    unit.count++;
    units.set(r.unitId, unit);
    const records = deadlineRecords(r, now);
    if (records.acknowledge.outcome !== 'not_applicable') acknowledge[records.acknowledge.outcome]++;
    if (records.sameDayReply.outcome !== 'not_applicable') sameDayReply[records.sameDayReply.outcome]++;
    return { row: r, records };
  });
  const byUnit = [...units.values()].sort((a, b) => b.count - a.count || a.unitName.localeCompare(b.unitName, 'zh-CN'));
  return { total: rows.length, bySeverity, byClass, byGroup, byStage, byUnit, acknowledge, sameDayReply, items };
}
