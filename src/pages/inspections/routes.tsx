import { cstYear } from '../../domain/cst';
import { z } from '@hono/zod-openapi';
import { eq, inArray } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { accounts, people } from '../../../db/schema';
import { AUTO_FAIL_ITEMS, GRADE_RESULTS, INSPECTION_STATUSES, progressByUnit } from '../../domain/inspection';
import { formBody, instant, said, type AppEnv } from '../../lib/http';
import { localeOf, translator } from '../../lib/i18n';
import { text } from '../../lib/text';
import { SelfReportSchema } from '../../routes/inspections/inspections.routes';
import { canManage } from '../../services/accounts';
import { hasRole } from '../../services/auth';
import * as inspections from '../../services/inspections';
import { errorPage } from '../components/render';
import type { FieldErrors } from '../components/ui';
import { cstInput, formErrors, many, one, optional, parseWith, readForm, renamed, type FieldLabels, type FormData } from '../console/forms';
import { consolePage, pathId, requirePageRole } from '../console/page';
import { requirePage } from '../sessions';
import { uploadsOf } from '../../routes/files/files.handlers';
import { CampaignListPage, CampaignPage, GRADE_LABELS, InspectionPage, SELF_REPORT_LABELS } from './pages';

type C = Context<AppEnv>;
const moment = instant();

const CampaignForm = z.object({
  year: z.coerce.number().int().min(2000).max(2100),
  deadline: moment,
  graceUntil: moment.optional(),
}).refine((b) => !b.graceUntil || new Date(b.graceUntil) >= new Date(b.deadline), { ...said('不能早于自查截止时间', 'must not be before the deadline'), path: ['graceUntil'] });
const CAMPAIGN_LABELS: FieldLabels = { year: ['年度', 'year'], deadline: ['自查截止', 'deadline'], graceUntil: ['宽限至', 'grace until'] };

async function campaignsPage(c: C, values: FormData = {}, errors?: FieldErrors, status: 200 | 400 | 409 = 200) {
  const person = requirePageRole(c, 'publicity', 'admin');
  const rows = await inspections.listCampaigns(c.var.deps.db, person);
  const tr = translator(localeOf(c));
  // This Beijing year, or the first after it that has no campaign yet (the form offers what can be opened).
  let next = cstYear(c.var.deps.now());
  while (rows.some((r) => r.year === next)) next++;
  const year = String(next);
  return consolePage(c, { title: tr('年度检查', 'Annual inspection'), status }, (ctx) => <CampaignListPage ctx={ctx} campaigns={rows} values={{ year, ...values }} errors={errors} />);
}

async function campaignPage(c: C, id: string, extra: { done?: string; errors?: FieldErrors; status?: 409 } = {}) {
  const person = requirePageRole(c, 'publicity', 'admin');
  const data = await inspections.campaignProgress(c.var.deps.db, person, id);
  const now = c.var.deps.now();
  const tr = translator(localeOf(c));
  const title = tr(`${data.campaign.year} 年度检查`, `${data.campaign.year} annual inspection`);
  return consolePage(c, { title, crumbs: [[tr('年度检查', 'Annual inspection'), '/inspections/campaigns'], [title]], status: extra.status }, (ctx) => (
    <CampaignPage ctx={ctx} data={data} units={progressByUnit(data.rows, data.campaign.deadline, now)} now={now} done={extra.done} errors={extra.errors} />
  ));
}

const DONE: Record<string, [string, string]> = {
  'self-report': ['自查报告已提交', 'Self-report filed'], evidence: ['佐证材料已上传', 'Evidence uploaded'], grade: ['评定已保存', 'Grade saved'], interview: ['约谈记录已保存', 'Interview recorded'], closed: ['年检已结束', 'Campaign closed'],
};

async function inspectionPage(c: C, id: string, extra: { values?: FormData; errors?: FieldErrors; status?: 400 | 409 } = {}) {
  const { deps, person } = c.var;
  const view = await inspections.getInspectionView(deps.db, deps, person, id);
  const [account] = await deps.db.select().from(accounts).where(eq(accounts.id, view.accountId));
  const canReport = await canManage(deps.db, person, account!, false);
  const ids = [...view.gradings.map((g) => g.gradedBy), ...view.interviews.map((x) => x.recordedBy), ...view.evidence.map((f) => f.uploadedBy)];
  const names = new Map((ids.length ? await deps.db.select({ id: people.id, name: people.name }).from(people).where(inArray(people.id, ids)) : []).map((p) => [p.id, p.name]));
  const l = localeOf(c);
  const tr = translator(l);
  const doneKey = c.req.query('done');
  const done = doneKey && DONE[doneKey] ? tr(...DONE[doneKey]!) : undefined;
  const title = tr(`${view.accountName} · ${view.year} 年度检查`, `${view.accountName} · ${view.year} inspection`);
  const crumbs: [string, string?][] = hasRole(person, 'publicity', 'admin')
    ? [[tr('年度检查', 'Annual inspection'), '/inspections/campaigns'], [tr(`${view.year} 年度`, String(view.year)), `/inspections/campaigns/${view.campaignId}`], [view.accountName]]
    : [[tr('账号登记备案', 'Registry'), '/registry'], [view.accountName, `/registry/${view.accountId}`], [tr(`${view.year} 年度检查`, `${view.year} inspection`)]];
  return consolePage(c, { title, crumbs, status: extra.status }, (ctx) => (
    <InspectionPage ctx={ctx} view={view} canGrade={hasRole(person, 'publicity', 'admin')} canReport={canReport} names={names} values={extra.values} errors={extra.errors} done={done} now={deps.now()} />
  ));
}

/** Runs one inspection form; a refusal shows the inspection page again with the reason beside its field. */
async function inspectionAction(c: C, fallback: string, labels: FieldLabels, act: (form: FormData, id: string) => Promise<string>) {
  const id = pathId(c);
  const form = await readForm(c);
  try {
    return c.redirect(`/inspections/${id}?done=${await act(form, id)}`, 303);
  } catch (err) {
    const { errors, status } = formErrors(err, localeOf(c), fallback, labels);
    if (status === 403 || status === 404) throw err;
    return inspectionPage(c, id, { values: form, errors, status: status as 400 });
  }
}

const count = (f: FormData, n: string) => (one(f, n) === '' ? undefined : Number(one(f, n)));
const names = (s: string) => s.split(/[,，、;；\n]+/).map((x) => x.trim()).filter(Boolean);

/** The self-report as the API takes it, from the form's flat fields (their names are the page's, mapped back on refusal). */
function selfReportInput(f: FormData) {
  const kind = one(f, 'incidentKind');
  return {
    updateFrequency: optional(f, 'updateFrequency'),
    team: { admins: count(f, 'teamAdmins'), operators: count(f, 'teamOperators'), reviewers: count(f, 'teamReviewers'), commentators: count(f, 'teamCommentators'), ...(optional(f, 'teamNotes') ? { notes: optional(f, 'teamNotes') } : {}) },
    commentatorPresent: one(f, 'commentatorPresent') === '' ? undefined : one(f, 'commentatorPresent') === 'true',
    reviewCompliance: { unreviewedPublications: count(f, 'unreviewedPublications'), ...(optional(f, 'complianceNotes') ? { notes: optional(f, 'complianceNotes') } : {}) },
    incidents: kind ? [{ kind, description: one(f, 'incidentDescription'), ...(optional(f, 'incidentAt') ? { at: optional(f, 'incidentAt') } : {}) }] : [],
    ...(optional(f, 'notes') ? { notes: optional(f, 'notes') } : {}),
  };
}
/** API paths of the self-report → the page's field names. */
const SELF_REPORT_PATHS: Record<string, string> = {
  'team.admins': 'teamAdmins', 'team.operators': 'teamOperators', 'team.reviewers': 'teamReviewers', 'team.commentators': 'teamCommentators', 'team.notes': 'teamNotes',
  'reviewCompliance.unreviewedPublications': 'unreviewedPublications', 'reviewCompliance.notes': 'complianceNotes',
  'incidents.0.kind': 'incidentKind', 'incidents.0.description': 'incidentDescription', 'incidents.0.at': 'incidentAt',
};

const GradeForm = z.object({
  result: z.enum(GRADE_RESULTS),
  findings: text(10_000).optional(),
  autoFailItems: z.array(z.enum(AUTO_FAIL_ITEMS)),
  rectifyDeadline: moment.optional(),
  accountAction: z.enum(['suspend', 'shut_down']).optional(),
  expectedStatus: z.enum(INSPECTION_STATUSES).optional(),
  interviewHeldAt: moment.optional(),
  interviewAttendees: z.array(text(100)).max(30),
  interviewNotes: text(10_000).optional(),
}).superRefine((g, ctx) => {
  // An interview is all three or none.
  const parts = [g.interviewHeldAt, g.interviewAttendees.length ? 'x' : undefined, g.interviewNotes];
  if (parts.some(Boolean)) {
    if (!g.interviewHeldAt) ctx.addIssue({ code: 'too_small', origin: 'string', minimum: 1, path: ['interviewHeldAt'], message: 'required with an interview', input: '' } as never);
    if (!g.interviewAttendees.length) ctx.addIssue({ code: 'too_small', origin: 'string', minimum: 1, path: ['interviewAttendees'], message: 'required with an interview', input: '' } as never);
    if (!g.interviewNotes) ctx.addIssue({ code: 'too_small', origin: 'string', minimum: 1, path: ['interviewNotes'], message: 'required with an interview', input: '' } as never);
  }
  if (g.accountAction === 'shut_down' && g.result !== 'fail') ctx.addIssue({ code: 'custom', path: ['accountAction'], ...said('仅用于评定为不合格时', 'only with result fail') });
});

const InterviewForm = z.object({ heldAt: moment, attendees: z.array(text(100)).min(1).max(30), interviewSummary: text(10_000) });

/** Annual inspection pages: campaigns (publicity), one inspection (its owner files, publicity grades). */
export const inspectionPagesRouter = new Hono<AppEnv>()
  .get('/inspections/campaigns', requirePage, (c) => campaignsPage(c))
  .post('/inspections/campaigns', requirePage, async (c) => {
    const person = requirePageRole(c, 'publicity', 'admin');
    const form = await readForm(c);
    try {
      const input = parseWith(CampaignForm, { year: one(form, 'year'), deadline: cstInput(one(form, 'deadline'), true), graceUntil: cstInput(one(form, 'graceUntil'), true) });
      const created = await inspections.createCampaign(c.var.deps.db, c.var.deps, person, { year: input.year, deadline: new Date(input.deadline), graceUntil: input.graceUntil ? new Date(input.graceUntil) : undefined });
      return c.redirect(`/inspections/campaigns/${created.id}`, 303);
    } catch (err) {
      const { errors, status } = formErrors(err, localeOf(c), 'year', CAMPAIGN_LABELS);
      if (status === 403) throw err;
      return campaignsPage(c, form, errors, status === 409 ? 409 : 400);
    }
  })
  .get('/inspections/campaigns/:id', requirePage, (c) => campaignPage(c, pathId(c)))
  .post('/inspections/campaigns/:id/close', requirePage, async (c) => {
    const person = requirePageRole(c, 'publicity', 'admin');
    const id = pathId(c);
    try {
      await inspections.closeCampaign(c.var.deps.db, c.var.deps, person, id);
    } catch (err) {
      const { errors, status } = formErrors(err, localeOf(c), 'close');
      if (status !== 409) throw err;
      return campaignPage(c, id, { errors, status: 409 });
    }
    return campaignPage(c, id, { done: translator(localeOf(c))(...DONE.closed!) });
  })
  .get('/inspections/:id', requirePage, (c) => inspectionPage(c, pathId(c)))
  .post('/inspections/:id/self-report', requirePage, (c) => inspectionAction(c, 'updateFrequency', SELF_REPORT_LABELS, async (form, id) => {
    try {
      const input = parseWith(SelfReportSchema, selfReportInput(form));
      // The form has one incident slot (the first filed): any others filed (through the API) are kept.
      const filed = ((await inspections.getInspectionView(c.var.deps.db, c.var.deps, c.var.person, id)).selfReport as { incidents?: typeof input.incidents } | null)?.incidents ?? [];
      if (filed.length > 1) input.incidents = [...(input.incidents ?? []), ...filed.slice(1)];
      await inspections.fileSelfReport(c.var.deps.db, c.var.deps, c.var.person, id, input);
    } catch (err) {
      throw renamed(err, SELF_REPORT_PATHS);
    }
    return 'self-report';
  }))
  .post('/inspections/:id/evidence', requirePage, async (c) => {
    const id = pathId(c);
    try {
      const files = await uploadsOf(await formBody(c, true), ['files']);
      await inspections.addEvidence(c.var.deps.db, c.var.deps, c.var.person, id, files);
      return c.redirect(`/inspections/${id}?done=evidence#evidence`, 303);
    } catch (err) {
      const { errors, status } = formErrors(err, localeOf(c), 'files', { files: ['佐证材料', 'evidence files'] });
      if (status === 403 || status === 404) throw err;
      return inspectionPage(c, id, { errors, status: status as 400 });
    }
  })
  .post('/inspections/:id/grade', requirePage, (c) => inspectionAction(c, 'result', GRADE_LABELS, async (form, id) => {
    // The role before the form: a staff member's post is a 403 page, not the form's errors.
    requirePageRole(c, 'publicity', 'admin');
    const g = parseWith(GradeForm, {
      result: one(form, 'result') || undefined, findings: optional(form, 'findings'), autoFailItems: many(form, 'autoFailItems'),
      rectifyDeadline: cstInput(one(form, 'rectifyDeadline')), accountAction: optional(form, 'accountAction'), expectedStatus: optional(form, 'expectedStatus'),
      interviewHeldAt: cstInput(one(form, 'interviewHeldAt')), interviewAttendees: names(one(form, 'interviewAttendees')), interviewNotes: optional(form, 'interviewNotes'),
    });
    await inspections.gradeInspection(c.var.deps.db, c.var.deps, c.var.person, id, {
      result: g.result, findings: g.findings, autoFailItems: g.autoFailItems, accountAction: g.accountAction, expectedStatus: g.expectedStatus,
      rectifyDeadline: g.rectifyDeadline ? new Date(g.rectifyDeadline) : undefined,
      interview: g.interviewHeldAt && g.interviewNotes ? { heldAt: new Date(g.interviewHeldAt), attendees: g.interviewAttendees, notes: g.interviewNotes } : undefined,
    }).catch((err: unknown) => { throw renamed(err, { 'interview.heldAt': 'interviewHeldAt' }); });
    return 'grade';
  }))
  .post('/inspections/:id/interviews', requirePage, (c) => inspectionAction(c, 'heldAt', { ...GRADE_LABELS, interviewSummary: GRADE_LABELS.interviewNotes! }, async (form, id) => {
    requirePageRole(c, 'publicity', 'admin');
    const x = parseWith(InterviewForm, { heldAt: cstInput(one(form, 'heldAt')), attendees: names(one(form, 'attendees')), interviewSummary: one(form, 'interviewSummary') });
    await inspections.recordInterview(c.var.deps.db, c.var.deps, c.var.person, id, { heldAt: new Date(x.heldAt), attendees: x.attendees, notes: x.interviewSummary });
    return 'interview';
  }))
  .onError((err, c) => errorPage(c, err));
