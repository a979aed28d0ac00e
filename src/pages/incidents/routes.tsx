import { Hono, type Context } from 'hono';
import { eq, inArray } from 'drizzle-orm';
import type { z } from '@hono/zod-openapi';
import { people, units } from '../../../db/schema';
import { cstMinute } from '../../domain/cst';
import { AppError, toAppError, words } from '../../lib/errors';
import { formBody, type AppEnv } from '../../lib/http';
import { uploadsOf } from '../../routes/files/files.handlers';
import { EvidenceNote, ReportBody, StepBodies } from '../../routes/incidents/incidents.routes';
import { currentPositions, hasRole } from '../../services/auth';
import { listDrafts } from '../../services/drafts';
import { acceptEvidence, actOnIncident, getIncident, listIncidents, mayAct, recordedReplies, reportIncident, type IncidentInput } from '../../services/incidents';
import { replyEarliest, replyProblem } from '../../domain/incidents';
import { pageCtx, t } from '../components/context';
import { errorPage, renderPage } from '../components/render';
import { formErrors, parseWith, type FieldLabels } from '../console/forms';
import type { FieldErrors } from '../components/ui';
import { requirePage } from '../sessions';
import { UUID_PARAM } from '../workspace/routes';
import { BoardPage, IncidentPage, ReportPage, type Values } from './pages';

type C = Context<AppEnv>;

/** A `datetime-local` value is read as Beijing time (the page says so); anything else goes to the schema as typed, to be refused there. */
const fromLocal = (v: string | undefined) => (v && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00+08:00` : v || undefined);
const toLocal = (d: Date) => cstMinute(d).replace(' ', 'T');
/** The request's `lang=…` for a redirect's address, after `sep`. */
export const langQuery = (c: C, sep: '?' | '&') => (c.req.query('lang') ? `${sep}lang=${encodeURIComponent(c.req.query('lang')!)}` : '');

/** The form's string fields (a file is not one; of a repeated field, the first). */
async function formValues(c: C): Promise<Values> {
  const form = await formBody(c, true);
  return Object.fromEntries(Object.entries(form).flatMap(([k, v]) => {
    const first = Array.isArray(v) ? v[0] : v;
    return typeof first === 'string' && k !== '_csrf' ? [[k, first]] : [];
  }));
}

/** The units a person may report for: their own and those where they hold a position; publicity and admin staff, any. */
async function unitsOf(c: C): Promise<{ id: string; name: string }[]> {
  const { db } = c.var.deps;
  const ids = [...new Set([c.var.person.unitId, ...(await currentPositions(db, c.var.person.id)).map((p) => p.unitId)].filter((x): x is string => !!x))];
  if (!ids.length && hasRole(c.var.person, 'publicity', 'admin')) return db.select({ id: units.id, name: units.name }).from(units).orderBy(units.name);
  return ids.length ? db.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, ids)) : [];
}

/** What the page says after a step (a report and an acknowledgement say whom they reached: toldNotice). */
const NOTICES: Record<string, [string, string]> = {
  assess: ['研判已保存。', 'The assessment is saved.'],
  reply: ['回复已记录。', 'The reply is recorded.'],
  'follow-up': ['跟进已记录。', 'The follow-up is recorded.'],
  finish: ['处置完毕，进入总结评估。', 'Handling done; on to the closing review.'],
  close: ['事件已结束。', 'The incident is closed.'],
  evidence: ['照片与材料已添加。', 'The files are added.'],
};

/**
 * Who a report or an acknowledgement was passed on to, by name, as its entry recorded them: a post
 * may be vacant and a roster empty, so the notice never names a role that nobody holds.
 */
async function toldNotice(c: C, seen: Awaited<ReturnType<typeof getIncident>>, done: string): Promise<string> {
  const l = pageCtx(c).locale;
  const kind = done === 'reported' ? 'reported' : 'reported_up';
  const data = ([...seen.entries].reverse().find((e) => e.kind === kind)?.data ?? {}) as { notified?: string[]; to?: string };
  const ids = data.notified ?? [];
  const names = ids.length ? (await c.var.deps.db.select({ name: people.name }).from(people).where(inArray(people.id, ids))).map((p) => p.name) : [];
  const list = names.join(l === 'en' ? ', ' : '、');
  if (done === 'reported') {
    if (!names.length) return t(l, '已报告，但本单位没有值班人员或分管院领导，也没有宣传部人员可以通知：请直接电话联系。', 'Reported, but the unit has nobody on duty or in charge and no publicity staff to tell: phone them directly.');
    return data.to === 'leading_group'
      ? t(l, `已报告。本单位暂无值班人员，分管院领导岗位空缺，已改为通知宣传部：${list}。`, `Reported. The unit has nobody on duty and no leader in charge, so the publicity department was told instead: ${list}.`)
      : t(l, `已报告，已通知：${list}。`, `Reported; told: ${list}.`);
  }
  return names.length
    ? t(l, `已确认接报，并已上报：${list}。`, `Acknowledged, and reported on to: ${list}.`)
    : t(l, '已确认接报。学院书记、院长等岗位空缺，未能上报任何人。', 'Acknowledged. The secretary’s and dean’s posts are vacant, so it was reported on to nobody.');
}

async function showIncident(c: C, id: string, extra: { errors?: FieldErrors; values?: Values; notice?: string } = {}, status: 200 | 400 | 403 | 409 = 200) {
  const { db } = c.var.deps;
  const seen = await getIncident(db, c.var.deps, c.var.person, id);
  const done = c.req.method === 'GET' ? c.req.query('done') : undefined;
  if (done === 'reported' || done === 'acknowledge') extra = { ...extra, notice: await toldNotice(c, seen, done) };
  // Only the forms this person may take (a drafter does not decide for the leaders).
  const mine = await Promise.all(seen.actions.map((a) => mayAct(db, c.var.person, seen.incident, a)));
  const v = { ...seen, actions: seen.actions.filter((_, k) => mine[k]) };
  const [unit] = await db.select({ name: units.name }).from(units).where(eq(units.id, v.incident.unitId));
  // The reply form offers the unit's approved drafts that can be this incident's reply (the service refuses any other).
  const recorded = v.actions.includes('reply') ? await recordedReplies(db, v.incident.id) : [];
  const drafts = v.actions.includes('reply')
    ? (await listDrafts(db, c.var.person, { unitId: v.incident.unitId, status: 'approved', createdFrom: replyEarliest(v.incident), limit: 50, offset: 0 })).items
      .filter((d) => !replyProblem({ id: d.id, createdAt: new Date(d.createdAt) }, v.incident, recorded))
    : [];
  return renderPage(c, <IncidentPage ctx={pageCtx(c)} v={v} unitName={unit?.name ?? ''} drafts={drafts.map((d) => ({ id: d.id, title: d.title }))} {...extra} />, status);
}

/** Each step's form: its fields, and how they become the service's input (checked by the API's schema). */
const NOTE: [string, string] = ['说明', 'Note'];
const FILES: [string, string] = ['照片或截图', 'Photos or screenshots'];

const STEPS: Record<string, { fields: FieldLabels; rename?: Record<string, string>; body: z.ZodType; input: (f: Values) => Record<string, unknown>; toService: (b: any) => IncidentInput }> = {
  acknowledge: { fields: { note: NOTE }, body: StepBodies.acknowledge, input: (f) => ({ note: f.note || undefined }), toService: (b) => ({ action: 'acknowledge', note: b.note }) },
  assess: { fields: { severity: ['严重程度', 'Severity'], class: ['处置类别', 'Class of handling'], note: ['研判意见', 'Assessment'] }, body: StepBodies.assess, input: (f) => ({ severity: f.severity || undefined, class: f.class, note: f.note }), toService: (b) => ({ action: 'assess', ...b }) },
  reply: {
    fields: { draftId: ['已批准的回复稿', 'Approved reply draft'], promisedBy: ['承诺结果时间', 'Result promised by'], note: NOTE }, body: StepBodies.reply,
    input: (f) => ({ draftId: f.draftId, promisedBy: fromLocal(f.promisedBy), note: f.note || undefined }),
    toService: (b) => ({ action: 'reply', draftId: b.draftId, promisedBy: b.promisedBy ? new Date(b.promisedBy) : undefined, note: b.note }),
  },
  'follow-up': { fields: { text: ['跟进情况', 'What happened'] }, body: StepBodies.followUp, input: (f) => ({ text: f.text, result: f.result === 'true' || undefined }), toService: (b) => ({ action: 'follow_up', text: b.text, result: b.result }) },
  finish: { fields: { finishText: ['处置结果', 'Outcome'] }, rename: { text: 'finishText' }, body: StepBodies.finish, input: (f) => ({ text: f.finishText }), toService: (b) => ({ action: 'finish_handling', text: b.text }) },
  close: { fields: { summary: ['总结评估', 'Summary and evaluation'] }, body: StepBodies.close, input: (f) => ({ summary: f.summary }), toService: (b) => ({ action: 'close', summary: b.summary }) },
};

const REPORT_FIELDS: FieldLabels = {
  unitId: ['单位', 'Unit'], summary: ['事件概要', 'Summary'], occurredAt: ['时间', 'When'], place: ['地点', 'Where'], people: ['人员', 'Who'],
  development: ['事态发展情况', 'How it is developing'], group: ['涉及群体', 'Who it concerns'], urgent: ['紧急程度', 'Urgency'], files: FILES,
};
/** A file refusal names `file` (the drafts' uploads); here the field is `files`. */
const FILE_FIELD = { file: 'files' };

/** The 舆情 pages; every form calls the same service as its API endpoint, then comes back with a notice. */
export const incidentPagesRouter = new Hono<AppEnv>()
  .get('/incidents', requirePage, async (c) => {
    try {
      const items = await listIncidents(c.var.deps.db, c.var.deps, c.var.person);
      const ids = [...new Set(items.map((i) => i.incident.unitId))];
      const names = ids.length ? await c.var.deps.db.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, ids)) : [];
      return renderPage(c, <BoardPage ctx={pageCtx(c)} items={items} units={new Map(names.map((u) => [u.id, u.name]))} now={c.var.deps.now()} />);
    } catch (err) {
      return errorPage(c, err);
    }
  })
  .get('/incidents/new', requirePage, async (c) => {
    try {
      const mine = await unitsOf(c);
      if (!mine.length) throw new AppError('forbidden', {}, { reason: words('您不属于任何单位，不能以单位名义报告舆情：请管理员把您加入单位或任命岗位。', 'You belong to no unit, so you cannot report for one: ask an admin to add you to a unit or appoint you to a position.') });
      return renderPage(c, <ReportPage ctx={pageCtx(c)} units={mine} values={{ occurredAt: toLocal(c.var.deps.now()) }} />);
    } catch (err) {
      return errorPage(c, err);
    }
  })
  .post('/incidents/new', async (c) => {
    if (!c.get('person')) return c.redirect(`/login?next=${encodeURIComponent('/incidents/new')}`, 303);
    const f = await formValues(c);
    try {
      const mine = await unitsOf(c);
      const input = {
        unitId: f.unitId, summary: f.summary, occurredAt: fromLocal(f.occurredAt), place: f.place, people: f.people, development: f.development,
        group: f.group, ...(f.urgent === 'true' ? { urgent: true } : {}),
      };
      try {
        const report = parseWith(ReportBody, input);
        const files = await acceptEvidence(c.var.deps, await uploadsOf(await formBody(c, true)));
        const row = await reportIncident(c.var.deps.db, c.var.deps, c.var.person, { ...report, occurredAt: new Date(report.occurredAt), files });
        return c.redirect(`/incidents/${row.id}?done=reported${langQuery(c, '&')}`, 303);
      } catch (err) {
        const e = toAppError(err);
        const { errors, status } = formErrors(e, pageCtx(c).locale, 'form', REPORT_FIELDS, FILE_FIELD);
        return renderPage(c, <ReportPage ctx={pageCtx(c)} units={mine} errors={errors} values={f} />, status);
      }
    } catch (err) {
      return errorPage(c, err);
    }
  })
  .get(`/incidents/:id{${UUID_PARAM}}`, requirePage, async (c) => {
    try {
      const done = NOTICES[c.req.query('done') ?? ''];
      return await showIncident(c, c.req.param('id'), done ? { notice: t(pageCtx(c), ...done) } : {});
    } catch (err) {
      return errorPage(c, err);
    }
  })
  .post(`/incidents/:id{${UUID_PARAM}}/evidence`, async (c) => {
    const id = c.req.param('id');
    if (!c.get('person')) return c.redirect(`/login?next=${encodeURIComponent(`/incidents/${id}`)}`, 303);
    const f = await formValues(c);
    try {
      // The page's note field is `evidenceNote` (the step forms own `note`); the API reads `note`.
      const form = await formBody(c, true);
      const note = f.evidenceNote?.trim() ? f.evidenceNote : undefined;
      const evidence = parseWith(EvidenceNote, { note });
      const files = await acceptEvidence(c.var.deps, await uploadsOf(form));
      await actOnIncident(c.var.deps.db, c.var.deps, c.var.person, id, { action: 'add_evidence', note: evidence.note, files });
      return c.redirect(`/incidents/${id}?done=evidence${langQuery(c, '&')}#evidence`, 303);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal' || e.status === 404) return errorPage(c, err);
      const { errors } = formErrors(e, pageCtx(c).locale, 'actions', { files: FILES, evidenceNote: NOTE }, { ...FILE_FIELD, note: 'evidenceNote' });
      return showIncident(c, id, { errors, values: f }, e.status === 403 || e.status === 409 ? e.status : 400).catch((again) => errorPage(c, again));
    }
  })
  .post(`/incidents/:id{${UUID_PARAM}}/:step{acknowledge|assess|reply|follow-up|finish|close}`, async (c) => {
    const id = c.req.param('id');
    // Signed out meanwhile: sign in, then come back to the incident, not to a POST address.
    if (!c.get('person')) return c.redirect(`/login?next=${encodeURIComponent(`/incidents/${id}`)}`, 303);
    const name = c.req.param('step');
    const step = STEPS[name]!;
    const f = await formValues(c);
    try {
      await actOnIncident(c.var.deps.db, c.var.deps, c.var.person, id, step.toService(parseWith(step.body, step.input(f))));
      return c.redirect(`/incidents/${id}?done=${name}${langQuery(c, '&')}`, 303);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal' || e.status === 404) return errorPage(c, err);
      // A refusal (a field, the stage, not allowed) is shown on the incident's page with what was typed.
      const { errors } = formErrors(e, pageCtx(c).locale, 'actions', step.fields, step.rename);
      return showIncident(c, id, { errors, values: f }, e.status === 403 || e.status === 409 ? e.status : 400).catch((again) => errorPage(c, again));
    }
  });
