import type { Child } from 'hono/jsx';
import { EVIDENCE_KINDS, POSITIONS } from '../../../db/schema';
import { isAsNeeded, RECURRENCES } from '../../domain/duties';
import { dutyPartyLabel, label, type Locale } from '../../lib/i18n';
import type { templateView } from '../../services/duties';
import { t, type PageCtx } from '../components/context';
import { Layout } from '../components/Layout';
import { Button, Card, Choices, ErrorSummary, Facts, LinkButton, Notice, PostForm, Select, Table, Tag, TextArea, TextField, fieldId, type FieldErrors } from '../components/ui';
import type { FieldLabels, FormData } from '../console/forms';

/**
 * The duty templates (职责模板): the list everyone reads, and the form the publicity department
 * adds and changes templates with (retiring one is a button on its page). The form posts plain
 * fields, so it works without scripts; the dates list grows by a button that re-renders it.
 */

export type TemplateView = ReturnType<typeof templateView>;

/** Names of the form's fields in messages and the error summary. */
export const TEMPLATE_LABELS: FieldLabels = {
  title: ['职责名称', 'the title'],
  content: ['工作内容', 'the content'],
  source: ['依据', 'the source'],
  responsible: ['责任岗位', 'the responsible position'],
  scopeUnits: ['适用单位', 'the units'],
  recurrence: ['频次', 'the recurrence'],
  dates: ['规定日期', 'the dates'],
  dueFrom: ['截止日起算', 'where the due rule counts from'],
  dueDays: ['天数', 'the number of days'],
  dueUnit: ['计日方式', 'how days are counted'],
  dueRoll: ['节假日顺延', 'moving off days off'],
  evidence: ['需提交的材料', 'the evidence'],
  reviewer: ['审核方', 'the reviewer'],
  active: ['启用状态', 'active'],
};

/** The submit button that adds a blank date instead of saving (works without scripts). */
export const MORE_DATES = 'moreDates';

/**
 * The form's choice for 适时上报: not a recurrence of its own (the API knows four), it is saved as
 * `dates` with no dates, so nothing recurs and no duty is ever created by period.
 */
export const AS_NEEDED_CHOICE = 'as_needed';
const asNeededText = (l: Locale) => t(l, '适时上报（无固定日期）', 'as needed (no set dates)');

function recurrenceText(x: TemplateView, l: Locale): string {
  if (isAsNeeded(x)) return asNeededText(l);
  return x.recurrence === 'dates' ? `${label('recurrence', 'dates', l)}${t(l, '：', ': ')}${x.dates.join(t(l, '、', ', '))}` : label('recurrence', x.recurrence, l);
}

/** `GET /duties/templates`: what the responsibility system asks, where it comes from, and when it is due. */
export function TemplatesPage({ ctx, templates, canEdit, notice }: { ctx: PageCtx; templates: TemplateView[]; canEdit: boolean; notice?: string }) {
  const l = ctx.locale;
  return (
    <Layout ctx={ctx} title={t(l, '职责模板', 'Duty templates')}>
      <div class="page-head">
        <h1>{t(l, '职责模板', 'Duty templates')}</h1>
        {canEdit ? <div class="actions"><LinkButton href="/duties/templates/new">{t(l, '新建模板', 'New template')}</LinkButton></div> : null}
      </div>
      {notice ? <Notice tone="ok">{notice}</Notice> : null}
      <p class="muted">{canEdit
        ? t(l, '责任制文件（《实施细则》《重点任务清单》）规定的职责已作为默认模板。修改模板只影响此后开始的期间；停用的模板不再生成新的职责事项。', 'The duties the responsibility-system rules (the implementing rules and the key-task list) prescribe ship as defaults. A change applies to periods that begin afterwards; a retired template creates no new duties.')
        : t(l, '责任制文件（《实施细则》《重点任务清单》）规定的职责已作为默认模板，由党委宣传部维护。', 'The duties the responsibility-system rules (the implementing rules and the key-task list) prescribe ship as defaults; the publicity department keeps them.')}</p>
      <Card>
        <Table
          head={[t(l, '职责', 'Duty'), t(l, '工作内容', 'Content'), t(l, '频次', 'Recurrence'), t(l, '截止规则', 'Due rule'), t(l, '责任岗位 / 审核', 'Answered by / reviewed by'), t(l, '材料', 'Evidence'), t(l, '依据', 'Source')]}
          empty={t(l, '没有模板。', 'No templates.')}
          rows={templates.map((x) => [
            <span id={`template-${x.id}`}>
              {x.title} {x.active ? null : <Tag tone="grey">{t(l, '已停用', 'retired')}</Tag>}
              {canEdit ? <div class="meta no-print"><a href={`/duties/templates/${x.id}/edit`}>{t(l, '编辑', 'Edit')}</a></div> : null}
            </span>,
            x.content,
            <span data-recurrence={x.recurrence}>{recurrenceText(x, l)}</span>,
            l === 'en' ? x.dueRuleText.en : x.dueRuleText.zh,
            <span>{dutyPartyLabel(x.responsible, l)}<div class="meta">{t(l, '审核：', 'Reviewed by ')}{dutyPartyLabel(x.reviewer, l)}</div></span>,
            x.evidence.map((e) => label('evidence', e, l)).join(t(l, '、', ', ')),
            x.source ?? '—',
          ])}
        />
      </Card>
    </Layout>
  );
}

/** A template as the form shows it, so a change starts from what is in force. */
export function templateFormValues(x: TemplateView): FormData {
  return {
    title: x.title, content: x.content, source: x.source ?? '', responsible: x.responsible, reviewer: x.reviewer,
    scopeUnits: x.scope.units === 'all' ? [] : x.scope.units, recurrence: isAsNeeded(x) ? AS_NEEDED_CHOICE : x.recurrence, dates: x.dates,
    dueFrom: x.dueRule.from, dueDays: String(x.dueRule.days), dueUnit: x.dueRule.unit, dueRoll: x.dueRule.roll === 'next_working_day' ? 'next_working_day' : '', evidence: x.evidence,
  };
}

/** What a new template starts from: the defaults' own rule (15 days after the period, next working day). */
export const NEW_TEMPLATE_VALUES: FormData = {
  responsible: 'secretary', reviewer: 'publicity', recurrence: 'quarterly', dueFrom: 'period_end', dueDays: '15', dueUnit: 'calendar_days', dueRoll: 'next_working_day', evidence: ['report'],
};

/** Every posted value of a field, blanks included (the dates list keeps its empty slots). */
export const allOf = (f: FormData, name: string): string[] => {
  const v = f[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => x.trim());
};

function DatesEditor({ values, error, l }: { values: FormData; error?: string; l: Locale }) {
  const posted = allOf(values, 'dates');
  const filled = posted.filter(Boolean);
  // One blank slot to type into, one more each time 再加一个日期 is pressed.
  const blanks = Math.max(1, posted.length - filled.length + (values[MORE_DATES] ? 1 : 0));
  const slots = [...filled, ...Array.from({ length: blanks }, () => '')];
  const id = fieldId('dates');
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <fieldset id={id} aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}>
        <legend>{t(l, '规定日期（频次为“规定日期”时填写）', 'Dates (for a “set dates” recurrence)')}</legend>
        <span class="hint" id={`${id}-hint`}>{t(l, '每个日期结束一个期间，格式 MM-DD，如 06-30；留空的不保存。', 'Each date closes one period, as MM-DD, e.g. 06-30; blank ones are not saved.')}</span>
        {error ? <span class="error-message" id={`${id}-error`}>{error}</span> : null}
        <ol class="date-list">
          {slots.map((d, i) => (
            <li>
              <label for={`${id}-${i}`}>{t(l, `日期 ${i + 1}`, `Date ${i + 1}`)}</label>{' '}
              <input type="text" id={`${id}-${i}`} name="dates" value={d} placeholder="MM-DD" inputmode="numeric" maxlength={5} size={6} autocomplete="off" aria-invalid={error && d ? 'true' : undefined} />
            </li>
          ))}
        </ol>
        <button type="submit" class="btn secondary" name={MORE_DATES} value="1" formnovalidate>{t(l, '再加一个日期', 'Add another date')}</button>
      </fieldset>
    </div>
  );
}

/** `GET /duties/templates/new` and `/duties/templates/{id}/edit`: the template form; on edit also retire or reactivate. */
export function TemplateFormPage(p: { ctx: PageCtx; template?: TemplateView; units: { id: string; name: string }[]; values: FormData; errors?: FieldErrors }) {
  const l = p.ctx.locale;
  const e = p.errors ?? {};
  const x = p.template;
  const v = (name: string) => (typeof p.values[name] === 'string' ? (p.values[name] as string) : '');
  const has = (name: string, value: string) => allOf(p.values, name).includes(value);
  const title = x ? t(l, `编辑职责模板：${x.title}`, `Edit the duty template: ${x.title}`) : t(l, '新建职责模板', 'New duty template');
  const action = x ? `/duties/templates/${x.id}/edit` : '/duties/templates/new';
  const lang = l === 'en' ? '?lang=en' : '';
  const lab = (name: string) => TEMPLATE_LABELS[name]![l === 'en' ? 1 : 0];
  return (
    <Layout ctx={p.ctx} title={title} crumbs={[[t(l, '职责模板', 'Duty templates'), `/duties/templates${lang}`], [x ? x.title : t(l, '新建', 'New')]]}>
      <ErrorSummary errors={e} l={l} />
      <div class="page-head"><h1>{title}</h1></div>
      {x ? (
        <Card id="in-force">
          <Facts rows={[
            [t(l, '状态', 'State'), x.active ? <Tag tone="ok">{t(l, '启用中', 'active')}</Tag> : <Tag tone="grey">{t(l, '已停用', 'retired')}</Tag>],
            [t(l, '现行频次', 'Recurrence in force'), recurrenceText(x, l)],
            [t(l, '现行截止规则', 'Due rule in force'), l === 'en' ? x.dueRuleText.en : x.dueRuleText.zh],
            ...(x.key ? [[t(l, '来源', 'Origin'), t(l, '依据责任制文件的默认模板', 'a default from the responsibility-system rules')] as [Child, Child]] : []),
          ]} />
          <p class="hint">{t(l, '修改只影响此后开始的期间；已生成的职责事项保持原截止日。', 'Changes apply to periods that begin afterwards; duties already created keep their due day.')}</p>
        </Card>
      ) : null}
      <PostForm action={action} csrf={p.ctx.csrf}>
        <Card title={t(l, '职责', 'The duty')}>
          <TextField name="title" label={lab('title')} value={v('title')} error={e.title} required />
          <TextArea name="content" label={lab('content')} hint={t(l, '单位须做什么', 'What the unit must do')} value={v('content')} error={e.content} rows={3} required />
          <Select name="responsible" label={lab('responsible')} hint={t(l, '各单位由该岗位的在任者负责，空缺时由书记负责；选“党委宣传部”则由宣传部自身每期承担一项（不按单位生成，由宣传部审核）', "Each unit's holder of this position answers for it, its secretary while it is vacant; “the publicity department”: the department itself owes it once a period (not per unit; the department reviews it)")} value={v('responsible')} error={e.responsible}
            options={[...POSITIONS.map((pos): [string, string] => [pos, label('level', pos, l)]), ['publicity', dutyPartyLabel('publicity', l)]]} />
          <Choices name="scopeUnits" legend={lab('scopeUnits')} hint={t(l, '不选则适用于所有单位（含以后新增的单位）', 'None chosen: every unit, including units added later')} error={e.scopeUnits}
            choices={p.units.map((u) => ({ value: u.id, label: u.name, checked: has('scopeUnits', u.id) }))} />
          <TextArea name="source" label={`${lab('source')}${t(l, '（可选）', ' (optional)')}`} hint={t(l, '如：《实施细则》第六条', 'e.g. the implementing rules, article 6')} value={v('source')} error={e.source} rows={2} />
        </Card>
        <Card title={t(l, '频次与截止', 'When')}>
          <Choices name="recurrence" type="radio" legend={lab('recurrence')} error={e.recurrence}
            choices={[
              ...RECURRENCES.map((r) => ({ value: r, label: label('recurrence', r, l), checked: v('recurrence') === r })),
              { value: AS_NEEDED_CHOICE, label: asNeededText(l), checked: v('recurrence') === AS_NEEDED_CHOICE, hint: t(l, '事情发生时上报，不按期生成职责事项', 'reported when something happens; creates no periodic duties') },
            ]} />
          <DatesEditor values={p.values} error={e.dates} l={l} />
          <fieldset class="group" id="due-rule">
            <legend>{t(l, '截止规则', 'Due rule')}</legend>
            <Select name="dueFrom" label={lab('dueFrom')} value={v('dueFrom')} error={e.dueFrom}
              options={[['period_end', t(l, '期间结束后', 'after the period ends')], ['period_start', t(l, '期间开始后', 'after the period starts')]]} />
            <TextField name="dueDays" type="number" inputmode="numeric" min="0" label={lab('dueDays')} value={v('dueDays')} error={e.dueDays} required />
            <Select name="dueUnit" label={lab('dueUnit')} value={v('dueUnit')} error={e.dueUnit}
              options={[['calendar_days', t(l, '自然日', 'calendar days')], ['working_days', t(l, '工作日（按节假日日历）', 'working days (holiday calendar)')]]} />
            <Choices name="dueRoll" legend={lab('dueRoll')} error={e.dueRoll}
              choices={[{ value: 'next_working_day', label: t(l, '截止日遇节假日顺延至下一个工作日（按节假日日历，含调休）', 'A due day that is a day off moves to the next working day (holiday calendar, make-up days included)'), checked: v('dueRoll') === 'next_working_day' }]} />
          </fieldset>
        </Card>
        <Card title={t(l, '材料与审核', 'Evidence and review')}>
          <Choices name="evidence" legend={lab('evidence')} hint={t(l, '至少选一项', 'At least one')} error={e.evidence}
            choices={EVIDENCE_KINDS.map((k) => ({ value: k, label: label('evidence', k, l), checked: has('evidence', k) }))} />
          <Select name="reviewer" label={lab('reviewer')} hint={t(l, '审核提交材料、通过或退回的一方；提交人本人不能审核', 'Who accepts or returns a submission; never the person who submitted it')} value={v('reviewer')} error={e.reviewer}
            options={[['publicity', dutyPartyLabel('publicity', l)], ...POSITIONS.map((pos): [string, string] => [pos, t(l, `本单位${label('level', pos, l)}`, `the unit's ${label('level', pos, l)}`)])]} />
          <div class="actions">
            <Button>{x ? t(l, '保存修改', 'Save the changes') : t(l, '新建模板', 'Create the template')}</Button>
            <a href={`/duties/templates${lang}`}>{t(l, '取消', 'Cancel')}</a>
          </div>
        </Card>
      </PostForm>
      {x ? (
        <Card id="active" title={x.active ? t(l, '停用模板', 'Retire the template') : t(l, '重新启用', 'Reactivate')}>
          <p class="hint">{x.active
            ? t(l, '停用后不再生成新的职责事项；已生成的事项照常督办。模板不会被删除。', 'A retired template creates no new duties; those already created are chased as before. Templates are never deleted.')
            : t(l, '重新启用后，从当前期间起为各单位生成职责事项。', 'Once reactivated, duties are created from the current period on.')}</p>
          {e.active ? <p class="error-message">{e.active}</p> : null}
          <PostForm action={`/duties/templates/${x.id}/active`} csrf={p.ctx.csrf} confirm={x.active ? t(l, '确定停用该模板？', 'Retire this template?') : undefined}>
            <input type="hidden" name="active" value={x.active ? 'false' : 'true'} />
            <div class="actions"><Button kind={x.active ? 'danger' : 'secondary'} id={fieldId('active')}>{x.active ? t(l, '停用模板', 'Retire the template') : t(l, '重新启用模板', 'Reactivate the template')}</Button></div>
          </PostForm>
        </Card>
      ) : null}
    </Layout>
  );
}
