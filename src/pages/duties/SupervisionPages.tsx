import { periodWords } from '../../domain/duties';
import { SUPERVISION_ITEMS, SUPERVISION_STAGES, type SupervisionStage } from '../../domain/supervision';
import { aside, label } from '../../lib/i18n';
import type { getSupervision, listSupervisions } from '../../services/supervisions';
import { t, type PageCtx } from '../components/context';
import { Layout } from '../components/Layout';
import { Button, Card, ErrorSummary, Facts, Notice, PostForm, Table, Tag, TextArea, TextField, Time, type FieldErrors } from '../components/ui';
import { cstDate } from '../../domain/cst';
import { StageTag, StandingTag } from './tags';

/**
 * The yearly 专项督查 pages: the year's units and where each stands (publicity), one unit's
 * checklist with the scoring form, the re-check once the unit has reported its rectification, the
 * unit's rectification report, and the read view its leaders get. The unit's page prints as its result.
 */

type Summary = Awaited<ReturnType<typeof listSupervisions>>[number];
type Detail = Awaited<ReturnType<typeof getSupervision>>;

/** Form field names of one checklist item (no dots: the error summary links by the name's first part). */
export const scoreField = (key: string) => `score-${key}`;
export const findingField = (key: string) => `finding-${key}`;

const MAX_TOTAL = SUPERVISION_ITEMS.reduce((n, i) => n + i.max, 0);

/** `GET /supervisions?year=`: every unit's supervision that year; opens the year for units not yet under it. */
export function SupervisionYearPage({ ctx, year, years, items, unopened, errors = {} }: { ctx: PageCtx; year: number; years: number[]; items: Summary[]; unopened: number; errors?: FieldErrors }) {
  const l = ctx.locale;
  const count = (s: SupervisionStage) => items.filter((i) => i.stage === s).length;
  return (
    <Layout ctx={ctx} title={t(l, `${year} 年度专项督查`, `Supervision ${year}`)}>
      <ErrorSummary errors={errors} l={l} />
      <div class="page-head">
        <h1>{t(l, `${year} 年度网络意识形态工作专项督查`, `${year} supervision of network ideology work`)}</h1>
        <nav class="no-print" aria-label={t(l, '年度', 'Year')}>
          {years.map((y) => (y === year ? <strong>{y} </strong> : <a href={`/supervisions?year=${y}`}>{y} </a>))}
        </nav>
      </div>
      <p class="muted">{t(l, '每年对各单位网络意识形态工作责任制落实情况进行一次专题督查，督查结果向校党委报告（《实施细则》第六条）。逐项评分；扣分须写明问题，有问题须规定整改期限；单位报告整改后复查。', 'Once a year every unit is checked against the responsibility items and the results go to the university party committee (the implementing rules, art. 6). Each item is scored; marks taken off need a finding, findings a rectification deadline; once the unit reports its rectification the department re-checks.')}</p>
      <Card id="stages" title={t(l, '进度', 'Progress')}>
        <Facts rows={SUPERVISION_STAGES.map((s) => [label('supervisionStage', s, l), <span data-stage-count={s}>{count(s)}</span>])} />
      </Card>
      {unopened ? (
        <Card id="open" title={t(l, '开始本年度督查', 'Open the year')}>
          <p>{t(l, `还有 ${unopened} 个单位未列入 ${year} 年度督查。`, `${unopened} unit(s) are not yet under the ${year} supervision.`)}</p>
          <PostForm action="/supervisions" csrf={ctx.csrf}>
            <input type="hidden" name="year" value={String(year)} />
            <div class="actions"><Button id="f-year">{t(l, `为所有单位开始 ${year} 年度督查`, `Open ${year} for every unit`)}</Button></div>
          </PostForm>
        </Card>
      ) : null}
      <Card id="units" title={t(l, '各单位', 'Units')}>
        <Table
          head={[t(l, '单位', 'Unit'), t(l, '状态', 'Stage'), t(l, '得分', 'Score'), t(l, '整改期限', 'Rectify by'), t(l, '整改报告', 'Rectification reported')]}
          empty={t(l, '本年度督查尚未开始。', 'The year’s supervision has not been opened.')}
          rows={items.map((s) => [
            <a href={`/supervisions/${s.id}`}>{s.unitName}</a>,
            <StageTag stage={s.stage} l={l} />,
            s.total === null ? '—' : `${s.total} / ${MAX_TOTAL}`,
            s.rectifyDeadline ? <span>{cstDate(s.rectifyDeadline)}{s.escalatedAt ? <> <Tag tone="bad">{t(l, '已逾期督办', 'overdue, escalated')}</Tag></> : null}</span> : '—',
            s.rectifiedAt ? <Time at={s.rectifiedAt} l={l} /> : '—',
          ])}
        />
      </Card>
    </Layout>
  );
}

/** The supervisions a unit's people see on their duties page: one line per year, to the result. */
export function OwnSupervisions({ ctx, items }: { ctx: PageCtx; items: Summary[] }) {
  const l = ctx.locale;
  if (!items.length) return null;
  return (
    <Card id="supervisions" title={t(l, '专项督查', 'Supervision')}>
      <Table
        head={[t(l, '年度', 'Year'), t(l, '单位', 'Unit'), t(l, '状态', 'Stage'), t(l, '得分', 'Score')]}
        empty=""
        rows={items.map((s) => [<a href={`/supervisions/${s.id}`}>{String(s.year)}</a>, s.unitName, <StageTag stage={s.stage} l={l} />, s.total === null ? '—' : `${s.total} / ${MAX_TOTAL}`])}
      />
    </Card>
  );
}

/** `GET /supervisions/{id}`: the unit's checklist and result; the forms the caller may use now. */
export function SupervisionPage({ ctx, s, errors = {}, values = {}, notice }: { ctx: PageCtx; s: Detail; errors?: FieldErrors; values?: Record<string, string>; notice?: string }) {
  const l = ctx.locale;
  const can = new Set(s.allowedActions);
  const title = t(l, `${s.year} 年度专项督查 · ${s.unitName}`, `${s.year} supervision · ${s.unitName}`);
  const publicity = ctx.person?.roles.some((r) => r === 'publicity' || r === 'admin');
  // The form starts from what is on the record (a re-check), and keeps what was typed after a refusal.
  const v = (name: string, recorded: string) => values[name] ?? recorded;
  return (
    <Layout ctx={ctx} title={title} crumbs={publicity ? [[t(l, '专项督查', 'Supervision'), `/supervisions?year=${s.year}`], [s.unitName]] : [[t(l, '我的职责', 'My duties'), '/duties'], [title]]}>
      <ErrorSummary errors={errors} l={l} />
      <div class="page-head"><h1>{title}</h1></div>
      {notice ? <Notice tone="ok">{notice}</Notice> : null}
      <Card id="result">
        <Facts rows={[
          [t(l, '状态', 'Stage'), <StageTag stage={s.stage} l={l} />],
          [t(l, '总分', 'Total'), <span data-total>{s.total === null ? '—' : `${s.total} / ${MAX_TOTAL}`}</span>],
          [t(l, '评分时间', 'Scored'), <Time at={s.scoredAt} l={l} />],
          [t(l, '总体评价', 'Summary'), s.summary ?? '—'],
          [t(l, '整改期限', 'Rectify by'), <span><Time at={s.rectifyDeadline} l={l} />{s.escalatedAt ? <> <Tag tone="bad">{t(l, '已逾期督办', 'overdue, escalated')}</Tag></> : null}</span>],
          [t(l, '整改报告', 'Rectification'), s.rectifiedAt ? <span><Time at={s.rectifiedAt} l={l} /> {s.rectificationNote}</span> : '—'],
        ]} />
        <p class="muted no-print">{t(l, '本页可直接打印，作为该单位的督查结果。', 'This page prints as the unit’s result.')}</p>
      </Card>
      <Card id="checklist" title={t(l, '检查项', 'Checklist')}>
        <Table
          head={[t(l, '检查项', 'Item'), t(l, '检查内容', 'What is checked'), t(l, '依据', 'Source'), t(l, '得分', 'Score'), t(l, '发现的问题', 'Finding')]}
          empty=""
          rows={s.items.map((i) => [
            i.title, i.check, i.source,
            <span data-item-score={i.key}>{i.score === null ? `— / ${i.max}` : `${i.score} / ${i.max}`}</span>,
            i.finding ?? '—',
          ])}
        />
      </Card>
      {can.has('score') ? (
        <Card id="score" title={s.stage === 'rectified' ? t(l, '整改后复查评分', 'Re-check after rectification') : t(l, '评分', 'Score')}>
          <PostForm action={`/supervisions/${s.id}/score`} csrf={ctx.csrf}>
            {s.items.map((i) => (
              <fieldset class="group">
                <legend>{i.title + aside(t(l, `满分 ${i.max}`, `out of ${i.max}`), l)}</legend>
                <span class="hint">{i.check}</span>
                <TextField name={scoreField(i.key)} type="number" inputmode="numeric" label={t(l, '得分', 'Score')} value={v(scoreField(i.key), i.score === null ? '' : String(i.score))} error={errors[scoreField(i.key)]} required />
                <TextArea name={findingField(i.key)} label={t(l, '发现的问题（扣分时必填）', 'Finding (required when marks are taken off)')} value={v(findingField(i.key), i.finding ?? '')} error={errors[findingField(i.key)]} rows={2} />
              </fieldset>
            ))}
            <TextArea name="summary" label={t(l, '总体评价（可选）', 'Summary (optional)')} value={v('summary', s.summary ?? '')} error={errors.summary} rows={3} />
            <TextField name="rectifyDeadline" type="date" label={t(l, '整改期限（北京时间当日结束；有问题时必填）', 'Rectify by (end of that day, Beijing time; required with findings)')} value={v('rectifyDeadline', '')} error={errors.rectifyDeadline} />
            <div class="actions"><Button>{t(l, '保存评分', 'Save the scores')}</Button></div>
          </PostForm>
        </Card>
      ) : null}
      {can.has('rectification') ? (
        <Card id="rectification" title={t(l, '报告整改情况', 'Report the rectification')}>
          <PostForm action={`/supervisions/${s.id}/rectification`} csrf={ctx.csrf}>
            <TextArea name="note" label={t(l, '整改情况', 'What was done')} value={values.note} error={errors.note} rows={4} required />
            <div class="actions"><Button>{t(l, '提交整改报告', 'Report it')}</Button></div>
          </PostForm>
        </Card>
      ) : null}
      {s.dutyRecord ? (
        <Card id="duty-record" title={t(l, `${s.year} 年度职责落实记录`, `Duties in ${s.year}`)}>
          <Table
            head={[t(l, '职责', 'Duty'), t(l, '期间', 'Period'), t(l, '完成情况', 'Standing')]}
            empty={t(l, '本年度没有职责事项。', 'No duties this year.')}
            rows={s.dutyRecord.map((d) => [d.title, t(l, periodWords(d.period).zh, periodWords(d.period).en), <StandingTag standing={d.standing} l={l} />])}
          />
        </Card>
      ) : null}
    </Layout>
  );
}
