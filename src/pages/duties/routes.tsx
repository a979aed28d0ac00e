import { Hono, type Context } from 'hono';
import { toAppError } from '../../lib/errors';
import { formBody, type AppEnv } from '../../lib/http';
import { requireRole } from '../../services/auth';
import { cstYear } from '../../domain/cst';
import * as duties from '../../services/duties';
import { dutyYear } from '../../services/duty-exports';
import { listSupervisions } from '../../services/supervisions';
import { evidenceForm } from '../../routes/duties/duties.handlers';
import { pageCtx, t } from '../components/context';
import { errorPage, renderPage } from '../components/render';
import type { FieldErrors } from '../components/ui';
import { requirePage } from '../sessions';
import { UUID_PARAM } from '../workspace/routes';
import { BoardPage, DutyPage, MyDutiesPage } from './DutyPages';

/** Which form field a refused submission or decision names, for the error summary; null: not a field's fault. */
function fieldOf(err: unknown): string | null {
  const e = toAppError(err);
  if (e.code === 'comment_required') return 'comment';
  if (/^file_/.test(e.code)) return 'files';
  if (e.code === 'validation_failed') {
    const paths = (Array.isArray(e.details) ? e.details : []).map((d: { path?: string }) => d.path ?? '');
    return paths.find((p) => p === 'note' || p === 'comment') ?? 'files';
  }
  return null;
}

async function showDuty(c: Context<AppEnv>, id: string, extra: { errors?: FieldErrors; values?: Record<string, string>; notice?: string } = {}, status: 400 | 200 = 200) {
  const o = await duties.getObligation(c.var.deps.db, c.var.deps, c.var.person, id);
  return renderPage(c, <DutyPage ctx={pageCtx(c)} o={o} {...extra} />, status);
}

const NOTICES: Record<string, [string, string]> = {
  submitted: ['材料已提交，等待审核。', 'Submitted; waiting for the reviewer.'],
  accept: ['已审核通过。', 'Accepted.'],
  return: ['已退回，并通知了提交人。', 'Returned; the submitter has been told.'],
};

/** The duty pages; form posts go through the same services as the API. */
export const dutyPagesRouter = new Hono<AppEnv>()
  .get('/duties', requirePage, async (c) => {
    const { deps, person } = c.var;
    try {
      const year = String(cstYear(deps.now()));
      const mine = await duties.listObligations(deps.db, deps, person, { mine: true });
      const visible = person.roles.some((r) => r === 'publicity') ? await duties.listObligations(deps.db, deps, person, { period: year }) : mine;
      const toReview = [];
      for (const o of visible.filter((x) => x.status === 'submitted')) {
        if ((await duties.getObligation(deps.db, deps, person, o.id)).allowedActions.includes('accept')) toReview.push(o);
      }
      // A unit's people find their unit's 专项督查 result here; the department has its own page.
      const ownSupervisions = person.roles.some((r) => r === 'publicity' || r === 'admin') ? [] : await listSupervisions(deps.db, person);
      return renderPage(c, <MyDutiesPage ctx={pageCtx(c)} mine={mine} toReview={toReview} supervisions={ownSupervisions} />);
    } catch (err) {
      return errorPage(c, err);
    }
  })
  .get('/duties/board', requirePage, async (c) => {
    const { deps, person } = c.var;
    try {
      requireRole(person, 'publicity', 'admin');
      const now = cstYear(deps.now());
      const asked = Number(c.req.query('year') ?? now);
      const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : now;
      const report = await dutyYear(deps.db, deps, person, year);
      return renderPage(c, <BoardPage ctx={pageCtx(c)} report={report} years={[now - 2, now - 1, now]} />);
    } catch (err) {
      return errorPage(c, err);
    }
  })
  .get(`/duties/:id{${UUID_PARAM}}`, requirePage, async (c) => {
    try {
      const done = NOTICES[c.req.query('done') ?? ''];
      return await showDuty(c, c.req.param('id'), done ? { notice: t(pageCtx(c), ...done) } : {});
    } catch (err) {
      return errorPage(c, err);
    }
  })
  .post(`/duties/:id{${UUID_PARAM}}/submit`, requirePage, async (c) => {
    const id = c.req.param('id');
    let note = '';
    try {
      const form = await evidenceForm(c);
      note = form.note;
      await duties.submitEvidence(c.var.deps.db, c.var.deps, c.var.person, id, form);
      return c.redirect(`/duties/${id}?done=submitted`, 303);
    } catch (err) {
      const field = fieldOf(err);
      if (!field) return errorPage(c, err);
      return showDuty(c, id, { errors: { [field]: toAppError(err).localized(pageCtx(c).locale) }, values: { note } }, 400).catch((e) => errorPage(c, e));
    }
  })
  .post(`/duties/:id{${UUID_PARAM}}/decide`, requirePage, async (c) => {
    const id = c.req.param('id');
    const form = await formBody(c);
    const comment = typeof form.comment === 'string' ? form.comment : '';
    const decision = form.decision === 'accept' || form.decision === 'return' ? form.decision : null;
    try {
      if (!decision) return await showDuty(c, id, { errors: { comment: t(pageCtx(c), '请选择“通过”或“退回”', 'Choose Accept or Return') }, values: { comment } }, 400);
      await duties.decide(c.var.deps.db, c.var.deps, c.var.person, id, decision, comment || undefined);
      return c.redirect(`/duties/${id}?done=${decision}`, 303);
    } catch (err) {
      const field = fieldOf(err);
      if (!field) return errorPage(c, err);
      return showDuty(c, id, { errors: { [field]: toAppError(err).localized(pageCtx(c).locale) }, values: { comment } }, 400).catch((e) => errorPage(c, e));
    }
  });
