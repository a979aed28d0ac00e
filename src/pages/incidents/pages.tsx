import type { Child } from 'hono/jsx';
import { GROUPS, INCIDENT_CLASSES, INCIDENT_STAGES, SEVERITIES, type IncidentDeadlines, type IncidentStage, type Severity } from '../../domain/incidents';
import { label, type Locale } from '../../lib/i18n';
import { evidenceUrl } from '../../routes/incidents';
import { evidenceOf, type getIncident, type listIncidents } from '../../services/incidents';
import { t, type PageCtx } from '../components/context';
import { Layout } from '../components/Layout';
import {
  Button, Card, Choices, ErrorSummary, Facts, FileField, Notice, PostForm, Select, Table, Tag, TextArea, TextField, Time, Timeline,
  type FieldErrors, type TimelineItem, type Tone,
} from '../components/ui';

/**
 * The 舆情 pages: the incident (facts, the five stages, deadlines in Beijing time, the dated entries,
 * the forms its stage allows), the phone-first report form, and the board of open incidents.
 */

type IncidentView = Awaited<ReturnType<typeof getIncident>>;
type BoardItem = Awaited<ReturnType<typeof listIncidents>>[number];
export type Values = Record<string, string>;

const SEVERITY_TONE: Record<Severity, Tone> = { ordinary: 'grey', significant: 'info', major: 'warn', especially_major: 'bad' };

export const SeverityTag = ({ severity, l }: { severity: Severity | null; l: Locale }) =>
  severity ? <Tag tone={SEVERITY_TONE[severity]}>{label('severity', severity, l)}</Tag> : <Tag>{t(l, '待研判', 'not assessed')}</Tag>;

/** `?lang=…` for the page's links and forms, when the page was asked in a language. */
export const lang = (ctx: PageCtx) => (ctx.query.get('lang') ? `?lang=${ctx.locale}` : '');
export const incidentHref = (ctx: PageCtx, id: string) => `/incidents/${id}${lang(ctx)}`;

/** The five stages in order, the current one marked. */
function Stages({ stage, l }: { stage: IncidentStage; l: Locale }) {
  const at = INCIDENT_STAGES.indexOf(stage);
  return (
    <ol class="stages" aria-label={t(l, '处置阶段', 'Stages')}>
      {INCIDENT_STAGES.map((s, i) => (
        <li class={i < at ? 'done' : ''} aria-current={i === at ? 'step' : undefined} data-stage={s}>{label('incidentStage', s, l)}</li>
      ))}
    </ol>
  );
}

export const DEADLINE_NAMES: Record<keyof IncidentDeadlines, [string, string]> = {
  acknowledgeBy: ['确认接报', 'Acknowledge by'],
  replyBy: ['当日回复', 'Same-day reply by'],
  resultBy: ['承诺的结果', 'Promised result by'],
};

/** What is still owed and by when; a passed deadline is said to be overdue, in words and colour. */
function Deadlines({ due, now, l }: { due: IncidentDeadlines; now: Date; l: Locale }) {
  const rows = (Object.keys(DEADLINE_NAMES) as (keyof IncidentDeadlines)[]).flatMap((k) => {
    const at = due[k];
    if (!at) return [];
    const late = at <= now;
    return [[t(l, ...DEADLINE_NAMES[k]), <span class={late ? 'overdue' : ''} data-deadline={k} data-overdue={late ? 'true' : 'false'}><Time at={at} l={l} />{late ? t(l, '（已超时）', ' (overdue)') : ''}</span>] as [Child, Child]];
  });
  return rows.length ? <Facts rows={rows} /> : <p class="muted">{t(l, '目前没有待完成的时限。', 'Nothing is owed now.')}</p>;
}

/** The dated entries as a timeline, each in words: who did what, and what it said. */
function entryItem(e: IncidentView['entries'][number], l: Locale): TimelineItem {
  const data = (e.data ?? {}) as Record<string, unknown>;
  const who = e.actorName ?? t(l, '系统', 'the system');
  const tone: TimelineItem['tone'] = e.kind === 'escalated' ? 'bad' : e.kind === 'reminder' ? 'warn' : e.kind === 'closed' || e.kind === 'reply' ? 'ok' : undefined;
  const notified = Array.isArray(data.notified) ? data.notified.length : 0;
  const extra: Child[] = [];
  if (e.kind === 'assessed') extra.push(<p><SeverityTag severity={data.severity as Severity} l={l} /> {label('incidentClass', String(data.class), l)}</p>);
  if (e.kind === 'reply' && e.draftId) extra.push(<p><a href={`/drafts/${e.draftId}`}>{t(l, '查看回复稿及其审核记录', 'The reply draft and its sign-off record')}</a>{data.promisedBy ? <span>{t(l, '；承诺结果时间：', '; result promised by ')}<Time at={String(data.promisedBy)} l={l} /></span> : null}</p>);
  if ((e.kind === 'reminder' || e.kind === 'escalated') && typeof data.deadline === 'string') extra.push(<p class="muted">{t(l, ...DEADLINE_NAMES[data.deadline as keyof IncidentDeadlines])}</p>);
  if (e.kind === 'evidence' && Array.isArray(data.files)) extra.push(<p class="muted">{(data.files as { name: string }[]).map((f) => f.name).join('、')}</p>);
  if (data.urgent) extra.push(<p><Tag tone="bad">{t(l, '越级上报', 'urgent: skipped levels')}</Tag></p>);
  if (notified) extra.push(<p class="muted">{t(l, `已通知 ${notified} 人`, `${notified} told`)}</p>);
  return {
    tone,
    title: <span data-entry={e.kind}><strong>{label('entryKind', e.kind, l)}</strong> · {who}</span>,
    at: e.at,
    children: <>{e.text ? <p>{e.text}</p> : null}{extra}</>,
  };
}

export interface ApprovedDraft { id: string; title: string }

export interface IncidentPageProps {
  ctx: PageCtx;
  v: IncidentView;
  unitName: string;
  drafts: ApprovedDraft[];
  errors?: FieldErrors;
  values?: Values;
  notice?: string;
}

const IMAGE = /^image\//;

/** The photos as thumbnails, other files as links; each served only to whoever may see the incident. */
function Evidence({ incidentId, entries, l }: { incidentId: string; entries: IncidentView['entries']; l: Locale }) {
  const files = evidenceOf(entries);
  if (!files.length) return <p class="muted">{t(l, '还没有照片或截图。', 'No photos or screenshots yet.')}</p>;
  return (
    <ul class="evidence">
      {files.map((f) => {
        const href = evidenceUrl(incidentId, f.sha256);
        return (
          <li data-evidence={f.name}>
            <a href={href} target="_blank" rel="noopener">
              {IMAGE.test(f.type) ? <img src={href} alt={f.name} loading="lazy" width={160} /> : null}
              <span>{f.name}</span>
            </a>
          </li>
        );
      })}
    </ul>
  );
}

const EVIDENCE_HINT: [string, string] = ['可拍照或选择截图，一次最多 5 个（jpg、png、gif、webp、pdf 等）。', 'Take photos or choose screenshots, up to 5 at once (jpg, png, gif, webp, pdf…).'];

/** `GET /incidents/{id}`: the incident, its deadlines and timeline, and the forms its stage allows. */
export function IncidentPage({ ctx, v, unitName, drafts, errors = {}, values = {}, notice }: IncidentPageProps) {
  const l = ctx.locale;
  const i = v.incident;
  const can = new Set(v.actions);
  const action = (name: string) => `/incidents/${i.id}/${name}${lang(ctx)}`;
  return (
    <Layout ctx={ctx} title={i.summary} crumbs={[[t(l, '舆情', 'Incidents'), '/incidents'], [i.summary]]}>
      <ErrorSummary errors={errors} l={l} />
      <div class="page-head">
        <h1>{i.summary}</h1>
        <a class="btn secondary" href={`/incidents/${i.id}/bulletin${lang(ctx)}`} id="bulletin-link">{t(l, '舆情要报（打印）', 'Bulletin (print)')}</a>
      </div>
      {notice ? <Notice tone="ok">{notice}</Notice> : null}
      <Stages stage={i.stage} l={l} />
      <Card>
        <Facts rows={[
          [t(l, '单位', 'Unit'), unitName],
          [t(l, '时间', 'When'), <Time at={i.occurredAt} l={l} />],
          [t(l, '地点', 'Where'), i.place],
          [t(l, '人员', 'Who'), i.involved],
          [t(l, '事态发展', 'Development'), i.development],
          [t(l, '涉及群体', 'Group'), label('group', i.group, l)],
          [t(l, '严重程度', 'Severity'), <span><SeverityTag severity={i.severity} l={l} />{i.urgent ? <> <Tag tone="bad">{t(l, '紧急', 'urgent')}</Tag></> : null}</span>],
          [t(l, '处置类别', 'Class of handling'), i.class ? label('incidentClass', i.class, l) : t(l, '待研判', 'not assessed')],
          [t(l, '报告时间', 'Reported'), <Time at={i.reportedAt} l={l} />],
        ]} />
      </Card>
      <Card id="deadlines" title={t(l, '时限', 'Deadlines')}>
        <Deadlines due={v.deadlines} now={v.now} l={l} />
      </Card>
      <Card id="evidence" title={t(l, '照片与证据材料', 'Photos and evidence')}>
        <Evidence incidentId={i.id} entries={v.entries} l={l} />
        {can.has('add_evidence') ? (
          <PostForm action={action('evidence')} csrf={ctx.csrf} enctype="multipart/form-data" id="add-evidence">
            <FileField name="files" label={t(l, '添加照片或截图', 'Add photos or screenshots')} hint={t(l, ...EVIDENCE_HINT)} error={errors.files} accept="image/*" capture multiple required />
            <TextField name="evidenceNote" label={t(l, '说明（可选）', 'Note (optional)')} value={values.evidenceNote} error={errors.evidenceNote} />
            <div class="actions"><Button kind="secondary">{t(l, '上传', 'Upload')}</Button></div>
          </PostForm>
        ) : null}
      </Card>
      <Card id="timeline" title={t(l, '处置记录', 'Record')}>
        <Timeline items={v.entries.map((e) => entryItem(e, l))} l={l} />
      </Card>
      {errors.actions ? <div id="f-actions"><Notice tone="bad">{errors.actions}</Notice></div> : null}
      {can.has('acknowledge') ? (
        <Card id="acknowledge" title={t(l, '确认接报', 'Acknowledge')}>
          <PostForm action={action('acknowledge')} csrf={ctx.csrf}>
            <TextArea name="note" label={t(l, '说明（可选）', 'Note (optional)')} value={values.note} error={errors.note} rows={2} />
            <div class="actions"><Button>{t(l, '确认接报并上报', 'Acknowledge and report up')}</Button></div>
          </PostForm>
        </Card>
      ) : null}
      {can.has('assess') ? (
        <Card id="assess" title={t(l, '研判', 'Assess')}>
          <PostForm action={action('assess')} csrf={ctx.csrf}>
            <Select name="severity" label={t(l, '严重程度', 'Severity')} value={values.severity ?? i.severity ?? ''} error={errors.severity}
              options={[['', t(l, '请选择', 'Choose')], ...SEVERITIES.map((s) => [s, label('severity', s, l)] as [string, string])]} />
            <Choices type="radio" name="class" legend={t(l, '处置类别', 'Class of handling')} error={errors.class}
              hint={t(l, '询问、置疑、诉求类须当日回复。', 'Questions, doubts and claims are answered the same day.')}
              choices={INCIDENT_CLASSES.map((c) => ({ value: c, label: label('incidentClass', c, l), checked: (values.class ?? i.class) === c }))} />
            <TextArea name="note" label={t(l, '研判意见', 'Assessment')} value={values.note} error={errors.note} rows={3} required />
            <div class="actions"><Button>{t(l, '保存研判', 'Save the assessment')}</Button></div>
          </PostForm>
        </Card>
      ) : null}
      {can.has('reply') ? (
        <Card id="reply" title={t(l, '记录回复', 'Record the reply')}>
          <PostForm action={action('reply')} csrf={ctx.csrf}>
            {drafts.length ? (
              <Select name="draftId" label={t(l, '已批准的回复稿', 'Approved reply draft')} value={values.draftId} error={errors.draftId}
                hint={t(l, '对外回复须先作为稿件经审核批准。', 'A reply to the public is first approved as a draft through the sign-off chain.')}
                options={drafts.map((d) => [d.id, d.title] as [string, string])} />
            ) : (
              <p class="muted" id="f-draftId">{t(l, '还没有可作为此舆情回复的已批准稿件（须在舆情发生后撰写，尚未记录过）：', 'No approved draft can be this incident’s reply yet (written after it occurred, not recorded already): ')}<a href="/drafts/new">{t(l, '撰写回复稿并提交审核', 'write the reply and submit it')}</a></p>
            )}
            <TextField name="promisedBy" type="datetime-local" label={t(l, '承诺结果时间（北京时间，可选）', 'Result promised by (Beijing time, optional)')} value={values.promisedBy} error={errors.promisedBy} />
            <TextArea name="note" label={t(l, '说明（可选）', 'Note (optional)')} value={values.note} error={errors.note} rows={2} />
            <div class="actions"><Button>{t(l, '记录回复', 'Record the reply')}</Button></div>
          </PostForm>
        </Card>
      ) : null}
      {can.has('follow_up') ? (
        <Card id="follow-up" title={t(l, '跟进', 'Follow-up')}>
          <PostForm action={action('follow-up')} csrf={ctx.csrf}>
            <TextArea name="text" label={t(l, '跟进情况', 'What happened')} value={values.text} error={errors.text} rows={2} required />
            {i.promisedBy && !i.resultAt ? <Choices name="result" legend={t(l, '结果', 'Result')} choices={[{ value: 'true', label: t(l, '这是承诺的结果', 'This is the promised result') }]} /> : null}
            <div class="actions"><Button kind="secondary">{t(l, '记录跟进', 'Add the follow-up')}</Button></div>
          </PostForm>
        </Card>
      ) : null}
      {can.has('finish_handling') ? (
        <Card id="finish" title={t(l, '处置完毕', 'Handling done')}>
          <PostForm action={action('finish')} csrf={ctx.csrf}>
            <TextArea name="finishText" label={t(l, '处置结果', 'Outcome')} value={values.finishText} error={errors.finishText} rows={2} required />
            <div class="actions"><Button>{t(l, '处置完毕，进入总结评估', 'Done; on to the closing review')}</Button></div>
          </PostForm>
        </Card>
      ) : null}
      {can.has('close') ? (
        <Card id="close" title={t(l, '总结评估', 'Closing review')}>
          <PostForm action={action('close')} csrf={ctx.csrf}>
            <TextArea name="summary" label={t(l, '总结评估', 'Summary and evaluation')} value={values.summary} error={errors.summary} rows={4} required />
            <div class="actions"><Button kind="ok">{t(l, '结束此事件', 'Close the incident')}</Button></div>
          </PostForm>
        </Card>
      ) : null}
    </Layout>
  );
}

/** `GET /incidents/new`: a report from a phone — what, when, where, who, how it develops. */
export function ReportPage({ ctx, units, errors = {}, values }: { ctx: PageCtx; units: { id: string; name: string }[]; errors?: FieldErrors; values: Values }) {
  const l = ctx.locale;
  return (
    <Layout ctx={ctx} title={t(l, '报告舆情', 'Report an incident')} crumbs={[[t(l, '舆情', 'Incidents'), '/incidents'], [t(l, '报告', 'Report')]]}>
      <ErrorSummary errors={errors} l={l} />
      <div class="page-head"><h1>{t(l, '报告舆情', 'Report an incident')}</h1></div>
      <p class="muted">{t(l, '第一时间报告：值班人员和分管院领导会立即收到通知。', 'Report first thing: the person on duty and the leader in charge are told at once.')}</p>
      <Card>
        <PostForm action={`/incidents/new${lang(ctx)}`} csrf={ctx.csrf} enctype="multipart/form-data">
          {units.length > 1
            ? <Select name="unitId" label={t(l, '单位', 'Unit')} value={values.unitId} error={errors.unitId} options={units.map((u) => [u.id, u.name] as [string, string])} />
            : <input type="hidden" name="unitId" value={units[0]?.id ?? ''} />}
          <TextField name="summary" label={t(l, '事件概要', 'Summary')} value={values.summary} error={errors.summary} required />
          <TextField name="occurredAt" type="datetime-local" label={t(l, '时间（北京时间）', 'When (Beijing time)')} value={values.occurredAt} error={errors.occurredAt} required />
          <TextField name="place" label={t(l, '地点（平台或场所）', 'Where (platform or place)')} value={values.place} error={errors.place} required />
          <TextField name="people" label={t(l, '人员', 'Who')} value={values.people} error={errors.people} required />
          <TextArea name="development" label={t(l, '事态发展情况', 'How it is developing')} value={values.development} error={errors.development} rows={4} required />
          <FileField name="files" label={t(l, '照片或截图（可选）', 'Photos or screenshots (optional)')} hint={t(l, ...EVIDENCE_HINT)} error={errors.files} accept="image/*" capture multiple />
          <Choices type="radio" name="group" legend={t(l, '涉及群体', 'Who it concerns')} error={errors.group}
            choices={GROUPS.map((g) => ({ value: g, label: label('group', g, l), checked: (values.group ?? 'students') === g }))} />
          <Choices name="urgent" legend={t(l, '紧急程度', 'Urgency')} error={errors.urgent}
            choices={[{ value: 'true', label: t(l, '特别紧急，越级上报', 'Especially urgent: report past the levels'), hint: t(l, '直接报学院书记，并知会分管院领导。', 'Goes straight to the secretary; the leader in charge is told.'), checked: values.urgent === 'true' }]} />
          <div class="actions"><Button>{t(l, '立即报告', 'Report now')}</Button></div>
        </PostForm>
      </Card>
    </Layout>
  );
}

/** `GET /incidents`: open incidents, gravest and most urgent first, with what each still owes. */
export function BoardPage({ ctx, items, units, now }: { ctx: PageCtx; items: BoardItem[]; units: Map<string, string>; now: Date }) {
  const l = ctx.locale;
  const next = (d: IncidentDeadlines) => {
    const owed = (Object.keys(DEADLINE_NAMES) as (keyof IncidentDeadlines)[]).filter((k) => d[k]).sort((a, b) => d[a]!.getTime() - d[b]!.getTime())[0];
    if (!owed) return '—';
    const late = d[owed]! <= now;
    return <span class={late ? 'overdue' : ''} data-overdue={late ? 'true' : 'false'}>{t(l, ...DEADLINE_NAMES[owed])}：<Time at={d[owed]} l={l} />{late ? t(l, '（已超时）', ' (overdue)') : ''}</span>;
  };
  return (
    <Layout ctx={ctx} title={t(l, '舆情', 'Incidents')}>
      <div class="page-head">
        <h1>{t(l, '舆情事件', 'Online-opinion incidents')}</h1>
        <a class="btn secondary" href={`/incidents/roster${lang(ctx)}`}>{t(l, '值班表', 'Duty roster')}</a>
        <a class="btn" href={`/incidents/new${lang(ctx)}`}>{t(l, '报告舆情', 'Report an incident')}</a>
      </div>
      <p class="muted">{t(l, '未结束的事件，按严重程度和时限排列。时间均为北京时间。', 'Open incidents, gravest and most urgent first. Times are Beijing time.')}</p>
      <Card id="open">
        <Table
          head={[t(l, '事件', 'Incident'), t(l, '单位', 'Unit'), t(l, '严重程度', 'Severity'), t(l, '阶段', 'Stage'), t(l, '下一时限', 'Next deadline'), t(l, '报告时间', 'Reported')]}
          empty={t(l, '没有未结束的舆情事件。', 'No open incidents.')}
          rows={items.map(({ incident: i, deadlines }) => [
            <a href={incidentHref(ctx, i.id)}>{i.summary}</a>,
            units.get(i.unitId) ?? '—',
            <span><SeverityTag severity={i.severity} l={l} />{i.urgent ? <> <Tag tone="bad">{t(l, '紧急', 'urgent')}</Tag></> : null}</span>,
            label('incidentStage', i.stage, l),
            next(deadlines),
            <Time at={i.reportedAt} l={l} />,
          ])}
        />
      </Card>
    </Layout>
  );
}
