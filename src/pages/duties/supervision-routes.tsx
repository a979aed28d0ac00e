import { Hono, type Context } from 'hono';
import { cstYear } from '../../domain/cst';
import { SUPERVISION_ITEMS } from '../../domain/supervision';
import type { AppEnv } from '../../lib/http';
import { OpenSupervisionsBody, RectificationBody, ScoreBody } from '../../routes/duties/duties.routes';
import { unitsOf } from '../../services/org';
import * as supervisions from '../../services/supervisions';
import { pageCtx, t } from '../components/context';
import { errorPage, renderPage } from '../components/render';
import type { FieldErrors } from '../components/ui';
import { cstInput, formErrors, one, optional, parseWith, readForm, renamed, type FieldLabels, type FormData } from '../console/forms';
import { pathId, requirePageRole } from '../console/page';
import { requirePage } from '../sessions';
import { findingField, scoreField, SupervisionPage, SupervisionYearPage } from './SupervisionPages';

type C = Context<AppEnv>;

/** The scoring form's labels: each item's score and finding by the item's name. */
const SCORE_LABELS: FieldLabels = {
  ...Object.fromEntries(SUPERVISION_ITEMS.flatMap((i) => [
    [scoreField(i.key), [`“${i.title}”得分`, `the score for ${i.title}`]],
    [findingField(i.key), [`“${i.title}”发现的问题`, `the finding for ${i.title}`]],
  ])),
  summary: ['总体评价', 'summary'],
  rectifyDeadline: ['整改期限', 'rectification deadline'],
};
/** API paths (`items.3.score`) → the form's field names; the form sends the items in checklist order. */
const SCORE_PATHS: Record<string, string> = {
  ...Object.fromEntries(SUPERVISION_ITEMS.flatMap((i, n) => [[`items.${n}.score`, scoreField(i.key)], [`items.${n}.finding`, findingField(i.key)], [`items.${n}.key`, scoreField(i.key)]])),
  items: scoreField(SUPERVISION_ITEMS[0]!.key),
};

function yearOf(c: C): number {
  const now = cstYear(c.var.deps.now());
  const asked = Number(c.req.query('year') ?? now);
  return Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : now;
}

async function yearPage(c: C, year: number, errors?: FieldErrors, status: 200 | 400 = 200) {
  const person = requirePageRole(c, 'publicity', 'admin');
  const { db } = c.var.deps;
  const [items, all] = await Promise.all([supervisions.listSupervisions(db, person, year), unitsOf(db, person)]);
  const now = cstYear(c.var.deps.now());
  return renderPage(c, <SupervisionYearPage ctx={pageCtx(c)} year={year} years={[now - 2, now - 1, now, now + 1]} items={items} unopened={all.length - items.length} errors={errors} />, status);
}

const NOTICES: Record<string, [string, string]> = {
  scored: ['评分已保存，并已通知该单位。', 'Scores saved; the unit has been told.'],
  rectification: ['整改报告已提交，等待党委宣传部复查。', 'Rectification reported; the publicity department will re-check.'],
};

async function unitPage(c: C, id: string, extra: { errors?: FieldErrors; values?: FormData; status?: 400 | 409 } = {}) {
  const s = await supervisions.getSupervision(c.var.deps.db, c.var.deps, c.var.person, id);
  const done = NOTICES[c.req.query('done') ?? ''];
  const values = Object.fromEntries(Object.entries(extra.values ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v[0] ?? '' : v]));
  return renderPage(c, <SupervisionPage ctx={pageCtx(c)} s={s} errors={extra.errors} values={values} notice={done ? t(pageCtx(c), ...done) : undefined} />, extra.status ?? 200);
}

/** Runs one form of a unit's page; a refusal shows the page again with the reason beside its field (403/404 as pages). */
async function unitAction(c: C, fallback: string, labels: FieldLabels, act: (form: FormData, id: string) => Promise<string>) {
  const id = pathId(c);
  const form = await readForm(c);
  try {
    return c.redirect(`/supervisions/${id}?done=${await act(form, id)}`, 303);
  } catch (err) {
    const { errors, status } = formErrors(err, pageCtx(c).locale, fallback, labels);
    if (status === 403 || status === 404) throw err;
    return unitPage(c, id, { errors, values: form, status: status === 409 ? 409 : 400 });
  }
}

/** 专项督查 pages; every form goes through the supervisions service, checked by the API's own body schemas. */
export const supervisionPagesRouter = new Hono<AppEnv>()
  .get('/supervisions', requirePage, (c) => yearPage(c, yearOf(c)))
  .post('/supervisions', requirePage, async (c) => {
    const person = requirePageRole(c, 'publicity', 'admin');
    const form = await readForm(c);
    try {
      const { year } = parseWith(OpenSupervisionsBody, { year: Number(one(form, 'year')) });
      await supervisions.openSupervisions(c.var.deps.db, c.var.deps, person, year);
      return c.redirect(`/supervisions?year=${year}`, 303);
    } catch (err) {
      const { errors, status } = formErrors(err, pageCtx(c).locale, 'year', { year: ['年度', 'year'] });
      if (status === 403) throw err;
      return yearPage(c, yearOf(c), errors, 400);
    }
  })
  .get('/supervisions/:id', requirePage, (c) => unitPage(c, pathId(c)))
  .post('/supervisions/:id/score', requirePage, (c) => unitAction(c, scoreField(SUPERVISION_ITEMS[0]!.key), SCORE_LABELS, async (form, id) => {
    try {
      const body = parseWith(ScoreBody, {
        items: SUPERVISION_ITEMS.map((i) => ({ key: i.key, score: one(form, scoreField(i.key)) === '' ? undefined : Number(one(form, scoreField(i.key))), finding: optional(form, findingField(i.key)) ?? null })),
        summary: optional(form, 'summary'),
        rectifyDeadline: cstInput(one(form, 'rectifyDeadline'), true),
      });
      await supervisions.scoreSupervision(c.var.deps.db, c.var.deps, c.var.person, id, { ...body, rectifyDeadline: body.rectifyDeadline ? new Date(body.rectifyDeadline) : undefined });
    } catch (err) {
      throw renamed(err, SCORE_PATHS);
    }
    return 'scored';
  }))
  .post('/supervisions/:id/rectification', requirePage, (c) => unitAction(c, 'note', { note: ['整改情况', 'what was done'] }, async (form, id) => {
    const { note } = parseWith(RectificationBody, { note: one(form, 'note') });
    await supervisions.reportRectification(c.var.deps.db, c.var.deps, c.var.person, id, note);
    return 'rectification';
  }))
  .onError((err, c) => errorPage(c, err));
