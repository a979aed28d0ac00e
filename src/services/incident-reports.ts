import { and, asc, count, eq, gte, inArray, lt, lte, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { incidents, people, units } from '../../db/schema';
import { cstDate, cstMinute, cstYear, cstYearStart } from '../domain/cst';
import { deadlineRecords, monthSpan, summarize, type DeadlineRecord } from '../domain/incident-reports';
import type { SheetFacts } from '../domain/sheet';
import { toCsv } from '../lib/csv';
import { label } from '../lib/i18n';
import { requireRole, type Person } from './auth';
import type { ServiceDeps } from './context';
import { getIncident } from './incidents';
import { sheetFacts } from './sheet';

/**
 * The paper records of 舆情 handling: the 舆情要报 of one incident (its facts, every dated step, who
 * approved each reply, the deadlines and whether they were kept) and the publicity department's
 * monthly summary with its CSV. They read what src/services/incidents.ts wrote; nothing changes here.
 */

/** Where an incident's bulletin is printed from. */
export const bulletinPath = (incidentId: string) => `/incidents/${incidentId}/bulletin`;

/**
 * One incident's 舆情要报, to whoever may see the incident (the incident page's rule: others learn
 * nothing, not even that it exists). Numbered as the unit's Nth incident of the Beijing year.
 */
export async function incidentBulletin(db: Db, deps: ServiceDeps, actor: Person, id: string) {
  const view = await getIncident(db, deps, actor, id);
  const i = view.incident;
  const [unit] = await db.select({ name: units.name }).from(units).where(eq(units.id, i.unitId));
  const [numbered] = await db.select({ n: count() }).from(incidents).where(and(
    eq(incidents.unitId, i.unitId), gte(incidents.reportedAt, cstYearStart(cstYear(i.reportedAt))),
    or(lt(incidents.reportedAt, i.reportedAt), and(eq(incidents.reportedAt, i.reportedAt), lte(incidents.id, i.id))),
  ));
  // A bulletin names people, not ids: the reporter and everyone the record says was told.
  const ids = new Set<string>([i.reporterId]);
  for (const e of view.entries) {
    const data = (e.data ?? {}) as { notified?: unknown; skippedInformed?: unknown };
    for (const list of [data.notified, data.skippedInformed]) if (Array.isArray(list)) list.forEach((x) => typeof x === 'string' && ids.add(x));
  }
  const named = await db.select({ id: people.id, name: people.name }).from(people).where(inArray(people.id, [...ids]));
  // Each reply as approved through the sign-off chain: the facts its 审核单 attests (version, who decided, when).
  const replies = new Map<string, SheetFacts>();
  for (const draftId of new Set(view.entries.flatMap((e) => (e.kind === 'reply' && e.draftId ? [e.draftId] : [])))) {
    const facts = await sheetFacts(db, draftId);
    if (facts) replies.set(draftId, facts);
  }
  const now = deps.now();
  return {
    ...view,
    unitName: unit?.name ?? '',
    issueNo: numbered?.n ?? 1,
    names: new Map(named.map((p) => [p.id, p.name])),
    replies,
    records: deadlineRecords(i, now),
    printedAt: now,
  };
}

/** A month of incidents (by the Beijing day they were reported) with the counts the department reports on. */
export async function monthlySummary(db: Db, deps: Pick<ServiceDeps, 'now' | 'config'>, actor: Person, month: string) {
  requireRole(actor, 'publicity', 'admin');
  const { from, to } = monthSpan(month);
  const rows = await db
    .select({ incident: incidents, unitName: units.name })
    .from(incidents)
    .innerJoin(units, eq(units.id, incidents.unitId))
    .where(and(gte(incidents.reportedAt, from), lt(incidents.reportedAt, to)))
    .orderBy(asc(incidents.reportedAt), asc(incidents.id));
  const now = deps.now();
  return { month, from, to, generatedAt: now, ...summarize(rows.map((r) => ({ ...r.incident, unitName: r.unitName })), now) };
}

export const INCIDENT_COLUMNS = [
  '报告时间 Reported', '单位 Unit', '事件概要 Summary', '发生时间 Occurred', '地点 Place', '人员 People', '事态发展 Development', '涉及群体 Group',
  '严重程度 Severity', '处置类别 Class', '阶段 Stage', '越级上报 Urgent', '来源平台 Source platform', '来源网址 Source URL',
  '确认接报时间 Acknowledged at', '确认接报时限 Acknowledgement', '回复时间 Replied at', '当日回复 Same-day reply',
  '承诺结果时间 Result promised by', '承诺结果 Promised result', '结束时间 Closed at', '舆情要报 Bulletin',
];

const minute = (d: Date | null) => (d ? cstMinute(d) : null);
const outcome = (r: DeadlineRecord) => label('deadlineOutcome', r.outcome);

/** The month's incidents for a spreadsheet: one row each, labels not keys, times in 北京时间, formulas neutralized (toCsv). */
export async function monthlyCsv(db: Db, deps: Pick<ServiceDeps, 'now' | 'config'>, actor: Person, month: string) {
  const summary = await monthlySummary(db, deps, actor, month);
  const body = toCsv(INCIDENT_COLUMNS, summary.items.map(({ row: i, records }) => [
    minute(i.reportedAt), i.unitName, i.summary, minute(i.occurredAt), i.place, i.involved, i.development, label('group', i.group),
    i.severity ? label('severity', i.severity) : '待研判', i.class ? label('incidentClass', i.class) : '待研判', label('incidentStage', i.stage), i.urgent ? '是' : '否',
    i.sourcePlatform, i.sourceUrl, minute(i.acknowledgedAt), outcome(records.acknowledge), minute(i.repliedAt), outcome(records.sameDayReply),
    minute(i.promisedBy), outcome(records.result), minute(i.closedAt), `${deps.config.publicUrl}${bulletinPath(i.id)}`,
  ]));
  return { body, filename: `舆情处置月度汇总-${month}（导出于${cstDate(summary.generatedAt)}）.csv` };
}
