import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../lib/http';
import { CreateTemplateBody, UpdateTemplateBody } from '../../routes/duties/duties.routes';
import { hasRole } from '../../services/auth';
import * as duties from '../../services/duties';
import { unitsOf } from '../../services/org';
import { pageCtx, t } from '../components/context';
import { errorPage, renderPage } from '../components/render';
import type { FieldErrors } from '../components/ui';
import { formErrors, many, one, optional, parseWith, readForm, renamed, type FormData } from '../console/forms';
import { pathId, requirePageRole } from '../console/page';
import { requirePage } from '../sessions';
import { allOf, AS_NEEDED_CHOICE, MORE_DATES, NEW_TEMPLATE_VALUES, TEMPLATE_LABELS, TemplateFormPage, templateFormValues, TemplatesPage } from './TemplatePages';

type C = Context<AppEnv>;

const NOTICES: Record<string, [string, string]> = {
  created: ['模板已新建；本期的职责事项将由系统随后为各单位生成并通知责任人。', 'Template created; this period’s duties will be created for each unit shortly and their holders told.'],
  updated: ['修改已保存，适用于此后开始的期间。', 'Saved; it applies to periods that begin afterwards.'],
  retired: ['模板已停用，不再生成新的职责事项。', 'Template retired; it creates no new duties.'],
  reactivated: ['模板已重新启用。', 'Template reactivated.'],
};
const noticeOf = (c: C) => {
  const done = NOTICES[c.req.query('done') ?? ''];
  return done ? t(pageCtx(c), ...done) : undefined;
};

/**
 * The form's fields as the API's template body: the same schema checks both, so the page refuses
 * what the API refuses. Blank dates are dropped; dates only count for a `dates` recurrence; the
 * 适时上报 choice is `dates` with none.
 */
function templateBody(form: FormData) {
  const chosen = optional(form, 'recurrence');
  // 适时上报 is saved as `dates` with an empty list; 规定日期 with no day filled in is left for the schema to refuse.
  const recurrence = chosen === AS_NEEDED_CHOICE ? 'dates' : chosen;
  const filled = many(form, 'dates');
  const dates = chosen === AS_NEEDED_CHOICE ? [] : chosen !== 'dates' ? [] : filled.length ? filled : undefined;
  const days = one(form, 'dueDays');
  const scopeUnits = many(form, 'scopeUnits');
  return {
    title: one(form, 'title'), content: one(form, 'content'), source: optional(form, 'source') ?? null,
    responsible: optional(form, 'responsible'), reviewer: optional(form, 'reviewer'),
    scope: scopeUnits.length ? { units: scopeUnits } : { units: 'all' as const },
    recurrence, dates,
    dueRule: { from: optional(form, 'dueFrom'), days: days === '' ? undefined : Number(days), unit: optional(form, 'dueUnit'), roll: one(form, 'dueRoll') === 'next_working_day' ? 'next_working_day' : 'none' },
    evidence: many(form, 'evidence'),
  };
}

/** API paths (`dueRule.days`, `scope.units.2`) → the form's field names, so the summary links to the control. */
function formPaths(form: FormData): Record<string, string> {
  const dates = many(form, 'dates');
  return {
    'dueRule.from': 'dueFrom', 'dueRule.days': 'dueDays', 'dueRule.unit': 'dueUnit', 'dueRule.roll': 'dueRoll', dueRule: 'dueDays',
    scope: 'scopeUnits', 'scope.units': 'scopeUnits', ...Object.fromEntries(many(form, 'scopeUnits').map((_, i) => [`scope.units.${i}`, 'scopeUnits'])),
    ...Object.fromEntries(dates.map((_, i) => [`dates.${i}`, 'dates'])),
  };
}

async function formPage(c: C, values: FormData, extra: { id?: string; errors?: FieldErrors; status?: 200 | 400 } = {}) {
  const person = requirePageRole(c, 'publicity', 'admin');
  const { db } = c.var.deps;
  const [template, units] = await Promise.all([extra.id ? duties.getTemplate(db, person, extra.id) : undefined, unitsOf(db, person)]);
  return renderPage(c, <TemplateFormPage ctx={pageCtx(c)} template={template} units={units} values={values} errors={extra.errors} />, extra.status ?? 200);
}

/** Saves the form (create or change); a refusal shows the form again with the reason beside its field. */
async function saveForm(c: C, id: string | undefined) {
  requirePageRole(c, 'publicity', 'admin');
  const form = await readForm(c);
  if (allOf(form, MORE_DATES).length) return formPage(c, form, { id });
  const { deps, person } = c.var;
  const editing = id !== undefined;
  try {
    try {
      if (id) await duties.updateTemplate(deps.db, deps, person, id, parseWith(UpdateTemplateBody, templateBody(form)));
      else id = (await duties.createTemplate(deps.db, deps, person, parseWith(CreateTemplateBody, templateBody(form)))).id;
    } catch (err) {
      throw renamed(err, formPaths(form));
    }
    return c.redirect(`/duties/templates?done=${editing ? 'updated' : 'created'}#template-${id}`, 303);
  } catch (err) {
    const { errors, status } = formErrors(err, pageCtx(c).locale, 'title', TEMPLATE_LABELS);
    if (status === 403 || status === 404) throw err;
    return formPage(c, form, { id: editing ? id : undefined, errors, status: 400 });
  }
}

/** The templates list (everyone signed in) and the publicity department's forms; every save goes through the duties service. */
export const templatePagesRouter = new Hono<AppEnv>()
  .get('/duties/templates', requirePage, async (c) => {
    const { deps, person } = c.var;
    return renderPage(c, <TemplatesPage ctx={pageCtx(c)} templates={await duties.listTemplates(deps.db, person)} canEdit={hasRole(person, 'publicity', 'admin')} notice={noticeOf(c)} />);
  })
  .get('/duties/templates/new', requirePage, (c) => formPage(c, NEW_TEMPLATE_VALUES))
  .post('/duties/templates/new', requirePage, (c) => saveForm(c, undefined))
  .get('/duties/templates/:id/edit', requirePage, async (c) => {
    const id = pathId(c);
    const person = requirePageRole(c, 'publicity', 'admin');
    return formPage(c, templateFormValues(await duties.getTemplate(c.var.deps.db, person, id)), { id });
  })
  .post('/duties/templates/:id/edit', requirePage, (c) => saveForm(c, pathId(c)))
  .post('/duties/templates/:id/active', requirePage, async (c) => {
    const id = pathId(c);
    const person = requirePageRole(c, 'publicity', 'admin');
    const form = await readForm(c);
    const asked = one(form, 'active');
    try {
      const { active } = parseWith(UpdateTemplateBody, { active: asked === 'true' ? true : asked === 'false' ? false : asked });
      await duties.updateTemplate(c.var.deps.db, c.var.deps, person, id, { active });
      return c.redirect(`/duties/templates?done=${active ? 'reactivated' : 'retired'}#template-${id}`, 303);
    } catch (err) {
      const { errors, status } = formErrors(err, pageCtx(c).locale, 'active', TEMPLATE_LABELS);
      if (status === 403 || status === 404) throw err;
      const template = await duties.getTemplate(c.var.deps.db, person, id);
      return formPage(c, templateFormValues(template), { id, errors, status: 400 });
    }
  })
  .onError((err, c) => errorPage(c, err));
