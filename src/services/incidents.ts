import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { drafts, incidentEntries, incidents, people, units, type AnyPosition, type EvidenceFile } from '../../db/schema';
import {
  allowedActions, chase, deadlines, firstReceivers, isGrave, MAX_EVIDENCE_FILES, nextStage, OWED_ANSWER, replyProblem, REPORT_UP_TO, stepWaitsOn,
  type DeadlineKind, type EntryKind, type Group, type IncidentAction, type IncidentClass, type Severity,
} from '../domain/incidents';
import { isAhead } from '../domain/cst';
import { LEADERSHIP } from '../domain/signoff';
import { AppError, invalidField, words } from '../lib/errors';
import { label } from '../lib/i18n';
import { appendAudit } from './audit';
import { currentPositions, hasRole, requireRole, requireUnitAccess, type Person } from './auth';
import { inTransaction, type ServiceDeps } from './context';
import { onDuty } from './duty-roster';
import { enqueue } from './outbox';
import { holderOf } from './reviews';
import { acceptUpload, serve, type FileDeps, type Upload } from './files';
import type { Sweep } from './sweeps';

/**
 * Online-opinion incidents on the sign-off machinery: positions not persons, messages through the
 * outbox, deadlines the sweep chases, every step an entry on the incident and an event on the
 * audit chain. The stages and who is told are in src/domain/incidents.ts.
 */

/** Each step as the refusal names it (zh, en), so no internal key reaches a person. */
const ACTION_WORDS: Record<IncidentAction, [string, string]> = {
  acknowledge: ['确认接报', 'acknowledged'], assess: ['研判', 'assessed'], reply: ['记录回复', 'given a reply'],
  follow_up: ['记录后续进展', 'followed up'], add_evidence: ['添加证据材料', 'given evidence'], finish_handling: ['结束处置', 'finished'], close: ['总结评估并结束', 'closed'],
};


type IncidentRow = typeof incidents.$inferSelect;

/** Leaders of a unit who act on its incidents (研判, replies, the closing review). */

async function holders(db: Db, unitId: string, positions: readonly AnyPosition[]): Promise<string[]> {
  const ids = await Promise.all(positions.map((p) => holderOf(db, unitId, p)));
  return [...new Set(ids.filter((x): x is string => !!x))];
}

export interface NewIncident {
  unitId: string;
  summary: string;
  occurredAt: Date;
  place: string;
  people: string;
  development: string;
  group: Group;
  severity?: Severity;
  urgent?: boolean;
  sourcePlatform?: string;
  sourceUrl?: string;
  /** Photos and screenshots, already checked and stored by `acceptEvidence`. */
  files?: EvidenceFile[];
}

/**
 * Checks and stores the photos and screenshots of one report or addition (the drafts' rules: magic
 * bytes, names, size), before any transaction: content-addressed, so a refused step leaves only
 * unreferenced blobs. Too many at once → 400 naming `files`.
 */
export async function acceptEvidence(deps: FileDeps, uploads: Upload[]): Promise<EvidenceFile[]> {
  if (uploads.length > MAX_EVIDENCE_FILES) {
    throw invalidField('files', words(`每次最多 ${MAX_EVIDENCE_FILES} 个文件`, `at most ${MAX_EVIDENCE_FILES} files at once`));
  }
  const files: EvidenceFile[] = [];
  for (const u of uploads) files.push(await acceptUpload(deps, u));
  return files;
}

async function entry(tx: Db, incidentId: string, at: Date, actorId: string | null, kind: EntryKind, text: string | null, data: Record<string, unknown> = {}, draftId: string | null = null) {
  await tx.insert(incidentEntries).values({ incidentId, at, actorId, kind, text, data, draftId });
}

/**
 * Any member of the unit reports (the first receiver: a counsellor, a network commentator, the IT
 * centre). The person on duty and the unit's leader in charge are told at once; marked urgent, the
 * report skips to the secretary and the leader in charge is told it was skipped.
 */
export async function reportIncident(db: Db, deps: ServiceDeps, actor: Person, input: NewIncident) {
  await requireUnitAccess(db, actor, input.unitId);
  return inTransaction(db, deps, async (tx) => {
    const [unit] = await tx.select({ id: units.id }).from(units).where(eq(units.id, input.unitId));
    if (!unit) throw new AppError('not_found', { what: words('单位', 'unit') }, { field: 'unitId' });
    const now = deps.now();
    if (isAhead(input.occurredAt, now)) throw invalidField('occurredAt', words('不能晚于当前时间', 'must not be in the future'));
    const [row] = await tx
      .insert(incidents)
      .values({
        unitId: input.unitId, reporterId: actor.id, summary: input.summary, occurredAt: input.occurredAt, place: input.place, involved: input.people,
        development: input.development, group: input.group, severity: input.severity ?? null, urgent: input.urgent ?? false,
        sourcePlatform: input.sourcePlatform ?? null, sourceUrl: input.sourceUrl ?? null, reportedAt: now, ackMinutes: deps.config.incidentAckMinutes, updatedAt: now,
      })
      .returning();
    const receivers = firstReceivers(row!.urgent, row!.group);
    const first = [...new Set([...(await onDuty(tx, input.unitId, now)), ...(await holders(tx, input.unitId, receivers.act))])].filter((id) => id !== actor.id);
    // Nobody on duty and the post vacant: a report must still reach someone (第一时间), so the
    // university's leading group (the publicity department) hears of it instead.
    const fallback = !first.length;
    const act = fallback ? (await publicityDepartment(tx)).filter((id) => id !== actor.id) : first;
    const informed = (await holders(tx, input.unitId, receivers.informed)).filter((id) => !act.includes(id) && id !== actor.id);
    await entry(tx, row!.id, now, actor.id, 'reported', input.development, { notified: act, skippedInformed: informed, urgent: row!.urgent, ...(fallback ? { to: 'leading_group' } : {}) });
    if (input.files?.length) await entry(tx, row!.id, now, actor.id, 'evidence', null, { files: input.files });
    await appendAudit(tx, {
      actorId: actor.id, action: 'incident.reported', subjectType: 'incident', subjectId: row!.id,
      data: { unitId: input.unitId, urgent: row!.urgent, notified: act, files: (input.files ?? []).map((f) => ({ sha256: f.sha256, name: f.name })) }, at: now,
    });
    await enqueue(tx, 'incident.notified', { incidentId: row!.id, reason: 'reported', personIds: act });
    if (informed.length) await enqueue(tx, 'incident.notified', { incidentId: row!.id, reason: 'skipped', personIds: informed });
    return row!;
  });
}

const REPLY_PROBLEMS = {
  before_incident: ['此稿件写于舆情发生之前，不是对它的回复', 'this draft was written before the incident occurred; it is not a reply to it'],
  recorded: ['此回复稿已记录过', 'this reply is recorded already'],
} as const;

/** The drafts recorded as an incident's replies. */
export async function recordedReplies(db: Db, incidentId: string): Promise<string[]> {
  const rows = await db.select({ draftId: incidentEntries.draftId }).from(incidentEntries).where(and(eq(incidentEntries.incidentId, incidentId), eq(incidentEntries.kind, 'reply')));
  return rows.flatMap((r) => (r.draftId ? [r.draftId] : []));
}

/** May this person see the incident: its unit's members and position holders, the publicity department, whoever was told of it. */
async function requireSight(db: Db, actor: Person, row: IncidentRow) {
  if (hasRole(actor, 'admin', 'publicity') || row.reporterId === actor.id) return;
  try {
    await requireUnitAccess(db, actor, row.unitId);
  } catch {
    const [told] = await db.select({ id: incidentEntries.id }).from(incidentEntries)
      .where(and(eq(incidentEntries.incidentId, row.id), sql`${incidentEntries.data}->'notified' ? ${actor.id}`)).limit(1);
    if (!told) throw new AppError('not_found', { what: words('舆情事件', 'incident') });
  }
}

async function loadIncident(db: Db, id: string, lock = false) {
  const q = db.select().from(incidents).where(eq(incidents.id, id));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw new AppError('not_found', { what: words('舆情事件', 'incident') });
  return row;
}

export async function getIncident(db: Db, deps: ServiceDeps, actor: Person, id: string) {
  const row = await loadIncident(db, id);
  await requireSight(db, actor, row);
  return incidentView(db, deps, row);
}

export async function incidentView(db: Db, deps: ServiceDeps, row: IncidentRow) {
  const entries = await db
    .select({ id: incidentEntries.id, at: incidentEntries.at, kind: incidentEntries.kind, text: incidentEntries.text, draftId: incidentEntries.draftId, data: incidentEntries.data, actorId: incidentEntries.actorId, actorName: people.name })
    .from(incidentEntries)
    .leftJoin(people, eq(people.id, incidentEntries.actorId))
    .where(eq(incidentEntries.incidentId, row.id))
    .orderBy(asc(incidentEntries.at), asc(incidentEntries.seq));
  const due = deadlines(row);
  return { incident: row, entries, deadlines: due, actions: allowedActions(row.stage), now: deps.now() };
}

/** Who may take an action: acknowledging is for whoever was told first (and the leaders); deciding is for the unit's leaders. */
async function requireActor(db: Db, actor: Person, row: IncidentRow, action: IncidentAction) {
  if (hasRole(actor, 'admin', 'publicity')) return;
  if (action === 'follow_up' || action === 'add_evidence') return requireUnitAccess(db, actor, row.unitId);
  const held = (await currentPositions(db, actor.id)).filter((p) => p.unitId === row.unitId).map((p) => p.position);
  if (held.some((p) => (LEADERSHIP as readonly AnyPosition[]).includes(p))) return;
  if (action === 'acknowledge' && (await onDuty(db, row.unitId, row.reportedAt)).includes(actor.id)) return;
  throw new AppError('forbidden');
}

/** Whether the person may take the action (the page offers only those forms; actOnIncident still checks). */
export async function mayAct(db: Db, actor: Person, row: IncidentRow, action: IncidentAction): Promise<boolean> {
  return requireActor(db, actor, row, action).then(() => true, () => false);
}

export type IncidentInput =
  | { action: 'acknowledge'; note?: string }
  | { action: 'assess'; severity: Severity; class: IncidentClass; note: string }
  | { action: 'reply'; draftId: string; promisedBy?: Date; note?: string }
  | { action: 'follow_up'; text: string; result?: boolean }
  | { action: 'add_evidence'; note?: string; files: EvidenceFile[] }
  | { action: 'finish_handling'; text: string }
  | { action: 'close'; summary: string };

/** One step of the procedure; refused when the stage does not allow it or the person may not take it. */
export async function actOnIncident(db: Db, deps: ServiceDeps, actor: Person, id: string, input: IncidentInput) {
  return inTransaction(db, deps, async (tx) => {
    const row = await loadIncident(tx, id, true);
    await requireSight(tx, actor, row);
    const stage = nextStage(row.stage, input.action);
    if (!stage) {
      throw new AppError('conflict', {
        reasonZh: `舆情事件当前阶段为“${label('incidentStage', row.stage)}”，不能${ACTION_WORDS[input.action][0]}`,
        reasonEn: `the incident is at “${label('incidentStage', row.stage, 'en')}”; it cannot be ${ACTION_WORDS[input.action][1]}`,
      });
    }
    // Who may act first: someone who may not is told so, not what the step is waiting on.
    await requireActor(tx, actor, row, input.action);
    if (stepWaitsOn(row, input.action)) {
      const [zh, en] = OWED_ANSWER[row.class!];
      throw new AppError('conflict', { reasonZh: `${zh}：请先记录经审核批准的回复稿，再结束处置`, reasonEn: `${en}: record the approved reply before finishing the handling` }, { field: 'draftId' });
    }
    const now = deps.now();
    const set: Partial<IncidentRow> = { stage, updatedAt: now };
    switch (input.action) {
      case 'acknowledge': {
        set.acknowledgedAt = now;
        set.acknowledgedById = actor.id;
        // The leader in charge reports on to the secretary and the dean, and by whom it concerns.
        const up = (await holders(tx, row.unitId, REPORT_UP_TO)).filter((p) => p !== actor.id);
        await entry(tx, id, now, actor.id, 'acknowledged', input.note ?? null);
        await entry(tx, id, now, actor.id, 'reported_up', null, { notified: up });
        if (up.length) await enqueue(tx, 'incident.notified', { incidentId: id, reason: 'reported_up', personIds: up });
        break;
      }
      case 'assess': {
        set.severity = input.severity;
        set.class = input.class;
        await entry(tx, id, now, actor.id, 'assessed', input.note, { severity: input.severity, class: input.class });
        // The graver ones go to the university's leading group (the publicity department here).
        if (isGrave(input.severity) && !isGrave(row.severity)) {
          const dept = await publicityDepartment(tx);
          await entry(tx, id, now, actor.id, 'reported_up', null, { notified: dept, to: 'leading_group' });
          if (dept.length) await enqueue(tx, 'incident.notified', { incidentId: id, reason: 'grave', personIds: dept });
        }
        break;
      }
      case 'reply': {
        // A reply to the public is a draft that went through the sign-off chain: the record shows who approved which text.
        const [draft] = await tx.select({ id: drafts.id, unitId: drafts.unitId, status: drafts.status, createdAt: drafts.createdAt }).from(drafts).where(eq(drafts.id, input.draftId));
        if (!draft || draft.unitId !== row.unitId) throw new AppError('not_found', { what: words('稿件', 'draft') }, { field: 'draftId' });
        if (draft.status !== 'approved') {
          throw new AppError('conflict', { reasonZh: '回复稿须经审核批准后才能记录为已回复', reasonEn: 'a reply is recorded once its draft has been approved through the sign-off chain' }, { field: 'draftId' });
        }
        const problem = replyProblem(draft, row, await recordedReplies(tx, id));
        if (problem) throw new AppError('conflict', { reasonZh: REPLY_PROBLEMS[problem][0], reasonEn: REPLY_PROBLEMS[problem][1] }, { field: 'draftId' });
        set.repliedAt = row.repliedAt ?? now;
        if (input.promisedBy) set.promisedBy = input.promisedBy;
        await entry(tx, id, now, actor.id, 'reply', input.note ?? null, { promisedBy: input.promisedBy?.toISOString() ?? null }, draft.id);
        break;
      }
      case 'follow_up':
        if (input.result) set.resultAt = now;
        await entry(tx, id, now, actor.id, 'follow_up', input.text, { result: Boolean(input.result) });
        break;
      case 'add_evidence':
        if (!input.files.length) throw new AppError('file_missing', { field: 'files' }, [{ path: 'files', in: 'body', message: words('至少须上传一个文件（multipart 字段 "files"）', 'at least one file is required (multipart field "files")') }]);
        await entry(tx, id, now, actor.id, 'evidence', input.note ?? null, { files: input.files });
        break;
      case 'finish_handling':
        await entry(tx, id, now, actor.id, 'handling_done', input.text);
        break;
      case 'close':
        set.closedAt = now;
        await entry(tx, id, now, actor.id, 'closed', input.summary);
        break;
    }
    const [updated] = await tx.update(incidents).set(set).where(eq(incidents.id, id)).returning();
    const files = input.action === 'add_evidence' ? { files: input.files.map((f) => ({ sha256: f.sha256, name: f.name })) } : {};
    await appendAudit(tx, { actorId: actor.id, action: `incident.${input.action}`, subjectType: 'incident', subjectId: id, data: { from: row.stage, to: stage, ...files }, at: now });
    return updated!;
  });
}

/** The files of an incident's entries, in the order they came. */
export function evidenceOf(entries: { data: unknown }[]): EvidenceFile[] {
  const seen = new Map<string, EvidenceFile>();
  for (const e of entries) for (const f of ((e.data as { files?: EvidenceFile[] }).files ?? [])) if (!seen.has(f.sha256)) seen.set(f.sha256, f);
  return [...seen.values()];
}

/** One evidence file of an incident, to those who may see the incident (others: 404, as for the incident). */
export async function incidentFile(db: Db, deps: FileDeps, actor: Person, id: string, sha256: string) {
  const row = await loadIncident(db, id);
  await requireSight(db, actor, row);
  const rows = await db.select({ data: incidentEntries.data }).from(incidentEntries)
    .where(and(eq(incidentEntries.incidentId, id), eq(incidentEntries.kind, 'evidence')));
  const file = evidenceOf(rows).find((f) => f.sha256 === sha256);
  if (!file) throw new AppError('not_found', { what: words('文件', 'file') });
  return serve(deps, file);
}

async function publicityDepartment(db: Db): Promise<string[]> {
  const rows = await db.select({ id: people.id }).from(people).where(sql`'publicity' = any(${people.roles})`);
  return rows.map((r) => r.id);
}

/** The board: open incidents (publicity and admins: all; others: their units'), gravest and most urgent first. */
export async function listIncidents(db: Db, deps: ServiceDeps, actor: Person, opts: { includeClosed?: boolean } = {}) {
  const units = hasRole(actor, 'admin', 'publicity') ? null : [...new Set([actor.unitId, ...(await currentPositions(db, actor.id)).map((p) => p.unitId)].filter((x): x is string => !!x))];
  if (units && !units.length) return [];
  const rows = await db
    .select()
    .from(incidents)
    .where(and(opts.includeClosed ? undefined : ne(incidents.stage, 'closed'), units ? inArray(incidents.unitId, units) : undefined))
    .orderBy(desc(sql`case ${incidents.severity} when 'especially_major' then 4 when 'major' then 3 when 'significant' then 2 else 1 end`), desc(incidents.urgent), asc(incidents.reportedAt))
    .limit(500);
  return rows.map((r) => ({ incident: r, deadlines: deadlines(r) }));
}

/**
 * Chases every owed deadline of open incidents: a reminder before, an escalation once passed, each
 * once (an entry records it, so a second run finds it), never acting for anyone.
 */
async function chaseIncidents(db: Db, deps: ServiceDeps, now: Date): Promise<number> {
  const open = await db.select().from(incidents).where(ne(incidents.stage, 'closed'));
  let written = 0;
  for (const row of open) {
    const due = deadlines(row);
    for (const kind of Object.keys(due) as DeadlineKind[]) {
      const at = due[kind];
      if (!at) continue;
      const step = chase(kind, at, now, row.ackMinutes);
      if (!step) continue;
      written += await inTransaction(db, deps, async (tx) => {
        const locked = await loadIncident(tx, row.id, true);
        const entryKind: EntryKind = step === 'remind' ? 'reminder' : 'escalated';
        const [done] = await tx.select({ id: incidentEntries.id }).from(incidentEntries).where(and(
          eq(incidentEntries.incidentId, row.id), eq(incidentEntries.kind, entryKind),
          sql`${incidentEntries.data}->>'deadline' = ${kind}`, sql`${incidentEntries.data}->>'due' = ${at.toISOString()}`,
        ));
        if (done || locked.stage === 'closed') return 0;
        const owed = kind === 'acknowledgeBy'
          ? [...(await onDuty(tx, row.unitId, row.reportedAt)), ...(await holders(tx, row.unitId, firstReceivers(row.urgent, row.group).act))]
          : await holders(tx, row.unitId, ['deputy_leader', 'secretary']);
        const above = step === 'escalate'
          ? [...(await holders(tx, row.unitId, ['secretary', 'dean', 'publicity_officer'])), ...(kind === 'acknowledgeBy' && !isGrave(row.severity) ? [] : await publicityDepartment(tx))]
          : [];
        const personIds = [...new Set([...owed, ...above])];
        await entry(tx, row.id, now, null, entryKind, null, { deadline: kind, due: at.toISOString(), notified: personIds });
        await enqueue(tx, 'incident.notified', { incidentId: row.id, reason: step === 'remind' ? 'reminder' : 'escalated', personIds, deadline: kind, due: at.toISOString() });
        await appendAudit(tx, { actorId: null, action: `incident.${entryKind}`, subjectType: 'incident', subjectId: row.id, data: { deadline: kind, due: at.toISOString() }, at: now });
        return 1;
      });
    }
  }
  return written;
}

export const incidentSweeps: Sweep[] = [{ name: 'incident-deadlines', run: chaseIncidents }];
