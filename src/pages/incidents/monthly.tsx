import { GROUPS, INCIDENT_CLASSES, INCIDENT_STAGES, SEVERITIES } from '../../domain/incidents';
import { UNASSESSED, type DeadlineRecord } from '../../domain/incident-reports';
import { label, type Locale } from '../../lib/i18n';
import { bulletinPath, type monthlySummary } from '../../services/incident-reports';
import { t, type PageCtx } from '../components/context';
import { Layout } from '../components/Layout';
import { PRINT_JS_URL, PrintButton } from '../components/print';
import { Button, Card, ErrorSummary, Table, TextField, Time, type FieldErrors } from '../components/ui';
import { incidentHref } from './pages';

/**
 * `GET /incidents/monthly?month=`: the publicity department's month of 舆情 — how many, how grave,
 * which classes, groups, units and stages; whether same-day replies and acknowledgements were kept;
 * every incident with its bulletin. Prints on A4 (the site's print rules drop the chrome and the form).
 */

type Summary = Awaited<ReturnType<typeof monthlySummary>>;

const lang = (ctx: PageCtx) => (ctx.query.get('lang') ? `?lang=${ctx.locale}` : '');

function monthWords(month: string, l: Locale) {
  const [y, m] = month.split('-');
  return t(l, `${y}年${Number(m)}月`, month);
}

/** One breakdown as a two-column table; every key is listed, zeros too, so months compare row by row. */
function Breakdown({ id, title, rows, l }: { id: string; title: string; rows: [key: string, name: string, n: number][]; l: Locale }) {
  return (
    <Card id={id} title={title}>
      <Table head={[t(l, '类别', 'Category'), t(l, '件数', 'Incidents')]} empty="—" rows={rows.map(([key, name, n]) => [name, <span data-count={`${id}.${key}`}>{n}</span>])} />
    </Card>
  );
}

const rowsOf = <K extends string>(keys: readonly K[], counts: Record<K, number>, name: (key: K) => string) =>
  keys.map((k): [string, string, number] => [k, name(k), counts[k]]);

const outcomeCell = (r: DeadlineRecord, l: Locale) =>
  r.outcome === 'not_applicable' ? '—' : <span class={r.outcome === 'missed' ? 'overdue' : ''} data-outcome={r.outcome}>{label('deadlineOutcome', r.outcome, l)}</span>;

export function MonthlyPage({ ctx, month, summary, errors = {} }: { ctx: PageCtx; month: string; summary?: Summary; errors?: FieldErrors }) {
  const l = ctx.locale;
  const title = summary ? t(l, `${monthWords(summary.month, l)}舆情处置情况汇总`, `Online-opinion incidents, ${summary.month}`) : t(l, '舆情处置月度汇总', 'Monthly incident summary');
  const s = summary;
  const named = (group: 'severity' | 'incidentClass', key: string) => (key === UNASSESSED ? t(l, '待研判', 'not assessed') : label(group, key, l));
  const missed = (n: number) => (n ? 'overdue' : '');
  return (
    <Layout ctx={ctx} title={title} head={<script src={PRINT_JS_URL} defer></script>} crumbs={[[t(l, '舆情', 'Incidents'), '/incidents'], [t(l, '月度汇总', 'Monthly summary')]]}>
      <ErrorSummary errors={errors} l={l} />
      <div class="page-head"><h1>{title}</h1>{summary ? <PrintButton l={l}>{t(l, '打印', 'Print')}</PrintButton> : null}</div>
      <form method="get" action="/incidents/monthly" class="no-print" id="choose-month">
        {ctx.query.get('lang') ? <input type="hidden" name="lang" value={l} /> : null}
        <TextField name="month" type="month" label={t(l, '月份', 'Month')} hint={t(l, '格式 YYYY-MM，按北京时间的报告日期统计', 'YYYY-MM, by the Beijing day of the report')} value={month} error={errors.month} required />
        <div class="actions">
          <Button kind="secondary">{t(l, '查看', 'Show')}</Button>
          {s ? <a class="btn secondary" href={`/api/v1/exports/incidents.csv?month=${s.month}`} id="csv">{t(l, '导出 CSV', 'Export CSV')}</a> : null}
        </div>
      </form>
      {s ? (
        <>
          <p class="muted">{t(l, '按报告时间（北京时间）统计；生成于 ', 'By the time of the report (Beijing time); generated ')}<Time at={s.generatedAt} l={l} />{t(l, '。', '.')}</p>
          <div class="stats" id="totals">
            <div class="stat"><b data-count="total">{s.total}</b><span>{t(l, '舆情事件', 'incidents')}</span></div>
            <div class="stat"><b class={missed(s.sameDayReply.missed)}>{s.sameDayReply.missed}</b><span>{t(l, '当日回复超时', 'same-day replies missed')}</span></div>
            <div class="stat"><b class={missed(s.acknowledge.missed)}>{s.acknowledge.missed}</b><span>{t(l, '确认接报超时', 'acknowledgements missed')}</span></div>
          </div>
          <Card id="deadlines" title={t(l, '时限执行情况', 'Deadlines kept')}>
            <Table
              head={[t(l, '时限', 'Deadline'), label('deadlineOutcome', 'met', l), label('deadlineOutcome', 'missed', l), label('deadlineOutcome', 'pending', l)]}
              empty="—"
              rows={([['sameDayReply', t(l, '当日回复（询问、置疑、诉求类）', 'Same-day reply (questions, doubts, claims)'), s.sameDayReply], ['acknowledge', t(l, '确认接报', 'Acknowledgement'), s.acknowledge]] as const).map(([key, name, kept]) => [
                name,
                <span data-count={`${key}.met`}>{kept.met}</span>,
                <span class={missed(kept.missed)} data-count={`${key}.missed`}>{kept.missed}</span>,
                <span data-count={`${key}.pending`}>{kept.pending}</span>,
              ])}
            />
          </Card>
          <div class="grid2">
            <Breakdown id="severity" title={t(l, '按严重程度', 'By severity')} l={l} rows={rowsOf([...SEVERITIES, UNASSESSED], s.bySeverity, (k) => named('severity', k))} />
            <Breakdown id="class" title={t(l, '按处置类别', 'By class of handling')} l={l} rows={rowsOf([...INCIDENT_CLASSES, UNASSESSED], s.byClass, (k) => named('incidentClass', k))} />
            <Breakdown id="group" title={t(l, '按涉及群体', 'By group')} l={l} rows={rowsOf(GROUPS, s.byGroup, (k) => label('group', k, l))} />
            <Breakdown id="stage" title={t(l, '按处置阶段（当前）', 'By stage (now)')} l={l} rows={rowsOf(INCIDENT_STAGES, s.byStage, (k) => label('incidentStage', k, l))} />
          </div>
          <Card id="unit" title={t(l, '按单位', 'By unit')}>
            <Table head={[t(l, '单位', 'Unit'), t(l, '件数', 'Incidents')]} empty={t(l, '本月没有舆情事件。', 'No incidents this month.')}
              rows={s.byUnit.map((u) => [u.unitName, <span data-count={`unit.${u.unitId}`}>{u.count}</span>])} />
          </Card>
          <Card id="incidents" title={t(l, '本月事件', 'The month’s incidents')}>
            <Table
              head={[t(l, '报告时间（北京时间）', 'Reported (Beijing time)'), t(l, '事件', 'Incident'), t(l, '单位', 'Unit'), t(l, '严重程度', 'Severity'), t(l, '处置类别', 'Class'), t(l, '阶段', 'Stage'), t(l, '确认接报', 'Acknowledged'), t(l, '当日回复', 'Same-day reply'), t(l, '舆情要报', 'Bulletin')]}
              empty={t(l, '本月没有舆情事件。', 'No incidents this month.')}
              rows={s.items.map(({ row: i, records }) => [
                <Time at={i.reportedAt} l={l} zone={false} />,
                <a href={incidentHref(ctx, i.id)}>{i.summary}</a>,
                i.unitName,
                named('severity', i.severity ?? UNASSESSED),
                named('incidentClass', i.class ?? UNASSESSED),
                label('incidentStage', i.stage, l),
                outcomeCell(records.acknowledge, l),
                outcomeCell(records.sameDayReply, l),
                <a href={`${bulletinPath(i.id)}${lang(ctx)}`} data-bulletin={i.id}>{t(l, '要报', 'Bulletin')}</a>,
              ])}
            />
          </Card>
        </>
      ) : null}
    </Layout>
  );
}
