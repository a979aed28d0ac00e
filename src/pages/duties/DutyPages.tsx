import { periodWords, STANDINGS, type Standing } from '../../domain/duties';
import { StandingTag } from './tags';
import { dutyPartyLabel, label } from '../../lib/i18n';
import type { getObligation, ObligationSummary } from '../../services/duties';
import type { dutyYear } from '../../services/duty-exports';
import type { listSupervisions } from '../../services/supervisions';
import { OwnSupervisions } from './SupervisionPages';
import { t, type PageCtx } from '../components/context';
import { Layout } from '../components/Layout';
import { Button, Card, ErrorSummary, Facts, Notice, PostForm, Table, Tag, TextArea, Time, fieldId, type FieldErrors } from '../components/ui';

/**
 * The duty pages (责任制职责): my duties, one duty with its submissions and the forms to submit or
 * decide, and the department's board with the year's summary (prints on A4). The templates: TemplatePages.
 */

const dutyHref = (ctx: PageCtx, id: string) => `/duties/${id}${ctx.query.get('lang') ? `?lang=${ctx.locale}` : ''}`;

function DutyTable({ ctx, items, empty, showUnit }: { ctx: PageCtx; items: ObligationSummary[]; empty: string; showUnit?: boolean }) {
  const l = ctx.locale;
  return (
    <Table
      head={[t(l, '职责', 'Duty'), ...(showUnit ? [t(l, '单位', 'Unit')] : []), t(l, '期间', 'Period'), t(l, '截止', 'Due'), t(l, '状态', 'Status'), t(l, '完成情况', 'Standing')]}
      empty={empty}
      rows={items.map((o) => [
        <a href={dutyHref(ctx, o.id)}>{o.title}</a>,
        ...(showUnit ? [o.unitName ?? dutyPartyLabel('publicity', l)] : []),
        t(l, periodWords(o.period).zh, periodWords(o.period).en),
        <Time at={o.dueAt} l={l} />,
        label('dutyStatus', o.status, l),
        <StandingTag standing={o.standing} l={l} />,
      ])}
    />
  );
}

/** `GET /duties`: what I answer for (upcoming, overdue, done) and, for reviewers, what waits for me. */
export function MyDutiesPage({ ctx, mine, toReview, supervisions = [] }: { ctx: PageCtx; mine: ObligationSummary[]; toReview: ObligationSummary[]; supervisions?: SupervisionSummary[] }) {
  const l = ctx.locale;
  const upcoming = mine.filter((o) => o.standing === 'pending' || o.standing === 'in_review');
  const overdue = mine.filter((o) => o.standing === 'missing');
  const done = mine.filter((o) => o.standing === 'done' || o.standing === 'late');
  return (
    <Layout ctx={ctx} title={t(l, '我的职责', 'My duties')}>
      <div class="page-head"><h1>{t(l, '我的职责', 'My duties')}</h1></div>
      <p class="muted">{t(l, '网络意识形态工作责任制规定的定期工作：到期前提醒，逾期后督办；材料经审核通过后才算完成。时间均为北京时间。', 'Recurring duties of the responsibility system: reminders before the due day, escalation after it; a duty is done only once its reviewer accepts it. Times are Beijing time.')}</p>
      {toReview.length ? (
        <Card id="to-review" title={t(l, `待我审核（${toReview.length}）`, `Awaiting my review (${toReview.length})`)}>
          <DutyTable ctx={ctx} items={toReview} showUnit empty="" />
        </Card>
      ) : null}
      <Card id="upcoming" title={t(l, `待办（${upcoming.length}）`, `Upcoming (${upcoming.length})`)}>
        <DutyTable ctx={ctx} items={upcoming} showUnit empty={t(l, '没有待办的职责。', 'Nothing upcoming.')} />
      </Card>
      <Card id="overdue" title={t(l, `已逾期（${overdue.length}）`, `Overdue (${overdue.length})`)}>
        <DutyTable ctx={ctx} items={overdue} showUnit empty={t(l, '没有逾期的职责。', 'Nothing is overdue.')} />
      </Card>
      <Card id="done" title={t(l, `已完成（${done.length}）`, `Done (${done.length})`)}>
        <DutyTable ctx={ctx} items={done} showUnit empty={t(l, '还没有已完成的职责。', 'Nothing done yet.')} />
      </Card>
      <OwnSupervisions ctx={ctx} items={supervisions} />
    </Layout>
  );
}

type SupervisionSummary = Awaited<ReturnType<typeof listSupervisions>>[number];
type ObligationView = Awaited<ReturnType<typeof getObligation>>;

/** `GET /duties/{id}`: the duty, its submissions with their files and decisions, and what I may do now. */
export function DutyPage({ ctx, o, errors = {}, values = {}, notice }: { ctx: PageCtx; o: ObligationView; errors?: FieldErrors; values?: Record<string, string>; notice?: string }) {
  const l = ctx.locale;
  const can = new Set(o.allowedActions);
  return (
    <Layout ctx={ctx} title={o.title} crumbs={[[t(l, '我的职责', 'My duties'), '/duties'], [o.title]]}>
      <ErrorSummary errors={errors} l={l} />
      <div class="page-head"><h1>{o.title} <span class="muted">{t(l, periodWords(o.period).zh, periodWords(o.period).en)}</span></h1></div>
      {notice ? <Notice tone="ok">{notice}</Notice> : null}
      <Card>
        <Facts rows={[
          [t(l, '单位', 'Unit'), o.unitName ?? dutyPartyLabel('publicity', l)],
          [t(l, '截止时间', 'Due'), <Time at={o.dueAt} l={l} />],
          [t(l, '状态', 'Status'), <span>{label('dutyStatus', o.status, l)} <StandingTag standing={o.standing} l={l} /></span>],
          [t(l, '责任岗位', 'Answered by'), o.unitId ? label('level', o.responsible, l) : dutyPartyLabel('publicity', l)],
          [t(l, '审核', 'Reviewed by'), dutyPartyLabel(o.reviewer, l)],
          [t(l, '需提交', 'Evidence'), o.evidence.map((e) => label('evidence', e, l)).join(t(l, '、', ', '))],
          [t(l, '提醒 / 督办', 'Reminders / escalations'), `${o.remindersSent} / ${o.escalationsSent}`],
        ]} />
      </Card>
      <Card id="submissions" title={t(l, '提交记录', 'Submissions')}>
        <Table
          head={[t(l, '次序', 'Round'), t(l, '提交人', 'By'), t(l, '时间', 'When'), t(l, '材料', 'Files'), t(l, '说明', 'Note'), t(l, '审核', 'Decision')]}
          empty={t(l, '尚未提交。', 'Nothing submitted yet.')}
          rows={o.submissions.map((s) => [
            String(s.round),
            s.submittedByName,
            <Time at={s.submittedAt} l={l} />,
            <ul class="files">{s.files.map((f) => <li><a href={new URL(f.url).pathname} data-evidence>{f.name}</a></li>)}</ul>,
            s.note || '—',
            s.decision
              ? <span><Tag tone={s.decision.decision === 'accept' ? 'ok' : 'warn'}>{s.decision.decision === 'accept' ? t(l, '通过', 'Accepted') : t(l, '退回', 'Returned')}</Tag> {s.decision.comment ?? ''}</span>
              : t(l, '待审核', 'Waiting'),
          ])}
        />
      </Card>
      {can.has('submit') ? (
        <Card id="submit" title={o.status === 'returned' ? t(l, '修改后重新提交', 'Submit again') : t(l, '提交材料', 'Submit the evidence')}>
          <PostForm action={`/duties/${o.id}/submit`} csrf={ctx.csrf} enctype="multipart/form-data">
            <div class={errors.files ? 'field has-error' : 'field'}>
              <label for={fieldId('files')}>{t(l, '材料文件（最多 5 个：PDF、Word、Excel、PPT 或图片）', 'Files (up to 5: PDF, Word, Excel, PowerPoint or images)')}</label>
              {errors.files ? <span class="error-message" id={`${fieldId('files')}-error`}>{errors.files}</span> : null}
              <input type="file" id={fieldId('files')} name="files" multiple required aria-invalid={errors.files ? 'true' : undefined} />
            </div>
            <TextArea name="note" label={t(l, '说明', 'Note')} value={values.note} error={errors.note} rows={3} />
            <div class="actions"><Button>{t(l, '提交', 'Submit')}</Button></div>
          </PostForm>
        </Card>
      ) : null}
      {can.has('accept') || can.has('return') ? (
        <Card id="decide" title={t(l, '审核', 'Decide')}>
          <PostForm action={`/duties/${o.id}/decide`} csrf={ctx.csrf}>
            <TextArea name="comment" label={t(l, '意见（退回时必填）', 'Comment (required to return)')} value={values.comment} error={errors.comment} rows={3} />
            <div class="actions">
              <Button kind="ok" name="decision" value="accept">{t(l, '通过', 'Accept')}</Button>
              <Button kind="warn" name="decision" value="return">{t(l, '退回', 'Return')}</Button>
            </div>
          </PostForm>
        </Card>
      ) : null}
    </Layout>
  );
}

type YearReport = Awaited<ReturnType<typeof dutyYear>>;

/** `GET /duties/board?year=`: per unit and period, done / late / missing, one click to the evidence; prints as the year's summary. */
export function BoardPage({ ctx, report, years }: { ctx: PageCtx; report: YearReport; years: number[] }) {
  const l = ctx.locale;
  const periods = [...new Set(report.items.map((i) => i.o.period))].sort();
  const cell = (n: number, s: Standing) => <span data-unit-count={s}>{n}</span>;
  return (
    <Layout ctx={ctx} title={t(l, `${report.year} 年度责任制落实情况`, `Duties ${report.year}`)}>
      <div class="page-head">
        <h1>{t(l, `${report.year} 年度网络意识形态工作责任制落实情况`, `Responsibility-system duties, ${report.year}`)}</h1>
        <nav class="no-print" aria-label={t(l, '年度', 'Year')}>
          {years.map((y) => (y === report.year ? <strong>{y} </strong> : <a href={`/duties/board?year=${y}`}>{y} </a>))}
          <a class="btn secondary" href={`/api/v1/exports/duties.csv?year=${report.year}`}>{t(l, '导出 CSV', 'Export CSV')}</a>
        </nav>
      </div>
      <p class="muted">{t(l, `生成于 `, 'Generated ')}<Time at={report.generatedAt} l={l} />{t(l, '。用于年度目标责任考核（可直接打印）。', '. For the yearly target-responsibility assessment (prints on A4).')}</p>
      <Card id="summary" title={t(l, '各单位汇总', 'Per unit')}>
        <Table
          head={[t(l, '单位', 'Unit'), t(l, '事项', 'Duties'), ...STANDINGS.map((s) => label('standing', s, l))]}
          empty={t(l, '本年度还没有职责事项。', 'No duties this year yet.')}
          rows={report.units.map((u) => [u.unitName, String(u.total), ...STANDINGS.map((s) => cell(u[s], s))])}
        />
      </Card>
      {periods.map((p) => (
        <Card id={`period-${p}`} title={t(l, periodWords(p).zh, periodWords(p).en)}>
          <Table
            head={[t(l, '单位', 'Unit'), t(l, '职责', 'Duty'), t(l, '截止日', 'Due day'), t(l, '完成情况', 'Standing'), t(l, '材料', 'Evidence')]}
            empty=""
            rows={report.items.filter((i) => i.o.period === p).map((i) => [
              i.unitName,
              <a href={dutyHref(ctx, i.o.id)}>{i.title}</a>,
              i.o.dueDay,
              <StandingTag standing={i.standing} l={l} />,
              i.o.acceptedSubmissionId ? <a href={`${dutyHref(ctx, i.o.id)}#submissions`} data-evidence-for={i.o.id}>{t(l, '查看材料', 'Evidence')}</a> : '—',
            ])}
          />
        </Card>
      ))}
    </Layout>
  );
}
